import assert from "node:assert/strict";
import {
  convolve2d,
  diskKernel,
  downUpSample,
  gaussianBlur,
  gaussianKernel,
  motionBlur,
} from "./filters.ts";
import { loadTestDigits } from "../testing.ts";

const digit = loadTestDigits(1);

/** Direct 2-D convolution with edge repetition, the reference for the fast paths. */
function reference(src: Float32Array, weights: Float32Array, size: number): Float32Array {
  const out = new Float32Array(784), r = (size - 1) >> 1;
  const clamp = (v: number) => Math.min(27, Math.max(0, v));
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let acc = 0;
      for (let ky = 0; ky < size; ky++) {
        for (let kx = 0; kx < size; kx++) {
          acc += weights[ky * size + kx] * src[clamp(y + ky - r) * 28 + clamp(x + kx - r)];
        }
      }
      out[y * 28 + x] = acc;
    }
  }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("separable Gaussian blur equals the 2-D convolution with the outer-product kernel", () => {
  for (const sigma of [0.5, 1, 2.5, 4]) {
    const k = gaussianKernel(sigma), n = k.length;
    const outer = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) outer[i * n + j] = k[i] * k[j];
    const out = new Float32Array(784);
    gaussianBlur(digit, out, new Float32Array(784), sigma);
    assert.ok(maxDiff(out, reference(digit, outer, n)) < 1e-5, `σ ${sigma}`);
  }
  const same = new Float32Array(784);
  gaussianBlur(digit, same, new Float32Array(784), 0);
  assert.deepEqual(same, digit);
});

Deno.test("disk convolution matches the reference; the disk grows with its radius", () => {
  let previous = 1;
  for (const radius of [1, 1.5, 2, 3, 5]) {
    const { weights, size } = diskKernel(radius);
    const out = new Float32Array(784);
    convolve2d(digit, out, weights, size);
    assert.ok(maxDiff(out, reference(digit, weights, size)) < 1e-5);
    const centre = weights[((size - 1) / 2) * size + (size - 1) / 2];
    assert.ok(centre < previous);
    previous = centre;
  }
});

Deno.test("motion blur streaks towards its angle only", () => {
  const dot = new Float32Array(784);
  dot[14 * 28 + 14] = 1;
  const out = new Float32Array(784);
  motionBlur(dot, out, 4, 2, 90); // taps at (x, y + i): output at (14, 14 − i) sees the dot
  assert.ok(out[10 * 28 + 14] > 0 && out[14 * 28 + 14] > out[12 * 28 + 14]);
  assert.equal(out[15 * 28 + 14], 0);
  assert.equal(out[14 * 28 + 13], 0);
  assert.ok(Math.abs(out.reduce((s, v) => s + v, 0) - 1) < 1e-5);
});

Deno.test("down-up sampling is the identity at 28 and loses detail below", () => {
  const out = new Float32Array(784), low = new Float32Array(784);
  downUpSample(digit, out, low, 28);
  assert.ok(maxDiff(out, digit) < 1e-6);
  downUpSample(digit, out, low, 7);
  assert.ok(maxDiff(out, digit) > 0.2);
  // Area averaging keeps total ink (bilinear upsampling nearly so).
  const ink = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(ink(out) - ink(digit)) / ink(digit) < 0.05);
});
