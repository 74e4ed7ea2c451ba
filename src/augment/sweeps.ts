/**
 * Parametric corruption sweeps: one factor (noise σ, blur σ, rotation angle, resolution …)
 * varied over a grid of levels, for degradation curves. Seeding follows `corrupt`: item n draws
 * from (seed, factor name, id of item n), independent of the level, so one item sees the same
 * noise pattern (scaled) and the same blur direction at every level.
 *
 * @module
 */

import { UsageError } from "../util/errors.ts";
import type { Random } from "../util/random.ts";
import { type BatchOptions, type ImageTransform, mapImages } from "./batch.ts";
import { convolve2d, diskKernel, downUpSample, gaussianBlur, motionBlur } from "./filters.ts";
import { addGaussianNoise, addSaltPepper, addShotNoise } from "./noise.ts";
import { hashName } from "./seeding.ts";
import { inverseAffine, warpAffine } from "./warp.ts";

/** A documented sweep factor. */
export interface SweepInfo {
  /** Factor name, e.g. `gaussian_noise`. */
  name: string;
  description: string;
  /** Unit and meaning of a level. */
  unit: string;
  /** The level that leaves images unchanged. */
  identity: number;
  /** Valid levels: [min, max]. */
  range: [number, number];
  /** Default grid, from clean to strongest. */
  grid: readonly number[];
}

interface SweepSpec extends SweepInfo {
  /** The per-image transform at `level` (never called with the identity level). */
  at(level: number): ImageTransform;
}

const inPlace =
  (f: (img: Float32Array, rng: Random) => void): ImageTransform => (src, dst, _s, rng) => {
    f(src, rng);
    dst.set(src);
  };

const SPECS: SweepSpec[] = [
  {
    name: "gaussian_noise",
    description: "additive Gaussian noise, clipped to [0, 1]",
    unit: "σ in pixel units of [0, 1]",
    identity: 0,
    range: [0, 10],
    grid: [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1],
    at: (sigma) => inPlace((img, rng) => addGaussianNoise(img, sigma, rng)),
  },
  {
    name: "salt_pepper",
    description: "salt-and-pepper: a fraction of pixels set to 0 or 1",
    unit: "fraction of pixels",
    identity: 0,
    range: [0, 1],
    grid: [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
    at: (amount) => inPlace((img, rng) => addSaltPepper(img, amount, rng)),
  },
  {
    name: "shot_noise",
    description: "Poisson photon noise: x → Poisson(x/s)·s",
    unit: "s = 1/photons at full intensity (0 = noiseless)",
    identity: 0,
    range: [0, 100],
    grid: [0, 0.01, 0.03, 0.1, 0.3, 1],
    at: (s) => inPlace((img, rng) => addShotNoise(img, 1 / s, rng)),
  },
  {
    name: "gaussian_blur",
    description: "separable Gaussian blur (kernel truncated at 3σ)",
    unit: "σ in pixels",
    identity: 0,
    range: [0, 10],
    grid: [0, 0.5, 1, 1.5, 2, 2.5, 3],
    at: (sigma) => (src, dst, s) => gaussianBlur(src, dst, s.tmp, sigma),
  },
  {
    name: "motion_blur",
    description: "one-sided Gaussian streak (as MNIST-C motion_blur, radius 3σ), " +
      "angle U(−45°, 45°) per image",
    unit: "σ in pixels along the streak",
    identity: 0,
    range: [0, 20],
    grid: [0, 0.5, 1, 2, 3, 4, 6, 8],
    at: (sigma) => (src, dst, _s, rng) =>
      motionBlur(src, dst, Math.ceil(3 * sigma), sigma, rng.uniform(-45, 45)),
  },
  {
    name: "defocus_blur",
    description: "out-of-focus blur: anti-aliased disk kernel",
    unit: "disk radius in pixels",
    identity: 0,
    range: [0, 10],
    grid: [0, 1, 1.5, 2, 2.5, 3, 4, 5],
    at: (radius) => {
      const k = diskKernel(radius);
      return (src, dst) => convolve2d(src, dst, k.weights, k.size);
    },
  },
  {
    name: "rotation",
    description: "rotation about the centre, counter-clockwise, bilinear, black fill",
    unit: "degrees",
    identity: 0,
    range: [-360, 360],
    grid: [0, 15, 30, 45, 60, 90, 120, 150, 180],
    at: (deg) => {
      const m = inverseAffine({ rotateDeg: deg });
      return (src, dst) => warpAffine(src, dst, m);
    },
  },
  {
    name: "downsample",
    description: "area-average down to r×r, then bilinear back up to 28×28",
    unit: "resolution r in pixels (28 = unchanged)",
    identity: 28,
    range: [1, 28],
    grid: [28, 24, 20, 16, 14, 12, 10, 8, 7, 6, 5, 4],
    at: (r) => (src, dst, s) => downUpSample(src, dst, s.tmp, Math.round(r)),
  },
];

const BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

// Frozen so a notebook cannot edit the defaults other callers rely on.
for (const spec of SPECS) Object.freeze(spec.grid);

/** Every sweep factor with its unit, identity level and default grid. */
export const SWEEPS: readonly SweepInfo[] = SPECS.map((
  { name, description, unit, identity, range, grid },
) => ({ name, description, unit, identity, range, grid }));

/** Default level grids per factor, from clean to strongest. */
export const DEFAULT_SWEEPS: Readonly<Record<string, readonly number[]>> = Object.fromEntries(
  SPECS.map((s) => [s.name, s.grid]),
);

/**
 * Applies one sweep factor at one level to `count` images (count × 784 floats in [0, 1]).
 * The identity level returns an unchanged copy. Same (images, factor, level, seed, ids) → same
 * output. Returns `options.out` or a new array.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { applySweep } from "./sweeps.ts";
 * const img = new Float32Array(784); img[14 * 28 + 14] = 1;
 * const blurred = applySweep(img, 1, "gaussian_blur", 1, 0);
 * ok(blurred[14 * 28 + 14] < 0.2);
 * ```
 */
export function applySweep(
  images: Float32Array,
  count: number,
  factor: string,
  level: number,
  seed: number,
  options: BatchOptions = {},
): Float32Array {
  const spec = BY_NAME.get(factor);
  if (!spec) {
    const known = SPECS.map((s) => s.name).join(", ");
    throw new UsageError(`unknown sweep factor "${factor}"; known: ${known}`);
  }
  const [lo, hi] = spec.range;
  if (!Number.isFinite(level) || level < lo || level > hi) {
    throw new UsageError(`${factor} level must be in [${lo}, ${hi}] (${spec.unit}), got ${level}`);
  }
  const transform = level === spec.identity ? null : spec.at(level);
  return mapImages(images, count, seed, hashName(factor), transform, options, "applySweep");
}
