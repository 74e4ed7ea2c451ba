import assert from "node:assert/strict";
import { Random } from "../util/random.ts";
import {
  addGaussianNoise,
  addSaltPepper,
  addShotNoise,
  inverseNormalCdf,
  normalTable,
  poisson,
} from "./noise.ts";

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < values.length; i++) (s += values[i]), (s2 += values[i] * values[i]);
  const mean = s / values.length;
  return { mean, variance: s2 / values.length - mean * mean };
}

Deno.test("the normal table is N(0, 1) up to quantisation", () => {
  const t = normalTable();
  const { mean, variance } = moments(t);
  assert.ok(Math.abs(mean) < 1e-6);
  assert.ok(Math.abs(variance - 1) < 2e-3, `variance ${variance}`);
  assert.ok(Math.abs(inverseNormalCdf(0.8413447) - 1) < 1e-6);
  assert.ok(Math.abs(inverseNormalCdf(0.0013499) + 3) < 1e-5);
});

Deno.test("Gaussian noise has the requested σ on mid-grey (no clipping)", () => {
  const rng = new Random(4);
  const img = new Float32Array(784);
  const diffs: number[] = [];
  for (let n = 0; n < 50; n++) {
    img.fill(0.5);
    addGaussianNoise(img, 0.05, rng);
    for (const v of img) diffs.push(v - 0.5);
  }
  const { mean, variance } = moments(diffs);
  assert.ok(Math.abs(mean) < 0.002);
  assert.ok(Math.abs(Math.sqrt(variance) - 0.05) < 0.001);
});

Deno.test("salt-and-pepper replaces the given fraction, half salt, half pepper", () => {
  const img = new Float32Array(784);
  let salt = 0, pepper = 0;
  const rng = new Random(5);
  for (let n = 0; n < 50; n++) {
    img.fill(0.5);
    addSaltPepper(img, 0.2, rng);
    for (const v of img) (salt += v === 1 ? 1 : 0), (pepper += v === 0 ? 1 : 0);
  }
  const total = 50 * 784;
  assert.ok(Math.abs(salt / total - 0.1) < 0.01 && Math.abs(pepper / total - 0.1) < 0.01);
});

Deno.test("Poisson draws have mean and variance λ on both sides of the 30 switch", () => {
  const rng = new Random(6);
  for (const lambda of [0.5, 3, 12, 50]) {
    const draws = Array.from({ length: 20000 }, () => poisson(lambda, rng));
    const { mean, variance } = moments(draws);
    assert.ok(Math.abs(mean - lambda) < 0.05 * lambda + 0.02, `mean ${mean} for ${lambda}`);
    assert.ok(
      Math.abs(variance - lambda) < 0.1 * lambda + 0.05,
      `variance ${variance} for ${lambda}`,
    );
    assert.ok(draws.every((k) => Number.isInteger(k) && k >= 0));
  }
});

Deno.test("shot noise keeps black black and the mean of grey pixels", () => {
  const rng = new Random(7);
  const img = new Float32Array(784);
  let sum = 0;
  for (let n = 0; n < 50; n++) {
    img.fill(0);
    for (let i = 0; i < 392; i++) img[i] = 0.3;
    addShotNoise(img, 10, rng);
    assert.ok(img.subarray(392).every((v) => v === 0));
    for (let i = 0; i < 392; i++) sum += img[i];
  }
  assert.ok(Math.abs(sum / (50 * 392) - 0.3) < 0.01);
});
