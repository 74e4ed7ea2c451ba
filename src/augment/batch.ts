/**
 * The batch driver shared by corruptions and sweeps: per-item generators seeded from
 * (seed, salt, stable id), per-image scratch reuse, and a final clip to [0, 1].
 *
 * @module
 */

import { PIXELS } from "../data/types.ts";
import { UsageError } from "../util/errors.ts";
import type { Random } from "../util/random.ts";
import { itemRandom } from "./seeding.ts";

/** Options shared by `corrupt` and `applySweep`. */
export interface BatchOptions {
  /**
   * Stable item ids (e.g. `DigitDataset.ids`); item n draws its randomness from (seed, ids[n]),
   * so a subset corrupts exactly like the same items of the full set. Defaults to 0..count−1.
   */
  ids?: ArrayLike<number>;
  /** Output buffer (count × 784); may be `images` itself. Defaults to a new array. */
  out?: Float32Array;
}

/** Buffers a per-image transform may use freely (each 784 floats). */
export interface ImageScratch {
  tmp: Float32Array;
  tmp2: Float32Array;
  tmp3: Float32Array;
}

/** Transforms one image: reads `src` (which it may modify), writes the result into `dst`. */
export type ImageTransform = (
  src: Float32Array,
  dst: Float32Array,
  scratch: ImageScratch,
  rng: Random,
) => void;

/**
 * Runs `transform` over `count` images with one generator per item; clips results to [0, 1].
 * `transform` null means identity (a copy).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { mapImages } from "./batch.ts";
 * const out = mapImages(new Float32Array(784).fill(0.5), 1, 0, 0, (src, dst) => {
 *   for (let i = 0; i < 784; i++) dst[i] = src[i] * 3;
 * });
 * strictEqual(out[0], 1);
 * ```
 */
export function mapImages(
  images: Float32Array,
  count: number,
  seed: number,
  salt: number,
  transform: ImageTransform | null,
  options: BatchOptions = {},
  caller = "corrupt",
): Float32Array {
  if (!Number.isInteger(count) || count < 0 || images.length < count * PIXELS) {
    const max = Math.floor(images.length / PIXELS);
    throw new UsageError(`${caller}: count must be an integer in [0, ${max}], got ${count}`);
  }
  if (!Number.isInteger(seed)) {
    throw new UsageError(`${caller}: seed must be an integer, got ${seed}`);
  }
  const { ids } = options;
  if (ids && ids.length < count) {
    throw new UsageError(`${caller}: ids has ${ids.length} entries for ${count} images`);
  }
  const out = options.out ?? new Float32Array(count * PIXELS);
  if (out.length < count * PIXELS) {
    throw new UsageError(`${caller}: out holds ${out.length} floats, need ${count * PIXELS}`);
  }
  if (!transform) {
    if (out !== images) out.set(images.subarray(0, count * PIXELS));
    return out;
  }
  const src = new Float32Array(PIXELS), dst = new Float32Array(PIXELS);
  const scratch: ImageScratch = {
    tmp: new Float32Array(PIXELS),
    tmp2: new Float32Array(PIXELS),
    tmp3: new Float32Array(PIXELS),
  };
  for (let n = 0; n < count; n++) {
    const base = n * PIXELS;
    for (let i = 0; i < PIXELS; i++) src[i] = images[base + i];
    transform(src, dst, scratch, itemRandom(seed, salt, ids ? ids[n] : n));
    for (let i = 0; i < PIXELS; i++) {
      const v = dst[i];
      out[base + i] = v > 1 ? 1 : v > 0 ? v : 0;
    }
  }
  return out;
}
