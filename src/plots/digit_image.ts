/**
 * Digits as small PNG data URLs, the form Vega-Lite `image` marks show in SVG, PNG and browsers.
 *
 * @module
 */
import { encode } from "fast-png";
import { Buffer } from "node:buffer";
import { IMAGE_SIZE, PIXELS } from "../data/types.ts";

/**
 * Encodes one 28×28 uint8 digit as a grayscale PNG data URL, upscaled `scale`× with nearest
 * neighbour so pixels stay sharp whatever smoothing the renderer applies.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { digitDataUrl } from "./digit_image.ts";
 * const url = digitDataUrl(new Uint8Array(784).fill(255));
 * ok(url.startsWith("data:image/png;base64,"));
 * ```
 */
export function digitDataUrl(pixels: Uint8Array, scale = 3): string {
  if (pixels.length !== PIXELS) {
    throw new RangeError(`a digit has ${PIXELS} pixels, got ${pixels.length}`);
  }
  const side = IMAGE_SIZE * scale;
  const data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    const sourceRow = Math.floor(y / scale) * IMAGE_SIZE;
    for (let x = 0; x < side; x++) data[y * side + x] = pixels[sourceRow + Math.floor(x / scale)];
  }
  const png = encode({ width: side, height: side, data, channels: 1, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

/**
 * The `index`-th digit of a `count × 784` pixel array, as uint8 (floats in [0,1] are scaled).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { digitAt } from "./digit_image.ts";
 * strictEqual(digitAt(new Float32Array(784 * 2).fill(1), 1)[0], 255);
 * ```
 */
export function digitAt(images: Uint8Array | Float32Array, index: number): Uint8Array {
  const slice = images.subarray(index * PIXELS, (index + 1) * PIXELS);
  if (slice instanceof Uint8Array) return slice;
  return Uint8Array.from(slice, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/**
 * The Vega-Lite image mark of a digit picture `size` pixels wide, centred on its position and
 * drawn without smoothing (the pixels stay sharp at any size).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { digitImageMark } from "./digit_image.ts";
 * deepStrictEqual(digitImageMark(28).type, "image");
 * deepStrictEqual(digitImageMark(28).smooth, false);
 * ```
 */
export function digitImageMark(size: number): Record<string, unknown> {
  return {
    type: "image",
    width: size,
    height: size,
    align: "center",
    baseline: "middle",
    aspect: false,
    smooth: false,
  };
}
