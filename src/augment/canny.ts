/**
 * Canny edge detection on one 28×28 image, as scikit-image's `feature.canny` with its defaults
 * (σ = 1, low/high thresholds 0.1/0.2 of the Sobel magnitude): MNIST-C's `canny_edges`.
 *
 * @module
 */

import { IMAGE_SIZE, PIXELS } from "../data/types.ts";
import { gaussianBlur } from "./filters.ts";

const N = IMAGE_SIZE;
const smoothed = new Float32Array(PIXELS);
const gx = new Float32Array(PIXELS);
const gy = new Float32Array(PIXELS);
const magnitude = new Float32Array(PIXELS);
const candidate = new Uint8Array(PIXELS); // 0 none, 1 weak, 2 strong
const stack = new Int32Array(PIXELS);

/**
 * Writes the binary edge map (0 or 1) of `src` into `dst` (distinct from `src`; `tmp` scratch).
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { cannyEdges } from "./canny.ts";
 * const img = new Float32Array(784);
 * for (let y = 8; y < 20; y++) for (let x = 8; x < 20; x++) img[y * 28 + x] = 1;
 * const edges = new Float32Array(784);
 * cannyEdges(img, edges, new Float32Array(784));
 * strictEqual(edges[14 * 28 + 14], 0); ok(edges.some((v) => v === 1));
 * ```
 */
export function cannyEdges(
  src: Float32Array,
  dst: Float32Array,
  tmp: Float32Array,
  sigma = 1,
  low = 0.1,
  high = 0.2,
): void {
  gaussianBlur(src, smoothed, tmp, sigma);
  sobel(smoothed);
  candidate.fill(0);
  // Non-maximum suppression: keep pixels whose magnitude is at least that of the two
  // neighbours along the gradient, interpolated between the axis and the diagonal neighbour.
  // The 1-px border never holds edges (scikit-image erodes its mask).
  for (let y = 1; y < N - 1; y++) {
    for (let x = 1; x < N - 1; x++) {
      const i = y * N + x, m = magnitude[i];
      if (!(m >= low)) continue;
      const dx = gx[i], dy = gy[i];
      const ax = Math.abs(dx), ay = Math.abs(dy);
      const sx = Math.sign(dx), sy = Math.sign(dy);
      let axis: number, w: number;
      if (ay >= ax) {
        axis = sy * N;
        w = ax / ay;
      } else {
        axis = sx;
        w = ay / ax;
      }
      const diag = sy * N + sx;
      const ahead = w * magnitude[i + diag] + (1 - w) * magnitude[i + axis];
      const behind = w * magnitude[i - diag] + (1 - w) * magnitude[i - axis];
      if (ahead <= m && behind <= m) candidate[i] = m >= high ? 2 : 1;
    }
  }
  // Hysteresis: weak pixels survive when 8-connected to a strong one.
  dst.fill(0, 0, PIXELS);
  let top = 0;
  for (let i = 0; i < PIXELS; i++) {
    if (candidate[i] === 2) {
      dst[i] = 1;
      stack[top++] = i;
    }
  }
  while (top > 0) {
    const i = stack[--top];
    const y = (i / N) | 0, x = i - y * N;
    for (let ny = Math.max(0, y - 1); ny <= Math.min(N - 1, y + 1); ny++) {
      for (let nx = Math.max(0, x - 1); nx <= Math.min(N - 1, x + 1); nx++) {
        const j = ny * N + nx;
        if (candidate[j] !== 0 && dst[j] === 0) {
          dst[j] = 1;
          stack[top++] = j;
        }
      }
    }
  }
}

// Unnormalised Sobel as scipy.ndimage.sobel (weights 1-2-1 across, −1 0 1 along), edges repeated.
function sobel(img: Float32Array): void {
  for (let y = 0; y < N; y++) {
    const up = (y === 0 ? 0 : y - 1) * N, mid = y * N, down = (y === N - 1 ? y : y + 1) * N;
    for (let x = 0; x < N; x++) {
      const l = x === 0 ? 0 : x - 1, r = x === N - 1 ? x : x + 1;
      const h = img[up + r] - img[up + l] + 2 * (img[mid + r] - img[mid + l]) + img[down + r] -
        img[down + l];
      const v = img[down + l] - img[up + l] + 2 * (img[down + x] - img[up + x]) + img[down + r] -
        img[up + r];
      gx[mid + x] = h;
      gy[mid + x] = v;
      magnitude[mid + x] = Math.sqrt(h * h + v * v); // Math.hypot is several times slower
    }
  }
}
