/**
 * Geometric warps of one 28×28 image with bilinear sampling and a black (0) border: affine maps
 * built around the image centre, and dense displacement fields (elastic distortion).
 *
 * Coordinates: pixel centres sit at integers 0..27, x to the right, y down, centre (13.5, 13.5).
 *
 * @module
 */

import { IMAGE_SIZE } from "../data/types.ts";

const N = IMAGE_SIZE;
const CENTRE = (N - 1) / 2;

/**
 * An inverse affine map about the image centre: output pixel (x, y) samples the input at
 * `(a·dx + b·dy + tx, c·dx + d·dy + ty) + centre`, where `(dx, dy) = (x, y) − centre`.
 */
export interface InverseAffine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/** Forward geometric parameters of one warp, applied as scale → shear → rotate → translate. */
export interface AffineParams {
  /** Rotation in degrees; positive turns the digit counter-clockwise on screen. */
  rotateDeg?: number;
  /** Horizontal shift in pixels (positive moves the digit right). */
  shiftX?: number;
  /** Vertical shift in pixels (positive moves the digit down). */
  shiftY?: number;
  /** Zoom factor (> 1 enlarges the digit). */
  scale?: number;
  /** Horizontal shear angle in degrees (positive leans the top of the digit to the right). */
  shearDeg?: number;
}

/**
 * The sampling map of a forward warp: composes scale, shear, rotation and shift into one matrix
 * and inverts it, so a chain of geometric augmentations costs a single resampling.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inverseAffine } from "./warp.ts";
 * const m = inverseAffine({ scale: 2 });
 * strictEqual(m.a, 0.5); strictEqual(m.d, 0.5);
 * ```
 */
export function inverseAffine(p: AffineParams): InverseAffine {
  const s = p.scale ?? 1;
  const theta = ((p.rotateDeg ?? 0) * Math.PI) / 180;
  const k = -Math.tan(((p.shearDeg ?? 0) * Math.PI) / 180);
  // Forward, y down: counter-clockwise on screen is the matrix [[cos, sin], [-sin, cos]].
  const cos = Math.cos(theta), sin = Math.sin(theta);
  // F = R · H · S with H = [[1, k], [0, 1]] (x shifts with y: the top leans right for k < 0).
  const f00 = s * cos, f01 = s * (cos * k + sin);
  const f10 = -s * sin, f11 = s * (-sin * k + cos);
  const det = f00 * f11 - f01 * f10;
  const a = f11 / det, b = -f01 / det, c = -f10 / det, d = f00 / det;
  const sx = p.shiftX ?? 0, sy = p.shiftY ?? 0;
  return { a, b, c, d, tx: -(a * sx + b * sy), ty: -(c * sx + d * sy) };
}

/**
 * Resamples `src` into `dst` (both at least 784 long, distinct) through an inverse affine map,
 * bilinearly, with 0 outside the image.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inverseAffine, warpAffine } from "./warp.ts";
 * const src = new Float32Array(784), dst = new Float32Array(784);
 * src[14 * 28 + 14] = 1;
 * warpAffine(src, dst, inverseAffine({ shiftX: 1 }));
 * strictEqual(dst[14 * 28 + 15], 1);
 * ```
 */
export function warpAffine(src: Float32Array, dst: Float32Array, m: InverseAffine): void {
  const { a, b, c, d } = m;
  const ox = CENTRE + m.tx - a * CENTRE - b * CENTRE;
  const oy = CENTRE + m.ty - c * CENTRE - d * CENTRE;
  let o = 0;
  for (let y = 0; y < N; y++) {
    let sx = ox + b * y, sy = oy + d * y;
    for (let x = 0; x < N; x++, o++, sx += a, sy += c) {
      dst[o] = sampleBilinear(src, sx, sy);
    }
  }
}

/**
 * Resamples `src` into `dst` at `(x + dx[i], y + dy[i])` for every output pixel i (bilinear,
 * 0 outside): the warp behind elastic distortion.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { warpDisplacement } from "./warp.ts";
 * const src = new Float32Array(784).fill(0.5), dst = new Float32Array(784);
 * warpDisplacement(src, dst, new Float32Array(784), new Float32Array(784));
 * strictEqual(dst[400], 0.5);
 * ```
 */
export function warpDisplacement(
  src: Float32Array,
  dst: Float32Array,
  dx: Float32Array,
  dy: Float32Array,
): void {
  let o = 0;
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++, o++) dst[o] = sampleBilinear(src, x + dx[o], y + dy[o]);
  }
}

/**
 * Bilinear sample of a 28×28 image at a real-valued position; 0 outside the image.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sampleBilinear } from "./warp.ts";
 * const img = new Float32Array(784); img[0] = 1;
 * strictEqual(sampleBilinear(img, 0.5, 0), 0.5);
 * ```
 */
export function sampleBilinear(img: Float32Array, sx: number, sy: number): number {
  if (sx <= -1 || sy <= -1 || sx >= N || sy >= N) return 0;
  const x0 = Math.floor(sx), y0 = Math.floor(sy);
  const fx = sx - x0, fy = sy - y0;
  const i = y0 * N + x0;
  if (x0 >= 0 && y0 >= 0 && x0 < N - 1 && y0 < N - 1) {
    const top = img[i] + fx * (img[i + 1] - img[i]);
    const bottom = img[i + N] + fx * (img[i + N + 1] - img[i + N]);
    return top + fy * (bottom - top);
  }
  const inX0 = x0 >= 0, inX1 = x0 + 1 < N, inY0 = y0 >= 0, inY1 = y0 + 1 < N;
  const p00 = inX0 && inY0 ? img[i] : 0;
  const p01 = inX1 && inY0 ? img[i + 1] : 0;
  const p10 = inX0 && inY1 ? img[i + N] : 0;
  const p11 = inX1 && inY1 ? img[i + N + 1] : 0;
  const top = p00 + fx * (p01 - p00);
  const bottom = p10 + fx * (p11 - p10);
  return top + fy * (bottom - top);
}
