import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { corrupt, CORRUPTION_NAMES, CORRUPTIONS, corruptionTable } from "./corruptions.ts";
import { loadTestDigits, meanAbsChange } from "../testing.ts";

const COUNT = 24;
const digits = loadTestDigits(COUNT);

Deno.test("the suite is MNIST-C's 15 corruptions, each with 5 documented severities", () => {
  assert.deepEqual(CORRUPTION_NAMES, [
    "shot_noise",
    "impulse_noise",
    "glass_blur",
    "motion_blur",
    "shear",
    "scale",
    "rotate",
    "brightness",
    "translate",
    "stripe",
    "fog",
    "spatter",
    "dotted_line",
    "zigzag",
    "canny_edges",
  ]);
  for (const c of CORRUPTIONS) {
    assert.equal(c.severities.length, 5, c.name);
    assert.ok(c.mnistcSeverity >= 1 && c.mnistcSeverity <= 5);
    assert.ok(c.description.length > 10 && c.parameters.length > 5);
  }
  // Spot-check MNIST-C's published parameters at the documented level.
  const at = (name: string) => {
    const c = CORRUPTIONS.find((x) => x.name === name)!;
    return c.severities[c.mnistcSeverity - 1];
  };
  assert.deepEqual(at("shot_noise"), { photons: 3 });
  assert.deepEqual(at("impulse_noise"), { amount: 0.17 });
  assert.deepEqual(at("glass_blur"), { sigma: 0.7, delta: 1, iterations: 2 });
  assert.deepEqual(at("motion_blur"), { radius: 10, sigma: 3 });
  assert.deepEqual(at("scale"), { zoom: 0.7 });
  assert.deepEqual(at("translate"), { pixels: 3 });
  assert.deepEqual(at("stripe"), { width: 7 });
  assert.deepEqual(at("fog"), { strength: 3, decay: 1.4 });
  assert.deepEqual(at("canny_edges"), { mix: 1 });
  assert.equal(corruptionTable().length, 15);
});

Deno.test("severity 0 leaves images unchanged (a copy)", () => {
  for (const name of CORRUPTION_NAMES) {
    const out = corrupt(digits, COUNT, name, 0, 1);
    assert.notEqual(out, digits);
    assert.deepEqual(out, digits, name);
  }
});

Deno.test("every corruption: shape, dtype, [0, 1], input untouched, deterministic, monotone", () => {
  const input = digits.slice();
  for (const name of CORRUPTION_NAMES) {
    let previous = 0;
    for (let severity = 1; severity <= 5; severity++) {
      const out = corrupt(input, COUNT, name, severity, 11);
      assert.ok(out instanceof Float32Array && out.length === digits.length, name);
      assert.ok(out.every((v) => v >= 0 && v <= 1), `${name} ${severity} in [0, 1]`);
      assert.deepEqual(corrupt(input, COUNT, name, severity, 11), out, `${name} deterministic`);
      const change = meanAbsChange(out, digits);
      assert.ok(change > previous, `${name}: severity ${severity} changes ${change} ≤ ${previous}`);
      previous = change;
    }
  }
  assert.deepEqual(input, digits);
});

Deno.test("random corruptions differ between seeds; deterministic ones do not", () => {
  const deterministic = new Set(["scale", "brightness", "stripe", "canny_edges"]);
  for (const name of CORRUPTION_NAMES) {
    const a = corrupt(digits, COUNT, name, 3, 1), b = corrupt(digits, COUNT, name, 3, 2);
    if (deterministic.has(name)) assert.deepEqual(a, b, name);
    else assert.ok(meanAbsChange(a, b) > 0, `${name} depends on the seed`);
  }
});

Deno.test("a subset with its ids corrupts exactly like those items of the full set", () => {
  const pick = [5, 17, 2];
  const subset = new Float32Array(pick.length * 784);
  pick.forEach((item, k) => subset.set(digits.subarray(item * 784, (item + 1) * 784), k * 784));
  for (const name of CORRUPTION_NAMES) {
    const full = corrupt(digits, COUNT, name, 4, 9);
    const part = corrupt(subset, pick.length, name, 4, 9, { ids: pick });
    pick.forEach((item, k) => {
      assert.deepEqual(
        part.subarray(k * 784, (k + 1) * 784),
        full.subarray(item * 784, (item + 1) * 784),
        name,
      );
    });
  }
});

Deno.test("out option writes in place; bad arguments are usage errors", () => {
  const buffer = digits.slice();
  const out = corrupt(buffer, COUNT, "rotate", 2, 3, { out: buffer });
  assert.equal(out, buffer);
  assert.deepEqual(buffer, corrupt(digits, COUNT, "rotate", 2, 3));
  assert.throws(
    () => corrupt(digits, COUNT, "frost", 1, 0),
    /unknown corruption "frost"; known: shot_noise/,
  );
  assert.throws(() => corrupt(digits, COUNT, "fog", 6, 0), UsageError);
  assert.throws(() => corrupt(digits, COUNT, "fog", 1.5, 0), UsageError);
  assert.throws(() => corrupt(digits, COUNT + 1, "fog", 1, 0), UsageError);
  assert.throws(() => corrupt(digits, COUNT, "fog", 1, 0, { ids: [1, 2] }), UsageError);
  assert.throws(() => corrupt(digits, COUNT, "fog", 1, 0.5), UsageError);
});

Deno.test("geometric corruptions match MNIST-C's geometry", () => {
  // translate by 3 px moves a single pixel diagonally by 3 in both axes.
  const dot = new Float32Array(784);
  dot[14 * 28 + 14] = 1;
  const moved = corrupt(dot, 1, "translate", 3, 0);
  const idx = moved.indexOf(1);
  const [y, x] = [Math.floor(idx / 28), idx % 28];
  assert.equal(Math.abs(x - 14), 3);
  assert.equal(Math.abs(y - 14), 3);
  // stripe inverts exactly the outer 7 columns at severity 3.
  const blank = new Float32Array(784);
  const striped = corrupt(blank, 1, "stripe", 3, 0);
  assert.equal(striped.reduce((s, v) => s + v, 0), 14 * 28);
  // brightness lifts black to the shift.
  assert.ok(corrupt(blank, 1, "brightness", 3, 0).every((v) => Math.abs(v - 0.5) < 1e-6));
});
