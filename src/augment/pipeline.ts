/**
 * Augmentation pipelines as data: validate a list of ops, apply it to a batch (seeded, no
 * allocation per image), and describe it as text or table rows for reports.
 *
 * @module
 */

import { PIXELS } from "../data/types.ts";
import { UsageError } from "../util/errors.ts";
import type { Random } from "../util/random.ts";
import { applyOp, type AugmentOp, createScratch } from "./ops.ts";

/** An ordered list of ops, applied to each image in turn. */
export type Pipeline = AugmentOp[];

type Check = (v: unknown) => boolean;
const isNum = (lo: number, hi: number): Check => (v) =>
  typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi;
const isPair = (lo: number, hi: number): Check => (v) =>
  Array.isArray(v) && v.length === 2 && v.every(isNum(lo, hi)) && v[0] <= v[1];
const either = (a: Check, b: Check): Check => (v) => a(v) || b(v);

interface ParamRule {
  check: Check;
  expected: string;
  required?: boolean;
}

const P: ParamRule = { check: isNum(0, 1), expected: "a probability in [0, 1]" };

/** Parameters each op accepts, with their valid ranges (used for validation messages). */
const RULES: Record<AugmentOp["op"], Record<string, ParamRule>> = {
  affine: {
    rotate: { check: isNum(0, 180), expected: "degrees in [0, 180]" },
    translate: {
      check: either(isNum(0, 1), (v) => Array.isArray(v) && v.length === 2 && v.every(isNum(0, 1))),
      expected: "a fraction in [0, 1] or [fx, fy]",
    },
    scale: {
      check: either(isNum(0, 0.99), isPair(0.01, 10)),
      expected: "s in [0, 0.99] (zoom 1±s) or a range [lo, hi] within [0.01, 10]",
    },
    shear: { check: isNum(0, 80), expected: "degrees in [0, 80]" },
    p: P,
  },
  elastic: {
    alpha: { check: isNum(0, 1000), expected: "pixels in [0, 1000]", required: true },
    sigma: { check: isNum(0.1, 20), expected: "pixels in [0.1, 20]", required: true },
    p: P,
  },
  gaussianNoise: {
    sigma: {
      check: either(isNum(0, 10), isPair(0, 10)),
      expected: "σ in [0, 10] or a range",
      required: true,
    },
    p: P,
  },
  saltPepper: {
    amount: {
      check: either(isNum(0, 1), isPair(0, 1)),
      expected: "a fraction in [0, 1] or a range",
      required: true,
    },
    p: P,
  },
  gaussianBlur: {
    sigma: {
      check: either(isNum(0, 10), isPair(0, 10)),
      expected: "σ pixels in [0, 10] or a range",
      required: true,
    },
    p: P,
  },
  brightnessContrast: {
    brightness: { check: isNum(0, 1), expected: "a shift in [0, 1]" },
    contrast: { check: isNum(0, 1), expected: "a fraction in [0, 1]" },
    p: P,
  },
  erase: {
    area: { check: isPair(0, 1), expected: "a range [lo, hi] within [0, 1]" },
    aspect: { check: isPair(0.01, 100), expected: "a range [lo, hi] within [0.01, 100]" },
    value: {
      check: (v) => v === "random" || isNum(0, 1)(v),
      expected: 'a value in [0, 1] or "random"',
    },
    p: P,
  },
};

/** Names of every augmentation op. */
export const AUGMENT_OPS: readonly string[] = Object.keys(RULES);

/**
 * Checks a pipeline that came from JSON, a notebook or a preset; returns it typed, or throws a
 * UsageError naming the step, the op and the parameter.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { validatePipeline } from "./pipeline.ts";
 * const p = validatePipeline([{ op: "affine", rotate: 10 }]);
 * strictEqual(p[0].op, "affine");
 * throws(() => validatePipeline([{ op: "warp" }]), /augmentation step 1: unknown op "warp"/);
 * ```
 */
export function validatePipeline(pipeline: unknown): Pipeline {
  if (!Array.isArray(pipeline)) {
    throw new UsageError(`augmentation pipeline must be an array of ops, got ${show(pipeline)}`);
  }
  pipeline.forEach((step, i) => {
    const where = `augmentation step ${i + 1}`;
    if (typeof step !== "object" || step === null || Array.isArray(step)) {
      throw new UsageError(`${where}: expected an object like {"op": "affine"}, got ${show(step)}`);
    }
    const { op, ...params } = step as Record<string, unknown>;
    const rules = typeof op === "string" && Object.hasOwn(RULES, op)
      ? RULES[op as AugmentOp["op"]]
      : undefined;
    if (!rules) {
      throw new UsageError(`${where}: unknown op ${show(op)}; known: ${AUGMENT_OPS.join(", ")}`);
    }
    for (const [key, value] of Object.entries(params)) {
      const rule = rules[key];
      if (!rule) {
        const known = Object.keys(rules).join(", ");
        throw new UsageError(`${where} (${op}): unknown parameter "${key}"; known: ${known}`);
      }
      if (value !== undefined && !rule.check(value)) {
        throw new UsageError(
          `${where} (${op}): ${key} must be ${rule.expected}, got ${show(value)}`,
        );
      }
    }
    for (const [key, rule] of Object.entries(rules)) {
      if (rule.required && params[key] === undefined) {
        throw new UsageError(`${where} (${op}): missing ${key} (${rule.expected})`);
      }
    }
  });
  return pipeline as Pipeline;
}

/** Options for {@link applyPipeline}. */
export interface ApplyOptions {
  /** Where to write results (count × 784); defaults to augmenting `images` in place. */
  out?: Float32Array;
}

/**
 * Augments `count` images (count × 784 floats in [0, 1]) with fresh random parameters per image,
 * drawn from `rng` in image order, so equal rng state gives equal output. Validates first.
 * Returns the output buffer.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { applyPipeline } from "./pipeline.ts";
 * const batch = new Float32Array(2 * 784).fill(0.2);
 * applyPipeline(batch, 2, [{ op: "gaussianNoise", sigma: 0.1 }], new Random(1));
 * ok(batch.every((v) => v >= 0 && v <= 1));
 * ```
 */
export function applyPipeline(
  images: Float32Array,
  count: number,
  pipeline: Pipeline,
  rng: Random,
  options: ApplyOptions = {},
): Float32Array {
  validatePipeline(pipeline);
  if (!Number.isInteger(count) || count < 0 || images.length < count * PIXELS) {
    throw new UsageError(
      `applyPipeline: count must be an integer in [0, ${
        Math.floor(images.length / PIXELS)
      }], got ${count}`,
    );
  }
  const out = options.out ?? images;
  if (out.length < count * PIXELS) {
    throw new UsageError(`applyPipeline: out holds ${out.length} floats, need ${count * PIXELS}`);
  }
  const scratch = createScratch();
  let a = new Float32Array(PIXELS), b = new Float32Array(PIXELS);
  for (let n = 0; n < count; n++) {
    const base = n * PIXELS;
    for (let i = 0; i < PIXELS; i++) a[i] = images[base + i];
    for (const op of pipeline) {
      if (applyOp(op, a, b, scratch, rng)) [a, b] = [b, a];
    }
    for (let i = 0; i < PIXELS; i++) out[base + i] = a[i];
  }
  return out;
}

/** One printable row of a pipeline description. */
export interface PipelineRow {
  step: number;
  op: string;
  /** Human-readable parameters, e.g. "rotate ±10°, translate ±10% (±2.8 px)". */
  parameters: string;
  /** Probability the step is applied to an image. */
  probability: number;
}

/**
 * Table rows and a plain-text rendering of a pipeline, for reports and notebooks.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { describePipeline } from "./pipeline.ts";
 * strictEqual(
 *   describePipeline([{ op: "affine", rotate: 10, translate: 0.1 }]).text,
 *   "1. affine: rotate ±10°, translate ±10% (±2.8 px)",
 * );
 * ```
 */
export function describePipeline(pipeline: Pipeline): { rows: PipelineRow[]; text: string } {
  validatePipeline(pipeline);
  const rows = pipeline.map((op, i) => ({
    step: i + 1,
    op: op.op,
    parameters: describeOp(op),
    probability: op.p ?? (op.op === "erase" ? 0.5 : 1),
  }));
  const text = rows.length === 0
    ? "(no augmentation)"
    : rows.map((r) =>
      `${r.step}. ${r.op}: ${r.parameters}${r.probability < 1 ? ` (p = ${r.probability})` : ""}`
    ).join("\n");
  return { rows, text };
}

function describeOp(op: AugmentOp): string {
  const range = (v: number | [number, number], unit = "") =>
    typeof v === "number" ? `${v}${unit}` : `U(${v[0]}, ${v[1]})${unit}`;
  const parts: string[] = [];
  switch (op.op) {
    case "affine": {
      if (op.rotate) parts.push(`rotate ±${op.rotate}°`);
      if (op.translate !== undefined) {
        const [fx, fy] = typeof op.translate === "number"
          ? [op.translate, op.translate]
          : op.translate;
        parts.push(
          fx === fy
            ? `translate ±${pct(fx)} (±${px(fx)} px)`
            : `translate x ±${pct(fx)}, y ±${pct(fy)}`,
        );
      }
      if (op.scale !== undefined) {
        const [lo, hi] = typeof op.scale === "number" ? [1 - op.scale, 1 + op.scale] : op.scale;
        parts.push(`zoom ×${round(lo)}–${round(hi)}`);
      }
      if (op.shear) parts.push(`shear ±${op.shear}°`);
      return parts.join(", ") || "identity";
    }
    case "elastic":
      return `Simard elastic distortion α = ${op.alpha} px, σ = ${op.sigma} px`;
    case "gaussianNoise":
      return `additive Gaussian noise σ = ${range(op.sigma)}`;
    case "saltPepper":
      return `salt-and-pepper, ${range(op.amount)} of pixels`;
    case "gaussianBlur":
      return `Gaussian blur σ = ${range(op.sigma, " px")}`;
    case "brightnessContrast":
      return `brightness ±${op.brightness ?? 0}, contrast ×(1 ± ${op.contrast ?? 0})`;
    case "erase": {
      const [lo, hi] = op.area ?? [0.02, 0.2];
      return `random erasing of ${pct(lo)}–${pct(hi)} of the image, fill ${op.value ?? 0}`;
    }
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const pct = (f: number) => `${round(f * 100)}%`;
const px = (f: number) => round(f * 28);

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
}
