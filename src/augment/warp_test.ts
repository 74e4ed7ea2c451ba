import assert from "node:assert/strict";
import { inverseAffine, sampleBilinear, warpAffine, warpDisplacement } from "./warp.ts";

const at = (x: number, y: number) => y * 28 + x;

Deno.test("identity affine copies the image exactly", () => {
  const src = new Float32Array(784).map((_, i) => (i % 17) / 16);
  const dst = new Float32Array(784);
  warpAffine(src, dst, inverseAffine({}));
  assert.deepEqual(dst, src);
});

Deno.test("rotating +90° turns a pixel right of centre to above it (counter-clockwise)", () => {
  const src = new Float32Array(784), dst = new Float32Array(784);
  // Centre is (13.5, 13.5); (18.5, 13.5) is not a pixel, so use a 2×2 block around x = 18..19.
  src[at(19, 13)] = src[at(19, 14)] = 1;
  warpAffine(src, dst, inverseAffine({ rotateDeg: 90 }));
  assert.ok(Math.abs(dst[at(13, 8)] - 1) < 1e-5 && Math.abs(dst[at(14, 8)] - 1) < 1e-5);
  assert.ok(Math.abs(dst.reduce((a, b) => a + b) - 2) < 1e-5);
});

Deno.test("shift, zoom and shear move pixels where documented", () => {
  const src = new Float32Array(784), dst = new Float32Array(784);
  src[at(10, 12)] = 1;
  warpAffine(src, dst, inverseAffine({ shiftX: 2, shiftY: -3 }));
  assert.equal(dst[at(12, 9)], 1);
  // Zoom ×2 about (13.5, 13.5): output 11 samples input 12.25, output 9 samples 11.25,
  // output 8 samples 10.75 (outside the block).
  const big = new Float32Array(784);
  for (let y = 12; y < 16; y++) for (let x = 12; x < 16; x++) big[at(x, y)] = 1;
  warpAffine(big, dst, inverseAffine({ scale: 2 }));
  assert.equal(dst[at(11, 11)], 1);
  assert.equal(dst[at(16, 16)], 1);
  assert.equal(dst[at(10, 10)], 0.75 * 0.75);
  assert.equal(dst[at(9, 9)], 0.25 * 0.25);
  assert.equal(dst[at(8, 8)], 0);
  // Positive shear leans the top to the right: a vertical bar's top row moves right.
  const bar = new Float32Array(784);
  for (let y = 0; y < 28; y++) bar[at(13, y)] = 1;
  warpAffine(bar, dst, inverseAffine({ shearDeg: 30 }));
  const rowMean = (y: number) => {
    let s = 0, w = 0;
    for (let x = 0; x < 28; x++) (s += x * dst[at(x, y)]), (w += dst[at(x, y)]);
    return s / w;
  };
  assert.ok(rowMean(2) > rowMean(25) + 5);
});

Deno.test("bilinear sampling interpolates and is 0 outside", () => {
  const img = new Float32Array(784);
  img[at(27, 27)] = 1;
  assert.equal(sampleBilinear(img, 27, 27), 1);
  assert.equal(sampleBilinear(img, 27.5, 27), 0.5);
  assert.equal(sampleBilinear(img, 28, 27), 0);
  assert.equal(sampleBilinear(img, -3, 2), 0);
});

Deno.test("zero displacement field copies the image", () => {
  const src = new Float32Array(784).map((_, i) => (i % 5) / 4), dst = new Float32Array(784);
  warpDisplacement(src, dst, new Float32Array(784), new Float32Array(784));
  assert.deepEqual(dst, src);
});
