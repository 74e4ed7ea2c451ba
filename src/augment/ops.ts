/**
 * The augmentation operations a pipeline is made of, as plain JSON-able data, and how one of
 * them transforms one image with freshly drawn random parameters.
 *
 * @module
 */

import { IMAGE_SIZE, PIXELS } from "../data/types.ts";
import type { Random } from "../util/random.ts";
import { gaussianBlur } from "./filters.ts";
import { addGaussianNoise, addSaltPepper, clip01 } from "./noise.ts";
import { inverseAffine, warpAffine, warpDisplacement } from "./warp.ts";

/** A fixed value, or a `[low, high]` range drawn uniformly per image. */
export type ValueOrRange = number | [number, number];

/**
 * Rotation, translation, zoom and shear drawn per image and applied as ONE affine warp with
 * bilinear sampling (black fill).
 */
export interface AffineOp {
  op: "affine";
  /** Maximum rotation in degrees: angle ~ U(−rotate, +rotate). */
  rotate?: number;
  /** Maximum shift as a fraction of the image side (0.1 = ±2.8 px); `[fx, fy]` per axis. */
  translate?: number | [number, number];
  /** Zoom: a number s draws from U(1 − s, 1 + s); a pair is the range itself. */
  scale?: ValueOrRange;
  /** Maximum horizontal shear angle in degrees: U(−shear, +shear). */
  shear?: number;
  /** Probability the op is applied to an image (default 1). */
  p?: number;
}

/** Elastic distortion (Simard et al. 2003): uniform displacement fields, Gaussian-smoothed. */
export interface ElasticOp {
  op: "elastic";
  /** Displacement scale α in pixels (Simard: 34 for MNIST). */
  alpha: number;
  /** Smoothing σ of the displacement field in pixels (Simard: 4). */
  sigma: number;
  p?: number;
}

/** Additive Gaussian noise; σ in pixel units of [0, 1]. */
export interface GaussianNoiseOp {
  op: "gaussianNoise";
  sigma: ValueOrRange;
  p?: number;
}

/** Salt-and-pepper: this fraction of pixels set to 0 or 1. */
export interface SaltPepperOp {
  op: "saltPepper";
  amount: ValueOrRange;
  p?: number;
}

/** Separable Gaussian blur of σ pixels. */
export interface GaussianBlurOp {
  op: "gaussianBlur";
  sigma: ValueOrRange;
  p?: number;
}

/** Brightness shift U(−b, b) and contrast factor U(1 − c, 1 + c) about the image mean. */
export interface BrightnessContrastOp {
  op: "brightnessContrast";
  brightness?: number;
  contrast?: number;
  p?: number;
}

/** Random erasing (Zhong et al. 2017): one rectangle filled with a value or with noise. */
export interface EraseOp {
  op: "erase";
  /** Rectangle area as a fraction of the image (default [0.02, 0.2]). */
  area?: [number, number];
  /** Height/width ratio range, drawn log-uniformly (default [0.3, 3.3]). */
  aspect?: [number, number];
  /** Fill value in [0, 1], or "random" for uniform noise (default 0). */
  value?: number | "random";
  /** Default 0.5. */
  p?: number;
}

/** One step of an augmentation pipeline. */
export type AugmentOp =
  | AffineOp
  | ElasticOp
  | GaussianNoiseOp
  | SaltPepperOp
  | GaussianBlurOp
  | BrightnessContrastOp
  | EraseOp;

/** Buffers one worker reuses for every image (no allocation per image). */
export interface Scratch {
  tmp: Float32Array;
  fieldX: Float32Array;
  fieldY: Float32Array;
}

/**
 * Fresh scratch buffers for {@link applyOp}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { createScratch } from "./ops.ts";
 * strictEqual(createScratch().tmp.length, 784);
 * ```
 */
export function createScratch(): Scratch {
  return {
    tmp: new Float32Array(PIXELS),
    fieldX: new Float32Array(PIXELS),
    fieldY: new Float32Array(PIXELS),
  };
}

/**
 * Applies one op to the image in `src`. Returns true when the result was written to `dst`,
 * false when `src` was modified in place (or left alone because the op's coin came up tails).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { applyOp, createScratch } from "./ops.ts";
 * const src = new Float32Array(784).fill(0.5), dst = new Float32Array(784);
 * const moved = applyOp({ op: "gaussianNoise", sigma: 0.1 }, src, dst, createScratch(), new Random(1));
 * strictEqual(moved, false); // noise is added in place
 * ```
 */
export function applyOp(
  op: AugmentOp,
  src: Float32Array,
  dst: Float32Array,
  scratch: Scratch,
  rng: Random,
): boolean {
  const p = op.p ?? (op.op === "erase" ? 0.5 : 1);
  if (p < 1 && !(rng.next() < p)) return false;
  switch (op.op) {
    case "affine":
      warpAffine(src, dst, drawAffine(op, rng));
      return true;
    case "elastic":
      elastic(src, dst, scratch, op.alpha, op.sigma, rng);
      return true;
    case "gaussianNoise":
      addGaussianNoise(src, draw(op.sigma, rng), rng);
      return false;
    case "saltPepper":
      addSaltPepper(src, draw(op.amount, rng), rng);
      return false;
    case "gaussianBlur":
      gaussianBlur(src, dst, scratch.tmp, draw(op.sigma, rng));
      return true;
    case "brightnessContrast":
      brightnessContrast(src, op.brightness ?? 0, op.contrast ?? 0, rng);
      return false;
    case "erase":
      erase(src, op, rng);
      return false;
  }
}

function draw(v: ValueOrRange, rng: Random): number {
  return typeof v === "number" ? v : rng.uniform(v[0], v[1]);
}

function drawAffine(op: AffineOp, rng: Random) {
  const [fx, fy] = typeof op.translate === "number"
    ? [op.translate, op.translate]
    : op.translate ?? [0, 0];
  const scale = op.scale === undefined
    ? 1
    : typeof op.scale === "number"
    ? rng.uniform(1 - op.scale, 1 + op.scale)
    : rng.uniform(op.scale[0], op.scale[1]);
  return inverseAffine({
    rotateDeg: op.rotate ? rng.uniform(-op.rotate, op.rotate) : 0,
    shiftX: fx ? rng.uniform(-fx, fx) * IMAGE_SIZE : 0,
    shiftY: fy ? rng.uniform(-fy, fy) * IMAGE_SIZE : 0,
    scale,
    shearDeg: op.shear ? rng.uniform(-op.shear, op.shear) : 0,
  });
}

/**
 * Elastic distortion: per-pixel U(−1, 1) displacements, blurred by σ, scaled by α, then a
 * bilinear resampling of `src` into `dst`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { createScratch, elastic } from "./ops.ts";
 * const src = new Float32Array(784).fill(1), dst = new Float32Array(784);
 * elastic(src, dst, createScratch(), 8, 4, new Random(1));
 * strictEqual(dst[14 * 28 + 14], 1);
 * ```
 */
export function elastic(
  src: Float32Array,
  dst: Float32Array,
  scratch: Scratch,
  alpha: number,
  sigma: number,
  rng: Random,
): void {
  const { fieldX, fieldY, tmp } = scratch;
  for (let i = 0; i < PIXELS; i++) {
    fieldX[i] = rng.uniform(-1, 1);
    fieldY[i] = rng.uniform(-1, 1);
  }
  gaussianBlur(fieldX, fieldX, tmp, sigma);
  gaussianBlur(fieldY, fieldY, tmp, sigma);
  for (let i = 0; i < PIXELS; i++) {
    fieldX[i] *= alpha;
    fieldY[i] *= alpha;
  }
  warpDisplacement(src, dst, fieldX, fieldY);
}

function brightnessContrast(img: Float32Array, b: number, c: number, rng: Random): void {
  const shift = b ? rng.uniform(-b, b) : 0;
  const factor = c ? rng.uniform(1 - c, 1 + c) : 1;
  let mean = 0;
  for (let i = 0; i < PIXELS; i++) mean += img[i];
  mean /= PIXELS;
  for (let i = 0; i < PIXELS; i++) img[i] = clip01((img[i] - mean) * factor + mean + shift);
}

function erase(img: Float32Array, op: EraseOp, rng: Random): void {
  const [aLo, aHi] = op.area ?? [0.02, 0.2];
  const [rLo, rHi] = op.aspect ?? [0.3, 3.3];
  const area = rng.uniform(aLo, aHi) * PIXELS;
  const ratio = Math.exp(rng.uniform(Math.log(rLo), Math.log(rHi)));
  const h = Math.min(IMAGE_SIZE, Math.max(1, Math.round(Math.sqrt(area * ratio))));
  const w = Math.min(IMAGE_SIZE, Math.max(1, Math.round(Math.sqrt(area / ratio))));
  const top = rng.int(IMAGE_SIZE - h + 1), left = rng.int(IMAGE_SIZE - w + 1);
  const value = op.value ?? 0;
  for (let y = top; y < top + h; y++) {
    for (let x = left; x < left + w; x++) {
      img[y * IMAGE_SIZE + x] = value === "random" ? rng.next() : value;
    }
  }
}
