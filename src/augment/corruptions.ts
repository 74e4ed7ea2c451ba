/**
 * The MNIST-C corruption suite (Mu & Gilmer 2019) at five severities each, as data and as a
 * seeded, deterministic batch function.
 *
 * Severity follows the ImageNet-C convention (1 = mildest … 5 = strongest; 0 = clean). For each
 * corruption, the severity named by `mnistcSeverity` (3 unless noted) uses exactly the parameter
 * of the published MNIST-C dataset; the other levels bracket it.
 *
 * Determinism: item n draws its randomness from (seed, corruption name, id of item n) and not
 * from the severity, so (a) a subset with its ids corrupts exactly like those items of the full
 * set, and (b) one item sees the same random draws (rotation direction, line position, noise
 * pattern where the parameters allow) at every severity, which keeps severity curves smooth.
 *
 * @module
 */

import { UsageError } from "../util/errors.ts";
import type { Random } from "../util/random.ts";
import { type BatchOptions, type ImageScratch, mapImages } from "./batch.ts";
import { cannyEdges } from "./canny.ts";
import { fog, glassBlur, spatter, type SpatterParams, stripe } from "./corruption_effects.ts";
import { motionBlur } from "./filters.ts";
import { addSaltPepper, addShotNoise } from "./noise.ts";
import { hashName } from "./seeding.ts";
import { addDottedLine, addZigzag } from "./strokes.ts";
import { type InverseAffine, warpAffine } from "./warp.ts";

/** Parameters of one severity level: named numbers. */
export type SeverityParams = Readonly<Record<string, number>>;

/** A documented corruption: what it does and its parameters at severities 1..5. */
export interface CorruptionInfo {
  /** MNIST-C's name, e.g. `glass_blur`. */
  name: string;
  description: string;
  /** What the parameters mean. */
  parameters: string;
  /** Parameters at severities 1..5 (index 0 = severity 1). */
  severities: readonly SeverityParams[];
  /** The severity whose parameters equal the published MNIST-C dataset's. */
  mnistcSeverity: number;
}

type Apply = (
  src: Float32Array,
  dst: Float32Array,
  s: ImageScratch,
  rng: Random,
  p: SeverityParams,
) => void;

interface CorruptionSpec extends CorruptionInfo {
  apply: Apply;
}

const sign = (rng: Random) => (rng.next() < 0.5 ? -1 : 1);
const warp = (m: Partial<InverseAffine>): Apply => (src, dst) =>
  warpAffine(src, dst, { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0, ...m });
const copyThen =
  (f: (img: Float32Array, rng: Random, p: SeverityParams) => void): Apply =>
  (src, dst, _s, rng, p) => {
    f(src, rng, p);
    dst.set(src);
  };
const levels = <K extends string>(key: K, values: number[]) => values.map((v) => ({ [key]: v }));

/** Stroke corruptions: MNIST-C draws one full-intensity stroke; milder levels fade it. */
function strokes(
  name: string,
  description: string,
  draw: (img: Float32Array, rng: Random, intensity: number) => void,
): CorruptionSpec {
  return {
    name,
    description,
    parameters: "lines: how many; intensity: stroke brightness",
    severities: [
      { lines: 1, intensity: 0.5 },
      { lines: 1, intensity: 0.75 },
      { lines: 1, intensity: 1 },
      { lines: 2, intensity: 1 },
      { lines: 3, intensity: 1 },
    ],
    mnistcSeverity: 3,
    apply: copyThen((img, rng, p) => {
      for (let k = 0; k < p.lines; k++) draw(img, rng, p.intensity);
    }),
  };
}

const SPECS: CorruptionSpec[] = [
  {
    name: "shot_noise",
    description: "Poisson photon noise: x → Poisson(x·photons)/photons",
    parameters: "photons: expected photon count at full intensity (fewer = noisier)",
    severities: levels("photons", [12, 6, 3, 2, 1]),
    mnistcSeverity: 3,
    apply: copyThen((img, rng, p) => addShotNoise(img, p.photons, rng)),
  },
  {
    name: "impulse_noise",
    description: "salt-and-pepper: a fraction of pixels set to 0 or 1",
    parameters: "amount: fraction of pixels replaced",
    severities: levels("amount", [0.05, 0.1, 0.17, 0.27, 0.4]),
    mnistcSeverity: 3,
    apply: copyThen((img, rng, p) => addSaltPepper(img, p.amount, rng)),
  },
  {
    name: "glass_blur",
    description: "blur, local random pixel swaps, blur again (frosted glass)",
    parameters: "sigma: blur σ px; delta: max swap distance px; iterations: swap sweeps",
    severities: [
      { sigma: 0.5, delta: 1, iterations: 1 },
      { sigma: 0.6, delta: 1, iterations: 2 },
      { sigma: 0.7, delta: 1, iterations: 2 },
      { sigma: 0.9, delta: 2, iterations: 1 },
      { sigma: 1, delta: 2, iterations: 3 },
    ],
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => glassBlur(src, dst, s.tmp, rng, p.sigma, p.delta, p.iterations),
  },
  {
    name: "motion_blur",
    description: "one-sided Gaussian streak (ImageMagick motion blur), angle U(−45°, 45°)",
    parameters: "radius: streak half-length px; sigma: Gaussian σ px along the streak",
    severities: [
      { radius: 6, sigma: 1.5 },
      { radius: 8, sigma: 2 },
      { radius: 10, sigma: 3 },
      { radius: 15, sigma: 5 },
      { radius: 15, sigma: 8 },
    ],
    mnistcSeverity: 3,
    apply: (src, dst, _s, rng, p) => motionBlur(src, dst, p.radius, p.sigma, rng.uniform(-45, 45)),
  },
  {
    name: "shear",
    description: "horizontal shear about the centre, random direction",
    parameters: "radians: shear angle (sign drawn per image)",
    severities: levels("radians", [0.2, 0.3, 0.4, 0.6, 0.8]),
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => {
      const c = sign(rng) * p.radians;
      warp({ b: -Math.sin(c), d: Math.cos(c) })(src, dst, s, rng, p);
    },
  },
  {
    name: "scale",
    description: "shrinks the digit about the centre",
    parameters: "zoom: output size relative to the input (MNIST-C scale = 1/zoom)",
    severities: levels("zoom", [0.9, 0.8, 0.7, 0.6, 0.5]),
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => warp({ a: 1 / p.zoom, d: 1 / p.zoom })(src, dst, s, rng, p),
  },
  {
    name: "rotate",
    description: "rotation about the centre, random direction",
    parameters: "radians: rotation angle (sign drawn per image; 0.4 rad ≈ 23°)",
    severities: levels("radians", [0.2, 0.3, 0.4, 0.6, 0.8]),
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => {
      const c = sign(rng) * p.radians, cos = Math.cos(c), sin = Math.sin(c);
      warp({ a: cos, b: -sin, c: sin, d: cos })(src, dst, s, rng, p);
    },
  },
  {
    name: "brightness",
    description: "adds a constant to every pixel (HSV value shift of a grey image)",
    parameters: "shift: added intensity",
    severities: levels("shift", [0.2, 0.35, 0.5, 0.65, 0.8]),
    mnistcSeverity: 3,
    apply: (src, dst, _s, _rng, p) => {
      for (let i = 0; i < src.length; i++) dst[i] = src[i] + p.shift;
    },
  },
  {
    name: "translate",
    description: "shift by ±pixels on both axes, random signs",
    parameters: "pixels: shift per axis",
    severities: levels("pixels", [1, 2, 3, 4, 5]),
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => {
      const tx = sign(rng) * p.pixels, ty = sign(rng) * p.pixels;
      warp({ tx, ty })(src, dst, s, rng, p);
    },
  },
  {
    name: "stripe",
    description: "inverts a band of columns at the left and right edges",
    parameters: "width: inverted columns on each side",
    severities: levels("width", [3, 5, 7, 9, 11]),
    mnistcSeverity: 3,
    apply: (src, dst, _s, _rng, p) => stripe(src, dst, p.width),
  },
  {
    name: "fog",
    description: "plasma-fractal cloud added, digit dimmed to keep contrast ratio",
    parameters: "strength: fog amount; decay: roughness (lower = rougher)",
    severities: [
      { strength: 1.5, decay: 2 },
      { strength: 2, decay: 1.7 },
      { strength: 3, decay: 1.4 },
      { strength: 3.5, decay: 1.3 },
      { strength: 4, decay: 1.2 },
    ],
    mnistcSeverity: 3,
    apply: (src, dst, _s, rng, p) => fog(src, dst, rng, p.strength, p.decay),
  },
  {
    name: "spatter",
    description: "grey mud blobs from thresholded smoothed noise painted over the digit",
    parameters: "threshold: liquid level that turns to mud (lower = more mud); " +
      "liquid N(0.65, 0.3²) blurred σ = 1, mask blurred σ = 1.5",
    severities: levels("threshold", [0.69, 0.67, 0.65, 0.62, 0.59]),
    mnistcSeverity: 3,
    apply: (src, dst, s, rng, p) => {
      const params: SpatterParams = {
        loc: 0.65,
        scale: 0.3,
        sigma: 1,
        threshold: p.threshold,
        maskSigma: 1.5,
      };
      spatter(src, dst, s.tmp, s.tmp2, rng, params);
    },
  },
  strokes("dotted_line", "dashed line(s) across the image between random heights", addDottedLine),
  strokes(
    "zigzag",
    "zigzag line(s) across the image at random heights and slight tilts",
    addZigzag,
  ),
  {
    name: "canny_edges",
    description: "Canny edge map (σ = 1, thresholds 0.1/0.2) blended with the digit",
    parameters: "mix: weight of the edge map (1 = edges only, MNIST-C)",
    severities: levels("mix", [0.2, 0.4, 0.6, 0.8, 1]),
    mnistcSeverity: 5,
    apply: (src, dst, s, _rng, p) => {
      cannyEdges(src, s.tmp2, s.tmp);
      for (let i = 0; i < src.length; i++) dst[i] = (1 - p.mix) * src[i] + p.mix * s.tmp2[i];
    },
  },
];

const BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

// Frozen so a notebook cannot change what `corrupt` does by editing the published table.
for (const spec of SPECS) Object.freeze(spec.severities).forEach((p) => Object.freeze(p));

/** Every corruption with its description and parameters per severity (for tables and reports). */
export const CORRUPTIONS: readonly CorruptionInfo[] = SPECS.map((
  { name, description, parameters, severities, mnistcSeverity },
) => ({ name, description, parameters, severities, mnistcSeverity }));

/** Names of the corruptions, in MNIST-C's order. */
export const CORRUPTION_NAMES: readonly string[] = SPECS.map((s) => s.name);

/**
 * Corrupts `count` images (count × 784 floats in [0, 1]) with the named corruption at severity
 * 0..5 (0 = unchanged copy). Same (images, name, severity, seed, ids) → same output. Returns
 * `options.out` or a new array.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { corrupt } from "./corruptions.ts";
 * const clean = new Float32Array(2 * 784).fill(0.2);
 * const noisy = corrupt(clean, 2, "impulse_noise", 3, 42);
 * strictEqual(noisy.length, 1568); ok(noisy.some((v) => v === 1));
 * ```
 */
export function corrupt(
  images: Float32Array,
  count: number,
  name: string,
  severity: number,
  seed: number,
  options: BatchOptions = {},
): Float32Array {
  const spec = BY_NAME.get(name);
  if (!spec) {
    throw new UsageError(`unknown corruption "${name}"; known: ${CORRUPTION_NAMES.join(", ")}`);
  }
  if (!Number.isInteger(severity) || severity < 0 || severity > 5) {
    throw new UsageError(`corruption severity must be an integer 0..5, got ${severity}`);
  }
  const params = severity === 0 ? undefined : spec.severities[severity - 1];
  const transform = params
    ? (src: Float32Array, dst: Float32Array, s: ImageScratch, rng: Random) =>
      spec.apply(src, dst, s, rng, params)
    : null;
  return mapImages(images, count, seed, hashName(name), transform, options, "corrupt");
}

/** One printable row of the corruption table. */
export interface CorruptionRow {
  name: string;
  description: string;
  parameters: string;
  /** "severity 3" etc. */
  mnistc: string;
  /** Parameters at severities 1..5 as text, e.g. "sigma 0.7, delta 1, iterations 2". */
  severity1: string;
  severity2: string;
  severity3: string;
  severity4: string;
  severity5: string;
}

/**
 * The corruption table for reports: one row per corruption, parameters per severity as text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionTable } from "./corruptions.ts";
 * const row = corruptionTable().find((r) => r.name === "translate")!;
 * strictEqual(row.severity3, "pixels 3");
 * ```
 */
export function corruptionTable(): CorruptionRow[] {
  const text = (p: SeverityParams) => Object.entries(p).map(([k, v]) => `${k} ${v}`).join(", ");
  return CORRUPTIONS.map((c) => ({
    name: c.name,
    description: c.description,
    parameters: c.parameters,
    mnistc: `severity ${c.mnistcSeverity}`,
    severity1: text(c.severities[0]),
    severity2: text(c.severities[1]),
    severity3: text(c.severities[2]),
    severity4: text(c.severities[3]),
    severity5: text(c.severities[4]),
  }));
}
