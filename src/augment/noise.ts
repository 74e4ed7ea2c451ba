/**
 * Pixel noise on one 28×28 image, in place, clipped to [0, 1].
 *
 * @module
 */

import { PIXELS } from "../data/types.ts";
import type { Random } from "../util/random.ts";

/**
 * Adds N(0, σ²) to every pixel and clips to [0, 1]. σ is in pixel units of [0, 1]. Normals come
 * from a 65,536-entry inverse-CDF table indexed by 16 random bits (two per uint32), 5× faster
 * than Box–Muller; the draw is exact up to that quantisation and truncation at ±4.3σ.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { addGaussianNoise } from "./noise.ts";
 * const img = new Float32Array(784).fill(0.5);
 * addGaussianNoise(img, 0.1, new Random(1));
 * ok(img.some((v) => v !== 0.5));
 * ```
 */
export function addGaussianNoise(img: Float32Array, sigma: number, rng: Random): void {
  if (!(sigma > 0)) return;
  const table = normalTable();
  for (let i = 0; i < PIXELS; i += 2) {
    const u = rng.nextUint32();
    img[i] = clip01(img[i] + sigma * table[u >>> 16]);
    img[i + 1] = clip01(img[i + 1] + sigma * table[u & 0xffff]);
  }
}

let normals: Float32Array | undefined;

/**
 * Standard-normal quantiles at (i + 0.5) / 65536, i = 0..65535: a uniform 16-bit index into it
 * is a (finely quantised) N(0, 1) draw.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { normalTable } from "./noise.ts";
 * strictEqual(normalTable()[32768].toFixed(4), "0.0000");
 * ```
 */
export function normalTable(): Float32Array {
  if (!normals) {
    normals = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) normals[i] = inverseNormalCdf((i + 0.5) / 65536);
  }
  return normals;
}

/**
 * Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inverseNormalCdf } from "./noise.ts";
 * strictEqual(inverseNormalCdf(0.975).toFixed(2), "1.96");
 * ```
 */
export function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Salt-and-pepper (impulse) noise as scikit-image's `random_noise(mode="s&p")`: each pixel is,
 * with probability `amount`, replaced by 0 or 1 (equal odds).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { addSaltPepper } from "./noise.ts";
 * const img = new Float32Array(784).fill(0.5);
 * addSaltPepper(img, 1, new Random(1));
 * ok(img.every((v) => v === 0 || v === 1));
 * ```
 */
export function addSaltPepper(img: Float32Array, amount: number, rng: Random): void {
  if (!(amount > 0)) return;
  // Two pixels per uint32, 16 bits each: amounts resolve to 1/65536, rng calls halve.
  const hit = amount * 65536, half = hit / 2;
  for (let i = 0; i < PIXELS; i += 2) {
    const u = rng.nextUint32();
    const a = u >>> 16, b = u & 0xffff;
    if (a < hit) img[i] = a < half ? 0 : 1;
    if (b < hit) img[i + 1] = b < half ? 0 : 1;
  }
}

/**
 * Shot (Poisson) noise: a pixel of intensity x becomes Poisson(x·photons) / photons, clipped —
 * fewer photons, more noise. Black pixels stay black. Photons ≤ 0 or ∞ leaves the image as is.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { addShotNoise } from "./noise.ts";
 * const img = new Float32Array(784).fill(0.5);
 * addShotNoise(img, 3, new Random(1));
 * // Float32 storage: compare with the nearest multiple of 1/3 within float precision.
 * ok(img.every((v) => Math.abs(v * 3 - Math.round(v * 3)) < 1e-6));
 * ```
 */
export function addShotNoise(img: Float32Array, photons: number, rng: Random): void {
  if (!(photons > 0) || photons === Infinity) return;
  for (let i = 0; i < PIXELS; i++) {
    const x = img[i];
    if (x > 0) img[i] = clip01(poisson(x * photons, rng) / photons);
  }
}

/**
 * A Poisson(λ) draw: exact (Knuth's product of uniforms) for λ < 30, the rounded normal
 * approximation above, where its error is below what 8-bit pixels can show.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { poisson } from "./noise.ts";
 * const rng = new Random(3);
 * let sum = 0;
 * for (let i = 0; i < 10000; i++) sum += poisson(4, rng);
 * ok(Math.abs(sum / 10000 - 4) < 0.1);
 * ```
 */
export function poisson(lambda: number, rng: Random): number {
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const limit = Math.exp(-lambda);
  let k = 0, p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/**
 * Clamps to [0, 1] (NaN becomes 0).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { clip01 } from "./noise.ts";
 * strictEqual(clip01(1.5), 1); strictEqual(clip01(-1), 0);
 * ```
 */
export function clip01(v: number): number {
  return v > 1 ? 1 : v > 0 ? v : 0;
}
