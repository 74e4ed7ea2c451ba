/**
 * Per-kernel time of a training step, so the benchmark output says where a step's time goes:
 * eager steps through `tf.profile`, graph steps through libtensorflow's own trace.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { makeStepEngine } from "../src/train/engines.ts";
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
  /** Steps the rows are averaged over (1 for an eager profile). */
  steps?: number;
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
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { profileTrainingStep } from "./profile.ts";
 * await tf.setBackend("cpu");
 * const p = await profileTrainingStep("logistic-regression", 4, 0);
 * ok(p.rows.length > 0 && p.rows[0].kernel.length > 0); // the costliest kernel first, e.g. "MatMul"
 * ```
 */
export async function profileTrainingStep(
  modelName: string,
  batch: number,
  warmup = 2,
): Promise<StepProfile> {
  const { model, optimizer, classCount, images, labels } = profiledModel(modelName, batch);
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
 * Profiles `steps` Adam steps of `modelName` on the graph engine (tensorflow backend) with
 * libtensorflow's trace, after `warmup` untraced ones; rows are per op type as the executor ran
 * it (`_MklNative…` for oneDNN), milliseconds and calls per step. Tracing adds a little time to
 * every op, so the wall time is a traced step's.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { initBackend } from "../src/backend/mod.ts";
 * import { profileGraphStep } from "./profile.ts";
 * await initBackend("tensorflow"); // the graph engine; needs `deno task setup`
 * const p = await profileGraphStep("mlp", 16, 2, 1);
 * ok(p.rows.length > 0 && p.rows[0].kernel.length > 0); // costliest first, e.g. "_MklMatMul"
 * ```
 */
export async function profileGraphStep(
  modelName: string,
  batch: number,
  steps = 10,
  warmup = 3,
): Promise<StepProfile> {
  const { model, optimizer, classCount, images, labels } = profiledModel(modelName, batch);
  const engine = makeStepEngine(model, optimizer, { classCount }, "graph");
  const seeds = model.layers.filter((l) => l.getClassName() === "Dropout").map((_, i) => i + 1);
  const data = { images, labels, count: batch };
  try {
    await engine.beginEpoch();
    await engine.collect(Array.from({ length: warmup }, () => engine.step(data, 1e-3, seeds)));
    const byOp = new Map<string, KernelRow>();
    const start = performance.now();
    for (let s = 0; s < steps; s++) {
      for (const timing of await engine.traceStep!(data, 1e-3, seeds)) {
        const row = byOp.get(timing.op) ?? { kernel: timing.op, ms: 0, calls: 0 };
        row.ms += timing.micros / 1000;
        row.calls += 1;
        byOp.set(timing.op, row);
      }
    }
    const wallMs = (performance.now() - start) / steps;
    await engine.endEpoch();
    const rows = [...byOp.values()]
      .map((r) => ({ ...r, ms: r.ms / steps, calls: r.calls / steps }))
      .sort((a, b) => b.ms - a.ms);
    return {
      model: modelName,
      batch,
      backend: "tensorflow, graph",
      steps,
      wallMs,
      kernelMs: rows.reduce((s, r) => s + r.ms, 0),
      rows,
    };
  } finally {
    engine.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/**
 * The training figure furthest from its compute floor (lowest fraction), as its model and
 * backend, or undefined when no figure has a floor.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { furthestFromFloor } from "./profile.ts";
 * const furthest = furthestFromFloor([
 *   { id: "train a [wasm]", backend: "wasm", floorFraction: 0.08 },
 *   { id: "train b [tensorflow]", backend: "tensorflow", floorFraction: 0.4 },
 *   { id: "infer a [wasm]", backend: "wasm" },
 * ]);
 * deepStrictEqual(furthest, { model: "a", backend: "wasm" });
 * ```
 */
export function furthestFromFloor(
  figures: { id: string; backend: string | null; floorFraction?: number }[],
): { model: string; backend: string } | undefined {
  const slowest = figures
    .filter((f) => f.id.startsWith("train ") && f.backend && f.floorFraction !== undefined)
    .sort((a, b) => a.floorFraction! - b.floorFraction!)[0];
  return slowest && { model: /^train (\S+)/.exec(slowest.id)![1], backend: slowest.backend! };
}

/** A fresh model with Adam, and `batch` seeded random images with cycling labels. */
function profiledModel(modelName: string, batch: number) {
  const spec = getModelSpec(modelName);
  const model = buildModel(spec);
  const optimizer = makeOptimizer({ kind: "adam", learningRate: 1e-3 });
  const classCount = spec.classCount ?? 10;
  const rng = new Random(3);
  const images = new Float32Array(batch * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = i % classCount;
  return { model, optimizer, classCount, images, labels };
}

/**
 * Markdown table of a {@link StepProfile}: the `top` slowest kernels and the rest summed.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { profileTable } from "./profile.ts";
 * const p = { model: "m", batch: 2, backend: "cpu", wallMs: 3, kernelMs: 2,
 *   rows: [{ kernel: "MatMul", ms: 2, calls: 3 }] };
 * ok(profileTable(p).includes("| MatMul | 2.00 | 3 | 100% |"));
 * ```
 */
export function profileTable(profile: StepProfile, top = 12): string {
  const calls = (n: number) => Number.isInteger(n) ? `${n}` : n.toFixed(1);
  const pct = (ms: number) => `${Math.round((100 * ms) / Math.max(profile.kernelMs, 1e-9))}%`;
  const traced = (profile.steps ?? 1) > 1;
  const lines = [
    `per-kernel time of one training step: ${profile.model}, batch ${profile.batch}, ` +
    `${profile.backend} (${profile.kernelMs.toFixed(1)} ms in kernels` +
    (traced
      ? `, libtensorflow's trace, mean of ${profile.steps} steps; `
      : `, counting fused ops and their inner kernels both; `) +
    `${profile.wallMs.toFixed(1)} ms wall)`,
    "",
    "| kernel | ms | calls | share |",
    "|---|---:|---:|---:|",
  ];
  for (const r of profile.rows.slice(0, top)) {
    lines.push(`| ${r.kernel} | ${r.ms.toFixed(2)} | ${calls(r.calls)} | ${pct(r.ms)} |`);
  }
  const rest = profile.rows.slice(top);
  if (rest.length) {
    const ms = rest.reduce((s, r) => s + r.ms, 0);
    const count = rest.reduce((s, r) => s + r.calls, 0);
    lines.push(`| (${rest.length} others) | ${ms.toFixed(2)} | ${calls(count)} | ${pct(ms)} |`);
  }
  return lines.join("\n");
}
