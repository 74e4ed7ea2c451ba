/**
 * MNIST's normalisation for arbitrary grayscale images: white digit on black (dark-on-light
 * scans are inverted), the digit scaled to fit a 20×20 box keeping its aspect ratio, then
 * placed in 28×28 so its centre of mass sits at the centre (LeCun et al.'s procedure).
 *
 * @module
 */
import { IMAGE_SIZE, PIXELS } from "./types.ts";

/** Longest side of the digit after scaling, as in MNIST. */
export const DIGIT_BOX = 20;

/** Ink level (of 255) that counts towards the digit's bounding box; fainter is noise. */
const INK_THRESHOLD = 25;

/** A grayscale image: `width × height` luminances 0..255, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  /** Luminance 0 (black) .. 255 (white). */
  data: Float32Array;
}

/** For each output index, the input indices it covers and their weights (area averaging). */
function areaWeights(
  from: number,
  length: number,
  target: number,
): { index: number[]; weight: number[] }[] {
  const scale = length / target;
  return Array.from({ length: target }, (_, t) => {
    const lo = t * scale, hi = lo + scale;
    const index: number[] = [], weight: number[] = [];
    for (let s = Math.floor(lo); s < Math.ceil(hi); s++) {
      const w = Math.min(hi, s + 1) - Math.max(lo, s);
      if (w > 1e-9) {
        index.push(from + s);
        weight.push(w / scale);
      }
    }
    return { index, weight };
  });
}

/** Resamples the `w × h` window at (x0, y0) of `ink` to `tw × th` by area averaging. */
function resample(
  ink: Float32Array,
  stride: number,
  box: { x0: number; y0: number; w: number; h: number },
  tw: number,
  th: number,
): Float32Array {
  const cols = areaWeights(box.x0, box.w, tw), rows = areaWeights(box.y0, box.h, th);
  const out = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const r = rows[ty];
    for (let tx = 0; tx < tw; tx++) {
      const c = cols[tx];
      let sum = 0;
      for (let a = 0; a < r.index.length; a++) {
        const rowBase = r.index[a] * stride;
        let line = 0;
        for (let b = 0; b < c.index.length; b++) line += ink[rowBase + c.index[b]] * c.weight[b];
        sum += line * r.weight[a];
      }
      out[ty * tw + tx] = sum;
    }
  }
  return out;
}

/** Ink 0..255 with the background at 0: inverted when the border is light, contrast-stretched. */
function inkOf(image: GrayImage): Float32Array {
  const { width, height, data } = image;
  let borderSum = 0, borderCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || x === 0 || y === height - 1 || x === width - 1) {
        borderSum += data[y * width + x];
        borderCount++;
      }
    }
  }
  const lightBackground = borderSum / borderCount > 127.5;
  // Plain loops: Float32Array.from with a mapper and for…of take seconds on a 16-megapixel scan.
  const ink = new Float32Array(data.length);
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    ink[i] = lightBackground ? 255 - data[i] : data[i];
    if (ink[i] > max) max = ink[i];
  }
  const background = lightBackground ? 255 - borderSum / borderCount : borderSum / borderCount;
  // Paper grey and scanner noise below the border level are background, not ink.
  const range = max - background;
  for (let i = 0; i < ink.length; i++) {
    ink[i] = range > 0 ? Math.max(0, Math.min(255, ((ink[i] - background) / range) * 255)) : 0;
  }
  return ink;
}

/**
 * Converts a grayscale image of one digit to a 28×28 MNIST-style image (uint8, white on black).
 * A blank image gives all zeros.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { toMnistStyle } from "./mnist_style.ts";
 * const data = new Float32Array(100 * 50).fill(255); // white paper
 * for (let y = 10; y < 90; y++) for (let x = 20; x < 30; x++) data[y * 50 + x] = 0; // a dark "1"
 * const img = toMnistStyle({ width: 50, height: 100, data });
 * ok(img[14 * 28 + 14] > 200); strictEqual(img[0], 0);
 * ```
 */
export function toMnistStyle(image: GrayImage): Uint8Array {
  const { width, height } = image;
  const ink = inkOf(image);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const out = new Uint8Array(PIXELS);
  if (x1 < 0) return out;
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const scale = DIGIT_BOX / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
  const patch = resample(ink, width, { x0, y0, w, h }, tw, th);
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = patch[y * tw + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // MNIST's centres of mass average (14.0, 14.0) in pixel-index coordinates.
  const centre = IMAGE_SIZE / 2;
  const place = (com: number, size: number) =>
    Math.max(0, Math.min(IMAGE_SIZE - size, Math.round(centre - com)));
  const ox = place(mx / mass, tw), oy = place(my / mass, th);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      out[(oy + y) * IMAGE_SIZE + ox + x] = Math.round(patch[y * tw + x]);
    }
  }
  return out;
}
