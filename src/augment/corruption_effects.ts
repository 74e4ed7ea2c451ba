/**
 * The image effects behind the MNIST-C-style corruptions that are not plain noise, blur or
 * warps: glass blur, fog, spatter and stripes. Each writes one 28×28 image from `src` to `dst`.
 *
 * @module
 */

import { IMAGE_SIZE, PIXELS } from "../data/types.ts";
import type { Random } from "../util/random.ts";
import { gaussianBlur } from "./filters.ts";
import { normalTable } from "./noise.ts";
import { plasmaFractal } from "./plasma.ts";

const N = IMAGE_SIZE;

/**
 * Glass blur (MNIST-C / ImageNet-C): Gaussian blur σ, then `iterations` sweeps that swap each
 * interior pixel, with probability 1/2, with a random neighbour at offsets in [−delta, delta)
 * (NumPy's half-open `randint`, as in MNIST-C), then blur σ again. `tmp` is scratch.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { glassBlur } from "./corruption_effects.ts";
 * const src = new Float32Array(784).fill(0.3), dst = new Float32Array(784);
 * glassBlur(src, dst, new Float32Array(784), new Random(1), 0.7, 1, 2);
 * strictEqual(dst[400].toFixed(2), "0.30");
 * ```
 */
export function glassBlur(
  src: Float32Array,
  dst: Float32Array,
  tmp: Float32Array,
  rng: Random,
  sigma: number,
  delta: number,
  iterations: number,
): void {
  gaussianBlur(src, src, tmp, sigma);
  for (let it = 0; it < iterations; it++) {
    for (let h = N - delta; h > delta; h--) {
      for (let w = N - delta; w > delta; w--) {
        // One uint32 per visit: the top bit is the coin, two bytes pick the offsets (exactly
        // uniform when 2·delta is a power of two, as in every preset level).
        const u = rng.nextUint32();
        if (u >>> 31) continue;
        const dx = ((u >>> 8) & 0xff) % (2 * delta) - delta, dy = (u & 0xff) % (2 * delta) - delta;
        const a = h * N + w, b = (h + dy) * N + (w + dx);
        const t = src[a];
        src[a] = src[b];
        src[b] = t;
      }
    }
  }
  gaussianBlur(src, dst, tmp, sigma);
}

/**
 * Fog (MNIST-C): adds `strength ×` a plasma-fractal cloud (roughness `decay`, lower = rougher),
 * then rescales by max/(max + strength) so the brightest stroke keeps its value relative to fog.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { fog } from "./corruption_effects.ts";
 * const src = new Float32Array(784); src[400] = 1;
 * const dst = new Float32Array(784);
 * fog(src, dst, new Random(1), 1.5, 2);
 * ok(dst.filter((v) => v > 0).length > 100);
 * ```
 */
export function fog(
  src: Float32Array,
  dst: Float32Array,
  rng: Random,
  strength: number,
  decay: number,
): void {
  const map = plasmaFractal(rng, decay);
  let max = 0;
  for (let i = 0; i < PIXELS; i++) if (src[i] > max) max = src[i];
  const k = max / (max + strength);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) dst[y * N + x] = (src[y * N + x] + strength * map[y * 64 + x]) * k;
  }
}

/** Parameters of {@link spatter}. */
export interface SpatterParams {
  /** Mean and standard deviation of the per-pixel "liquid" noise. */
  loc: number;
  scale: number;
  /** Blur σ of the liquid layer (larger = bigger, fewer drops). */
  sigma: number;
  /** Liquid above this level becomes mud. */
  threshold: number;
  /** Blur σ of the mud mask before keeping its cores (≥ 0.8). */
  maskSigma: number;
}

/** Grey level of the mud (63/255), as MNIST-C paints it. */
export const MUD = 63 / 255;

/**
 * Mud spatter (MNIST-C): thresholded blobs of smoothed Gaussian noise, painted grey (63/255)
 * over the digit. `tmp`, `tmp2` are scratch.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { spatter } from "./corruption_effects.ts";
 * const src = new Float32Array(784), dst = new Float32Array(784);
 * spatter(src, dst, new Float32Array(784), new Float32Array(784), new Random(2),
 *   { loc: 0.65, scale: 0.3, sigma: 1, threshold: 0.65, maskSigma: 1.5 });
 * ok(dst.some((v) => v > 0));
 * ```
 */
export function spatter(
  src: Float32Array,
  dst: Float32Array,
  tmp: Float32Array,
  mask: Float32Array,
  rng: Random,
  p: SpatterParams,
): void {
  const table = normalTable();
  for (let i = 0; i < PIXELS; i += 2) {
    const u = rng.nextUint32();
    mask[i] = p.loc + p.scale * table[u >>> 16];
    mask[i + 1] = p.loc + p.scale * table[u & 0xffff];
  }
  gaussianBlur(mask, mask, tmp, p.sigma);
  for (let i = 0; i < PIXELS; i++) mask[i] = mask[i] > p.threshold ? 1 : 0;
  gaussianBlur(mask, mask, tmp, p.maskSigma);
  for (let i = 0; i < PIXELS; i++) {
    const m = mask[i] < 0.8 ? 0 : mask[i];
    dst[i] = src[i] * (1 - m) + MUD * m;
  }
}

/**
 * Stripes (MNIST-C `stripe`): inverts (1 − x) the `width` leftmost and rightmost columns.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { stripe } from "./corruption_effects.ts";
 * const src = new Float32Array(784), dst = new Float32Array(784);
 * stripe(src, dst, 7);
 * strictEqual(dst[0], 1); strictEqual(dst[7], 0); strictEqual(dst[21], 1);
 * ```
 */
export function stripe(src: Float32Array, dst: Float32Array, width: number): void {
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const i = y * N + x;
      dst[i] = x < width || x >= N - width ? 1 - src[i] : src[i];
    }
  }
}
