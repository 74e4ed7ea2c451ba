/**
 * Per-kernel time of one training step (`tf.profile`), so the benchmark output says where a
 * step's time goes on the backend being measured.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { makeOptimizer } from "../src/train/optimizers.ts";
import { trainStep } from "../src/train/step.ts";
import { Random } from "../src/util/random.ts";

/** Time one kernel took over a profiled step, summed over its calls. */
export interface KernelRow {
  /** tfjs kernel name (`Conv2DBackpropFilter`, `MaxPoolGrad`…). */
  kernel: string;
  /** Milliseconds summed over all calls in the step. */
  ms: number;
  calls: number;
}

/** Per-kernel rows of one profiled training step, slowest first. */
export interface StepProfile {
  model: string;
  batch: number;
  backend: string;
  /** Wall time of the profiled step, including JS dispatch between kernels. */
  wallMs: number;
  /** Sum of the rows' `ms`. */
  kernelMs: number;
  rows: KernelRow[];
}

/**
 * Profiles one Adam training step of `modelName` on `batch` seeded random images on the
 * current backend, after `warmup` unprofiled steps (first-call costs excluded).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { profileTrainingStep } from "./profile.ts";
 * await tf.setBackend("cpu");
 * const p = await profileTrainingStep("logistic-regression", 4, 0);
 * console.log(p.rows[0].kernel, p.rows.length > 0); // e.g. "MatMul" true
 * ```
 */
export async function profileTrainingStep(
  modelName: string,
  batch: number,
  warmup = 2,
): Promise<StepProfile> {
  const spec = getModelSpec(modelName);
  const model = buildModel(spec);
  const optimizer = makeOptimizer({ kind: "adam", learningRate: 1e-3 });
  const rng = new Random(3);
  const images = new Float32Array(batch * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  const labels = new Int32Array(batch);
  const classCount = spec.classCount ?? 10;
  for (let i = 0; i < batch; i++) labels[i] = i % classCount;
  const step = () => {
    const { loss, correct } = trainStep(model, optimizer, { images, labels, count: batch }, {
      classCount,
    });
    return [loss, correct];
  };
  try {
    for (let i = 0; i < warmup; i++) {
      const out = step();
      await out[0].data();
      tf.dispose(out);
    }
    let wallMs = 0;
    const info = await tf.profile(async () => {
      const start = performance.now();
      const out = step();
      await out[0].data();
      wallMs = performance.now() - start;
      tf.dispose(out);
    });
    const times = await Promise.all(info.kernels.map((k) => k.kernelTimeMs));
    const byName = new Map<string, KernelRow>();
    info.kernels.forEach((k, i) => {
      const row = byName.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
      row.ms += typeof times[i] === "number" ? times[i] as number : 0;
      row.calls += 1;
      byName.set(k.name, row);
    });
    const rows = [...byName.values()].sort((a, b) => b.ms - a.ms);
    return {
      model: modelName,
      batch,
      backend: tf.getBackend(),
      wallMs,
      kernelMs: rows.reduce((s, r) => s + r.ms, 0),
      rows,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/**
 * Markdown table of a {@link StepProfile}: the `top` slowest kernels and the rest summed.
 *
 * @example
 * ```ts
 * import { profileTable } from "./profile.ts";
 * const p = { model: "m", batch: 2, backend: "cpu", wallMs: 3, kernelMs: 2,
 *   rows: [{ kernel: "MatMul", ms: 2, calls: 3 }] };
 * console.log(profileTable(p).includes("| MatMul | 2.00 | 3 | 100% |")); // true
 * ```
 */
export function profileTable(profile: StepProfile, top = 12): string {
  const pct = (ms: number) => `${Math.round((100 * ms) / Math.max(profile.kernelMs, 1e-9))}%`;
  const lines = [
    `per-kernel time of one training step: ${profile.model}, batch ${profile.batch}, ` +
    `${profile.backend} (${
      profile.kernelMs.toFixed(1)
    } ms in kernels, counting fused ops and their ` +
    `inner kernels both; ` +
    `${profile.wallMs.toFixed(1)} ms wall)`,
    "",
    "| kernel | ms | calls | share |",
    "|---|---:|---:|---:|",
  ];
  for (const r of profile.rows.slice(0, top)) {
    lines.push(`| ${r.kernel} | ${r.ms.toFixed(2)} | ${r.calls} | ${pct(r.ms)} |`);
  }
  const rest = profile.rows.slice(top);
  if (rest.length) {
    const ms = rest.reduce((s, r) => s + r.ms, 0);
    const calls = rest.reduce((s, r) => s + r.calls, 0);
    lines.push(`| (${rest.length} others) | ${ms.toFixed(2)} | ${calls} | ${pct(ms)} |`);
  }
  return lines.join("\n");
}
