/**
 * Synthetic pen strokes drawn over a digit, as MNIST-C's `dotted_line` and `zigzag` do: lines
 * whose intensity falls off as 1 + ln(1 − d/2.3) with vertical distance d (≈ 3 px thick).
 *
 * @module
 */

import { IMAGE_SIZE } from "../data/types.ts";
import type { Random } from "../util/random.ts";

const N = IMAGE_SIZE;
const HALF_WIDTH = 2.3;

/**
 * Adds `intensity ×` the line from (c0, r0) to (c1, r1) (column, row; c0 < c1) onto `img`,
 * clipping at 1. Columns outside [floor(c0), ceil(c1)) are untouched; `keepColumn` can mask more.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { addLine } from "./strokes.ts";
 * const img = new Float32Array(784);
 * addLine(img, 0, 10, 27, 10, 1);
 * strictEqual(img[10 * 28 + 5], 1); strictEqual(img[20 * 28 + 5], 0);
 * ```
 */
export function addLine(
  img: Float32Array,
  c0: number,
  r0: number,
  c1: number,
  r1: number,
  intensity: number,
  keepColumn: (c: number) => boolean = () => true,
): void {
  if (!(c1 > c0)) return;
  const slope = (r1 - r0) / (c1 - c0);
  const from = Math.max(0, Math.floor(c0)), to = Math.min(N, Math.ceil(c1));
  for (let c = from; c < to; c++) {
    if (!keepColumn(c)) continue;
    const centre = r0 + slope * (c - c0);
    const lo = Math.max(0, Math.ceil(centre - HALF_WIDTH)),
      hi = Math.min(N - 1, centre + HALF_WIDTH);
    for (let r = lo; r <= hi; r++) {
      const d = Math.min(Math.abs(r - centre), HALF_WIDTH - 1e-10);
      const v = Math.log(1 - d / HALF_WIDTH) + 1;
      if (v <= 0) continue;
      const i = r * N + c;
      img[i] = Math.min(1, img[i] + intensity * Math.min(1, v));
    }
  }
}

/**
 * A dashed line across the whole width between random heights (MNIST-C `dotted_line`): drawn in
 * 2-px dashes, columns 2–3, 6–7, …
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { addDottedLine } from "./strokes.ts";
 * const img = new Float32Array(784);
 * addDottedLine(img, new Random(1), 1);
 * ok(img.some((v) => v > 0));
 * ```
 */
export function addDottedLine(img: Float32Array, rng: Random, intensity: number): void {
  const r0 = rng.int(27), r1 = rng.int(27);
  addLine(img, 0, r0, 27, r1, intensity, (c) => ((c >> 1) & 1) === 1);
}

/**
 * A zigzag (2 px pitch, ±2 px amplitude) along a random, slightly tilted line from column 2 to 25
 * (MNIST-C `zigzag`). The last segment ends on the zigzag at the line's end.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { addZigzag } from "./strokes.ts";
 * const img = new Float32Array(784);
 * addZigzag(img, new Random(1), 1);
 * ok(img.some((v) => v > 0));
 * ```
 */
export function addZigzag(img: Float32Array, rng: Random, intensity: number): void {
  const a = 2, b = 2, c0 = 2, c1 = 25;
  const r0 = rng.int(27);
  const r1 = r0 + rng.int(10) - 5;
  const theta = Math.atan((r1 - r0) / (c1 - c0));
  const length = (c1 - c0) / Math.cos(theta);
  const cos = Math.cos(theta), sin = Math.sin(theta);
  let prevC = c0, prevR = r0; // the zigzag starts on the line at (0, 0) in its own frame
  const peaks = Math.floor((length - a) / (2 * a)) + 1;
  for (let i = 0; i <= peaks; i++) {
    let u: number, v: number;
    if (i < peaks) {
      u = (2 * i + 1) * a;
      v = (i % 2 === 0 ? 1 : -1) * b;
    } else {
      const lastU = (2 * peaks - 1) * a, lastV = ((peaks - 1) % 2 === 0 ? 1 : -1) * b;
      if (length - lastU < 1e-9) break;
      u = length;
      v = lastV * (1 - (length - lastU) / a);
    }
    const c = c0 + u * cos - v * sin, r = r0 + u * sin + v * cos;
    addLine(img, prevC, prevR, c, r, intensity);
    prevC = c;
    prevR = r;
  }
}
