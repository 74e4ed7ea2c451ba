/**
 * 64-bit content fingerprints of 28×28 uint8 images: equal pixels give equal fingerprints
 * whatever file, format or item id an image arrived with (MNIST IDX, a Kaggle CSV row, a PNG
 * export), so the same image is recognised across sources.
 *
 * The hash runs two different 32-bit mixers over the image's 196 little-endian 32-bit words
 * (MurmurHash3's block step and xxHash32's round, each with its own finaliser) and joins them:
 * 70,000 images take a few tens of milliseconds (`bench/data_bench.ts`). It is not
 * cryptographic; for non-adversarial images a chance collision among 10⁵ images has
 * probability ~10⁻⁹.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { InputError } from "../util/errors.ts";
import { PIXELS } from "./types.ts";

const WORDS = PIXELS / 4;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Fingerprints of the first `count` images of `images` (count × 784 bytes), one 64-bit value
 * per image.
 *
 * @example
 * ```ts
 * import { strictEqual, notStrictEqual } from "node:assert";
 * import { imageFingerprints } from "./fingerprint.ts";
 * const images = new Uint8Array(3 * 784);
 * images[784 + 5] = 1; // image 1 differs from images 0 and 2 in one pixel
 * const f = imageFingerprints(images, 3);
 * strictEqual(f[0], f[2]);
 * notStrictEqual(f[0], f[1]);
 * ```
 */
export function imageFingerprints(images: Uint8Array, count: number): BigUint64Array {
  if (!Number.isInteger(count) || count < 0 || images.length < count * PIXELS) {
    throw new RangeError(`imageFingerprints: ${count} images need ${count * PIXELS} bytes`);
  }
  const aligned = images.byteOffset % 4 === 0 ? images : images.slice(0, count * PIXELS);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, count * WORDS);
  const out = new Uint32Array(count * 2);
  for (let n = 0; n < count; n++) {
    let a = 0x9747b28c, b = 0x165667b1;
    for (let w = n * WORDS, end = w + WORDS; w < end; w++) {
      const x = words[w];
      let k = Math.imul(x, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      a ^= k;
      a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
      b = (b + Math.imul(x, 0x85ebca77)) | 0;
      b = Math.imul((b << 13) | (b >>> 19), 0x9e3779b1);
    }
    // Little-endian halves of one 64-bit value: low word from the Murmur lane.
    out[2 * n] = fmix32(a ^ PIXELS);
    out[2 * n + 1] = fmix32((b ^ a) + 0x27d4eb2f);
  }
  return new BigUint64Array(out.buffer);
}

/**
 * A fingerprint as 16 hex digits.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fingerprintHex } from "./fingerprint.ts";
 * strictEqual(fingerprintHex(255n), "00000000000000ff");
 * ```
 */
export function fingerprintHex(value: bigint): string {
  return value.toString(16).padStart(16, "0");
}

/**
 * Fingerprints as base64 of their little-endian bytes, sorted ascending and without repeats
 * (the compact form a run stores).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeFingerprints, encodeFingerprints } from "./fingerprint.ts";
 * const text = encodeFingerprints(new BigUint64Array([9n, 2n, 9n]));
 * deepStrictEqual(decodeFingerprints(text), new BigUint64Array([2n, 9n]));
 * ```
 */
export function encodeFingerprints(values: BigUint64Array): string {
  const sorted = values.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  }
  const bytes = new Uint8Array(n * 8), view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) view.setBigUint64(i * 8, sorted[i], true);
  return Buffer.from(bytes).toString("base64");
}

/**
 * Reads fingerprints written by {@link encodeFingerprints}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeFingerprints } from "./fingerprint.ts";
 * deepStrictEqual(decodeFingerprints(""), new BigUint64Array(0));
 * ```
 */
export function decodeFingerprints(text: string, where = "fingerprints"): BigUint64Array {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 8 !== 0) {
    throw new InputError(where, "", "base64 of 8-byte fingerprints", `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new BigUint64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getBigUint64(i * 8, true);
  return out;
}
