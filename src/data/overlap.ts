/**
 * Items shared between training data and a test set, found by their pixels: a split preset
 * that merges a test set into training (e.g. `mdsist-70-15-15`) makes that test set's errors
 * optimistic, and reports must say so.
 *
 * @module
 */
import { type DigitDataset, PIXELS } from "./types.ts";

/** 53-bit hash of one image's bytes (two FNV-1a lanes). */
function imageHash(images: Uint8Array, index: number): number {
  let a = 0x811c9dc5, b = 0x01000193;
  const start = index * PIXELS;
  for (let i = start; i < start + PIXELS; i++) {
    a = Math.imul(a ^ images[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ images[i], 0x5bd1e995) >>> 0;
  }
  return (a & 0x1fffff) * 0x100000000 + b;
}

/**
 * How many of the first `limit` images of `test` also appear (pixel for pixel) in any of
 * `training`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sharedImageCount } from "./overlap.ts";
 * const ds = (pixels: number[]) => ({ name: "d", images: Uint8Array.from(pixels.flatMap((p) =>
 *   new Array(784).fill(p))), labels: new Uint8Array(pixels.length), count: pixels.length,
 *   classNames: [], source: "", checksum: "" });
 * strictEqual(sharedImageCount([ds([1, 2, 3])], ds([3, 4, 1])), 2);
 * ```
 */
export function sharedImageCount(
  training: readonly DigitDataset[],
  test: DigitDataset,
  limit = test.count,
): number {
  const seen = new Set<number>();
  for (const set of training) {
    for (let i = 0; i < set.count; i++) seen.add(imageHash(set.images, i));
  }
  let shared = 0;
  const n = Math.min(limit, test.count);
  for (let i = 0; i < n; i++) if (seen.has(imageHash(test.images, i))) shared++;
  return shared;
}
