import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { applySweep, DEFAULT_SWEEPS, SWEEPS } from "./sweeps.ts";
import { loadTestDigits, meanAbsChange } from "../testing.ts";

const COUNT = 24;
const digits = loadTestDigits(COUNT);

Deno.test("sweep factors cover noise, blur, rotation and resolution with default grids", () => {
  assert.deepEqual(Object.keys(DEFAULT_SWEEPS), [
    "gaussian_noise",
    "salt_pepper",
    "shot_noise",
    "gaussian_blur",
    "motion_blur",
    "defocus_blur",
    "rotation",
    "downsample",
  ]);
  assert.equal(DEFAULT_SWEEPS.gaussian_noise[0], 0);
  assert.equal(DEFAULT_SWEEPS.gaussian_noise.at(-1), 1);
  assert.equal(DEFAULT_SWEEPS.gaussian_blur.at(-1), 3);
  for (const s of SWEEPS) assert.equal(s.grid[0], s.identity, s.name);
});

Deno.test("each grid starts unchanged and grows in pixel change, within [0, 1], deterministically", () => {
  for (const s of SWEEPS) {
    let previous = -1;
    for (const level of s.grid) {
      const out = applySweep(digits, COUNT, s.name, level, 5);
      assert.ok(out.every((v) => v >= 0 && v <= 1), `${s.name} ${level}`);
      assert.deepEqual(applySweep(digits, COUNT, s.name, level, 5), out);
      const change = meanAbsChange(out, digits);
      if (level === s.identity) assert.equal(change, 0, s.name);
      // Rotating past 90° brings strokes back over strokes: change is monotone only up to 90°.
      else if (s.name !== "rotation" || level <= 90) {
        assert.ok(change > previous, `${s.name} at ${level}: ${change} ≤ ${previous}`);
      }
      previous = change;
    }
  }
});

Deno.test("random sweeps depend on the seed and on the item id only", () => {
  for (const name of ["gaussian_noise", "salt_pepper", "shot_noise", "motion_blur"]) {
    const level = DEFAULT_SWEEPS[name][3];
    const a = applySweep(digits, COUNT, name, level, 1);
    assert.ok(meanAbsChange(a, applySweep(digits, COUNT, name, level, 2)) > 0, name);
    const one = applySweep(digits.subarray(7 * 784, 8 * 784), 1, name, level, 1, { ids: [7] });
    assert.deepEqual(one, a.subarray(7 * 784, 8 * 784), name);
  }
});

Deno.test("sweep levels behave as documented", () => {
  const dot = new Float32Array(784);
  dot[14 * 28 + 20] = 1;
  // rotation by 90° counter-clockwise moves a pixel right of centre to above it
  const rotated = applySweep(dot, 1, "rotation", 90, 0);
  // (20, 14) is (+6.5, +0.5) from the centre (13.5, 13.5); it lands at (+0.5, −6.5) = (14, 7).
  assert.ok(Math.abs(rotated[7 * 28 + 14] - 1) < 1e-5);
  // a flat image survives down-up sampling at any resolution
  const flat = new Float32Array(784).fill(0.4);
  for (const r of DEFAULT_SWEEPS.downsample) {
    assert.ok(applySweep(flat, 1, "downsample", r, 0).every((v) => Math.abs(v - 0.4) < 1e-5));
  }
  // blur preserves total ink away from the borders
  const blurred = applySweep(dot, 1, "defocus_blur", 2, 0);
  assert.ok(Math.abs(blurred.reduce((s, v) => s + v, 0) - 1) < 1e-5);
});

Deno.test("bad factor or level is a usage error", () => {
  assert.throws(() => applySweep(digits, COUNT, "jpeg", 1, 0), /unknown sweep factor "jpeg"/);
  assert.throws(() => applySweep(digits, COUNT, "downsample", 40, 0), UsageError);
  assert.throws(() => applySweep(digits, COUNT, "gaussian_noise", -0.1, 0), UsageError);
  assert.throws(() => applySweep(digits, COUNT, "gaussian_noise", NaN, 0), UsageError);
});
