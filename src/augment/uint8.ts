/**
 * Conversions between the datasets' uint8 pixels (0..255) and the float [0, 1] images that
 * augmentation, corruption and models use.
 *
 * @module
 */

/**
 * uint8 pixels → floats in [0, 1] (÷255), into `out` when given.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { fromUint8 } from "./uint8.ts";
 * deepStrictEqual(fromUint8(new Uint8Array([0, 255])), new Float32Array([0, 1]));
 * ```
 */
export function fromUint8(
  pixels: Uint8Array,
  out: Float32Array = new Float32Array(pixels.length),
): Float32Array {
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/**
 * Floats in [0, 1] → uint8 pixels, rounded and clamped, into `out` when given.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { toUint8 } from "./uint8.ts";
 * deepStrictEqual(toUint8(new Float32Array([0, 0.5, 1.2])), new Uint8Array([0, 128, 255]));
 * ```
 */
export function toUint8(
  images: Float32Array,
  out: Uint8Array = new Uint8Array(images.length),
): Uint8Array {
  for (let i = 0; i < images.length; i++) {
    const v = Math.round(images[i] * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
