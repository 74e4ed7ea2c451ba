/**
 * Linear filters on one 28×28 image: separable Gaussian blur, 2-D kernels (defocus disk),
 * ImageMagick-style motion blur, and down-then-up resampling. Borders repeat the edge pixel
 * (scikit-image's `nearest`), which for digits on black equals zero padding.
 *
 * @module
 */

import { IMAGE_SIZE, PIXELS } from "../data/types.ts";

const N = IMAGE_SIZE;

/**
 * Normalised 1-D Gaussian taps of standard deviation `sigma`, truncated at 3σ (odd length).
 * σ ≤ 0 gives the identity kernel [1].
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { gaussianKernel } from "./filters.ts";
 * const k = gaussianKernel(1);
 * strictEqual(k.length, 7); strictEqual(k.reduce((a, b) => a + b).toFixed(3), "1.000");
 * ```
 */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) return new Float32Array([1]);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

const kernelCache = new Map<number, Float32Array>();

/** Cached {@link gaussianKernel}: blur σ values repeat across a batch. */
function cachedGaussian(sigma: number): Float32Array {
  let k = kernelCache.get(sigma);
  if (!k) {
    if (kernelCache.size > 256) kernelCache.clear();
    k = gaussianKernel(sigma);
    kernelCache.set(sigma, k);
  }
  return k;
}

/**
 * Gaussian blur of `src` into `dst` (separable; `tmp` is a 784-float scratch buffer). `dst` may
 * equal `src`; `tmp` must differ from both.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { gaussianBlur } from "./filters.ts";
 * const img = new Float32Array(784); img[14 * 28 + 14] = 1;
 * const out = new Float32Array(784);
 * gaussianBlur(img, out, new Float32Array(784), 1);
 * ok(out[14 * 28 + 14] < 1); strictEqual(out.reduce((a, b) => a + b).toFixed(2), "1.00");
 * ```
 */
export function gaussianBlur(
  src: Float32Array,
  dst: Float32Array,
  tmp: Float32Array,
  sigma: number,
): void {
  const k = cachedGaussian(sigma);
  if (k.length === 1) {
    if (dst !== src) dst.set(src.subarray(0, PIXELS));
    return;
  }
  convolveRows(src, tmp, k);
  convolveColumns(tmp, dst, k);
}

// Each row or column is copied, edge-extended, into this buffer so the inner loop has no
// bounds checks (the branchy version was 4× slower for wide kernels).
const MAX_RADIUS = 64;
const padded = new Float32Array(N + 2 * MAX_RADIUS);

function convolveRows(src: Float32Array, dst: Float32Array, k: Float32Array): void {
  const r = Math.min((k.length - 1) >> 1, MAX_RADIUS), taps = 2 * r + 1;
  for (let y = 0; y < N; y++) {
    const row = y * N;
    fillPadded(src, row, 1, r);
    for (let x = 0; x < N; x++) {
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += k[j] * padded[x + j];
      dst[row + x] = acc;
    }
  }
}

function convolveColumns(src: Float32Array, dst: Float32Array, k: Float32Array): void {
  const r = Math.min((k.length - 1) >> 1, MAX_RADIUS), taps = 2 * r + 1;
  for (let x = 0; x < N; x++) {
    fillPadded(src, x, N, r);
    for (let y = 0; y < N; y++) {
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += k[j] * padded[y + j];
      dst[y * N + x] = acc;
    }
  }
}

function fillPadded(src: Float32Array, start: number, stride: number, r: number): void {
  const first = src[start], last = src[start + (N - 1) * stride];
  for (let i = 0; i < r; i++) {
    padded[i] = first;
    padded[r + N + i] = last;
  }
  for (let i = 0, p = start; i < N; i++, p += stride) padded[r + i] = src[p];
}

/**
 * A normalised, anti-aliased disk of radius `radius` px (pixel coverage estimated on an 8×8
 * sub-grid), the point-spread function of an out-of-focus lens. Radius ≤ 0 gives [1].
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { diskKernel } from "./filters.ts";
 * const k = diskKernel(1.5);
 * strictEqual(k.size, 5); strictEqual(k.weights.reduce((a, b) => a + b).toFixed(3), "1.000");
 * ```
 */
export function diskKernel(radius: number): { size: number; weights: Float32Array } {
  if (!(radius > 0)) return { size: 1, weights: new Float32Array([1]) };
  const r = Math.ceil(radius - 1e-9);
  const size = 2 * r + 1, sub = 8;
  const w = new Float32Array(size * size);
  let sum = 0;
  for (let y = -r; y <= r; y++) {
    for (let x = -r; x <= r; x++) {
      let inside = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const px = x - 0.5 + (sx + 0.5) / sub, py = y - 0.5 + (sy + 0.5) / sub;
          if (px * px + py * py <= radius * radius) inside++;
        }
      }
      // The centre pixel always counts, so tiny radii blend smoothly towards the identity.
      const v = x === 0 && y === 0 ? Math.max(inside, 1) : inside;
      sum += w[(y + r) * size + x + r] = v;
    }
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return { size, weights: w };
}

/**
 * Correlates `src` with a square kernel into `dst` (distinct buffers), repeating edge pixels.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { convolve2d, diskKernel } from "./filters.ts";
 * const src = new Float32Array(784).fill(1), dst = new Float32Array(784);
 * const k = diskKernel(2);
 * convolve2d(src, dst, k.weights, k.size);
 * strictEqual(dst[0].toFixed(3), "1.000");
 * ```
 */
export function convolve2d(
  src: Float32Array,
  dst: Float32Array,
  weights: Float32Array,
  size: number,
): void {
  const r = (size - 1) >> 1, stride = N + 2 * r, pstride = stride + 1;
  // Split each kernel row into its longest run of equal weights (a disk's fully covered
  // pixels), summed in O(1) from row prefix sums, plus the few remaining non-zero taps.
  let extras = 0;
  for (let ky = 0; ky < size; ky++) {
    const base = ky * size;
    let bestStart = 0, bestLength = 0;
    for (let a = 0; a < size;) {
      let b = a;
      while (b + 1 < size && weights[base + b + 1] === weights[base + a]) b++;
      if (weights[base + a] !== 0 && b - a + 1 > bestLength) {
        bestStart = a;
        bestLength = b - a + 1;
      }
      a = b + 1;
    }
    if (bestLength < 3) bestLength = 0;
    runStart[ky] = bestStart;
    runEnd[ky] = bestStart + bestLength;
    runWeight[ky] = bestLength ? weights[base + bestStart] : 0;
    extraStart[ky] = extras;
    for (let kx = 0; kx < size; kx++) {
      const w = weights[base + kx];
      if (w === 0 || (kx >= bestStart && kx < bestStart + bestLength)) continue;
      extraOffset[extras] = kx;
      extraWeight[extras++] = w;
    }
  }
  extraStart[size] = extras;
  const pad = padImage(src, r);
  for (let y = 0; y < stride; y++) {
    let acc = 0;
    prefix[y * pstride] = 0;
    for (let x = 0; x < stride; x++) prefix[y * pstride + x + 1] = acc += pad[y * stride + x];
  }
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      let acc = 0;
      for (let ky = 0; ky < size; ky++) {
        const p = (y + ky) * pstride + x, row = (y + ky) * stride + x;
        acc += runWeight[ky] * (prefix[p + runEnd[ky]] - prefix[p + runStart[ky]]);
        for (let e = extraStart[ky]; e < extraStart[ky + 1]; e++) {
          acc += extraWeight[e] * pad[row + extraOffset[e]];
        }
      }
      dst[y * N + x] = acc;
    }
  }
}

/**
 * Motion blur as ImageMagick's `-motion-blur radius×sigma+angle` computes it: a one-sided
 * Gaussian-weighted streak of `2·radius + 1` taps at integer offsets along `angleDeg` (0 = towards
 * +x, 90 = towards +y); taps beyond 4σ (weight < 0.03%) are dropped for speed. `sigma ≤ 0`
 * copies. `src` and `dst` must differ.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { motionBlur } from "./filters.ts";
 * const src = new Float32Array(784), dst = new Float32Array(784);
 * src[14 * 28 + 14] = 1;
 * motionBlur(src, dst, 3, 2, 0);
 * ok(dst[14 * 28 + 13] > 0); strictEqual(dst[14 * 28 + 15], 0);
 * ```
 */
export function motionBlur(
  src: Float32Array,
  dst: Float32Array,
  radius: number,
  sigma: number,
  angleDeg: number,
): void {
  if (!(sigma > 0) || radius < 0.5) {
    dst.set(src.subarray(0, PIXELS));
    return;
  }
  const taps = Math.min(2 * Math.round(radius) + 1, Math.ceil(4 * sigma) + 1, MAX_PAD + 1);
  const w = motionWeights, offsets = motionOffsets;
  const ux = Math.cos((angleDeg * Math.PI) / 180), uy = Math.sin((angleDeg * Math.PI) / 180);
  const reach = taps - 1, stride = N + 2 * reach;
  let sum = 0;
  for (let i = 0; i < taps; i++) sum += w[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps; i++) {
    w[i] /= sum;
    offsets[i] = Math.ceil(i * uy - 0.5) * stride + Math.ceil(i * ux - 0.5);
  }
  const pad = padImage(src, reach);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const centre = (y + reach) * stride + x + reach;
      let acc = 0;
      for (let i = 0; i < taps; i++) acc += w[i] * pad[centre + offsets[i]];
      dst[y * N + x] = acc;
    }
  }
}

const MAX_PAD = 64;
// Reused across calls: these filters run once per image and must not allocate.
const motionWeights = new Float32Array(MAX_PAD + 1);
const motionOffsets = new Int32Array(MAX_PAD + 1);
const paddedImage = new Float32Array((N + 2 * MAX_PAD) ** 2);
const MAX_SIZE = 2 * MAX_PAD + 1;
const prefix = new Float64Array((N + 2 * MAX_PAD) * (N + 2 * MAX_PAD + 1));
const runStart = new Int32Array(MAX_SIZE);
const runEnd = new Int32Array(MAX_SIZE);
const runWeight = new Float64Array(MAX_SIZE);
const extraStart = new Int32Array(MAX_SIZE + 1);
const extraOffset = new Int32Array(MAX_SIZE * MAX_SIZE);
const extraWeight = new Float64Array(MAX_SIZE * MAX_SIZE);

/** Copies a 28×28 image into a shared (28 + 2r)² buffer, repeating edge pixels outward. */
function padImage(src: Float32Array, r: number): Float32Array {
  if (r > MAX_PAD) throw new RangeError(`filter reach ${r} exceeds ${MAX_PAD} px`);
  const stride = N + 2 * r;
  for (let y = 0; y < stride; y++) {
    const sy = y < r ? 0 : y >= r + N ? N - 1 : y - r;
    for (let x = 0; x < stride; x++) {
      const sx = x < r ? 0 : x >= r + N ? N - 1 : x - r;
      paddedImage[y * stride + x] = src[sy * N + sx];
    }
  }
  return paddedImage;
}

/**
 * Loses resolution: area-averages `src` down to `r × r`, then bilinearly scales back up to
 * 28×28 into `dst` (`low` is scratch of at least r² floats). r = 28 returns the image unchanged.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { downUpSample } from "./filters.ts";
 * const src = new Float32Array(784).fill(0.25), dst = new Float32Array(784);
 * downUpSample(src, dst, new Float32Array(784), 7);
 * strictEqual(dst[100], 0.25);
 * ```
 */
export function downUpSample(
  src: Float32Array,
  dst: Float32Array,
  low: Float32Array,
  r: number,
): void {
  const scale = N / r;
  for (let ly = 0; ly < r; ly++) {
    const y0 = ly * scale, y1 = y0 + scale;
    for (let lx = 0; lx < r; lx++) {
      const x0 = lx * scale, x1 = x0 + scale;
      let acc = 0;
      for (let y = Math.floor(y0); y < y1 && y < N; y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < x1 && x < N; x++) {
          acc += wy * (Math.min(x + 1, x1) - Math.max(x, x0)) * src[y * N + x];
        }
      }
      low[ly * r + lx] = acc / (scale * scale);
    }
  }
  // Pixel centres align: high-res centre y maps to low-res coordinate (y + 0.5)/scale − 0.5.
  for (let y = 0; y < N; y++) {
    let fy = (y + 0.5) / scale - 0.5;
    fy = fy < 0 ? 0 : fy > r - 1 ? r - 1 : fy;
    const y0 = Math.min(Math.floor(fy), r - 2 < 0 ? 0 : r - 2), ty = fy - y0;
    const y1 = Math.min(y0 + 1, r - 1);
    for (let x = 0; x < N; x++) {
      let fx = (x + 0.5) / scale - 0.5;
      fx = fx < 0 ? 0 : fx > r - 1 ? r - 1 : fx;
      const x0 = Math.min(Math.floor(fx), r - 2 < 0 ? 0 : r - 2), tx = fx - x0;
      const x1 = Math.min(x0 + 1, r - 1);
      const top = low[y0 * r + x0] + tx * (low[y0 * r + x1] - low[y0 * r + x0]);
      const bottom = low[y1 * r + x0] + tx * (low[y1 * r + x1] - low[y1 * r + x0]);
      dst[y * N + x] = top + ty * (bottom - top);
    }
  }
}
