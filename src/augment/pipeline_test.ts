import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { Random } from "../util/random.ts";
import { applyPipeline, describePipeline, type Pipeline, validatePipeline } from "./pipeline.ts";
import { AUGMENT_PRESETS, augmentPreset } from "./presets.ts";
import { loadTestDigits, meanAbsChange } from "../testing.ts";

const COUNT = 16;
const digits = loadTestDigits(COUNT);

const EVERY_OP: Pipeline = [
  { op: "affine", rotate: 15, translate: [0.1, 0.05], scale: [0.9, 1.2], shear: 10 },
  { op: "elastic", alpha: 34, sigma: 4, p: 0.5 },
  { op: "gaussianBlur", sigma: [0.2, 1] },
  { op: "brightnessContrast", brightness: 0.1, contrast: 0.2 },
  { op: "gaussianNoise", sigma: 0.1 },
  { op: "saltPepper", amount: 0.02 },
  { op: "erase", area: [0.05, 0.1], value: "random", p: 1 },
];

Deno.test("every op keeps shape, dtype and [0, 1] range, and changes the digits", () => {
  for (const op of EVERY_OP) {
    const out = applyPipeline(digits.slice(), COUNT, [op], new Random(3));
    assert.ok(out instanceof Float32Array && out.length === digits.length, op.op);
    assert.ok(out.every((v) => v >= 0 && v <= 1), `${op.op} stays in [0, 1]`);
    assert.ok(meanAbsChange(out, digits) > 1e-3, `${op.op} changes pixels`);
  }
});

Deno.test("identity parameters leave images unchanged", () => {
  const identity: Pipeline = [
    { op: "affine" },
    { op: "affine", rotate: 0, translate: 0, scale: 0, shear: 0 },
    { op: "elastic", alpha: 0, sigma: 4 },
    { op: "gaussianBlur", sigma: 0 },
    { op: "brightnessContrast" },
    { op: "gaussianNoise", sigma: 0 },
    { op: "saltPepper", amount: 0 },
    { op: "erase", p: 0 },
  ];
  const out = applyPipeline(digits.slice(), COUNT, identity, new Random(1));
  assert.ok(meanAbsChange(out, digits) < 1e-6);
});

Deno.test("same rng state gives the same output; another seed differs", () => {
  const a = applyPipeline(digits.slice(), COUNT, EVERY_OP, new Random(7));
  const b = applyPipeline(digits.slice(), COUNT, EVERY_OP, new Random(7));
  const c = applyPipeline(digits.slice(), COUNT, EVERY_OP, new Random(8));
  assert.deepEqual(a, b);
  assert.ok(meanAbsChange(a, c) > 1e-3);
});

Deno.test("out option leaves the input untouched", () => {
  const input = digits.slice();
  const out = new Float32Array(input.length);
  const ret = applyPipeline(input, COUNT, augmentPreset("adaptive-pool"), new Random(1), { out });
  assert.equal(ret, out);
  assert.deepEqual(input, digits);
  assert.ok(meanAbsChange(out, digits) > 1e-3);
});

Deno.test("affine rotation range is respected: ±10° keeps most ink near the original", () => {
  const small = applyPipeline(digits.slice(), COUNT, [{ op: "affine", rotate: 10 }], new Random(2));
  const large = applyPipeline(digits.slice(), COUNT, [{ op: "affine", rotate: 90 }], new Random(2));
  assert.ok(meanAbsChange(small, digits) < meanAbsChange(large, digits));
});

Deno.test("validation names the step, op and parameter", () => {
  const bad: [unknown, RegExp][] = [
    [{}, /must be an array/],
    [[{ op: "warp" }], /step 1: unknown op "warp"; known: affine/],
    [[{ op: "affine", rotat: 3 }], /step 1 \(affine\): unknown parameter "rotat"/],
    [[{ op: "affine" }, { op: "gaussianNoise", sigma: -1 }], /step 2 \(gaussianNoise\): sigma/],
    [[{ op: "elastic", alpha: 3 }], /missing sigma/],
    [[{ op: "erase", area: [0.5, 0.1] }], /area must be a range/],
    [[{ op: "affine", p: 2 }], /p must be a probability/],
    [["affine"], /expected an object/],
  ];
  for (const [pipeline, message] of bad) {
    assert.throws(
      () => validatePipeline(pipeline),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
  assert.throws(() => augmentPreset("nope"), UsageError);
  assert.throws(() => applyPipeline(digits.slice(), COUNT + 1, [], new Random(1)), UsageError);
});

Deno.test("presets are valid and describe themselves", () => {
  for (const [name, pipeline] of Object.entries(AUGMENT_PRESETS)) {
    validatePipeline(pipeline);
    const { rows, text } = describePipeline(pipeline);
    assert.equal(rows.length, pipeline.length, name);
    assert.ok(text.length > 0);
  }
  assert.equal(
    describePipeline(augmentPreset("adaptive-pool")).text,
    "1. affine: rotate ±10°, translate ±10% (±2.8 px)",
  );
  const { rows } = describePipeline(augmentPreset("beyond-mnist"));
  assert.deepEqual(rows[1], {
    step: 2,
    op: "gaussianNoise",
    parameters: "additive Gaussian noise σ = U(0, 0.1)",
    probability: 0.5,
  });
});
