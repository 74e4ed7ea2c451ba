/**
 * A synthetic, learnable digit set for fast training tests: class k is a bright horizontal bar
 * at row 4 + 2k with seeded noise, so a linear model separates it within an epoch.
 *
 * @module
 */
import { DIGIT_CLASSES, type DigitDataset, PIXELS } from "../data/types.ts";
import { Random } from "../util/random.ts";

/**
 * `count` seeded bar images with balanced labels.
 *
 * @example
 * ```ts
 * import { barDigits } from "./testing_data.ts";
 * const ds = barDigits(20, 1);
 * console.log(ds.count, ds.labels[3]); // 20 3
 * ```
 */
export function barDigits(count: number, seed: number, name = "bars"): DigitDataset {
  const rng = new Random(seed);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    const row = 4 + 2 * label;
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = rng.int(60);
    const start = 4 + rng.int(6), length = 10 + rng.int(8);
    for (let x = start; x < start + length; x++) images[i * PIXELS + row * 28 + x] = 255;
  }
  return {
    name,
    images,
    labels,
    count,
    classNames: [...DIGIT_CLASSES],
    source: `synthetic bars seed ${seed}`,
    checksum: "",
  };
}
