/**
 * Statistics over training seeds: a model's error measured on several independently trained
 * seeds is a sample of the training distribution, so comparisons count that randomness as well
 * as the sampling of test items (Bouthillier et al., MLSys 2021). Pure functions:
 *
 * - {@link seedSummary}: mean, between-seed SD and a 95% Student-t interval on the mean;
 * - {@link varianceDecomposition}: between-seed variance vs one run's binomial test variance;
 * - {@link welchTest}: Welch's unequal-variance t-test on two sets of per-seed errors;
 * - {@link twoLevelBootstrap}: difference in mean error with a percentile interval and
 *   P(A has lower error than B), resampling seeds of each model and then test items shared by
 *   both;
 * - {@link seedEnsemble}: the averaged-probability ensemble over seeds, with a Wilson interval.
 *
 * @module
 */
import { Random } from "../util/random.ts";
import { decide } from "./metrics.ts";
import { logGamma, wilsonInterval } from "./stats.ts";
import type { Interval } from "./types.ts";

/**
 * The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes
 * §6.4), accurate to ~1e-14 relative.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { regularizedBeta } from "./seed_stats.ts";
 * ok(Math.abs(regularizedBeta(0.5, 2, 2) - 0.5) < 1e-14);
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return front * betaFraction(x, a, b) / a;
  return 1 - front * betaFraction(1 - x, b, a) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/**
 * The CDF of Student's t distribution with `df` degrees of freedom (df may be fractional, as
 * in Welch's test).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studentTCdf } from "./seed_stats.ts";
 * ok(Math.abs(studentTCdf(2.0150483733330233, 5) - 0.95) < 1e-12); // scipy.stats.t.ppf(0.95, 5)
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t distribution: the t with `studentTCdf(t, df) = p` (bisection to
 * machine precision).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studentTQuantile } from "./seed_stats.ts";
 * ok(Math.abs(studentTQuantile(0.975, 2) - 4.302652729749462) < 1e-10); // scipy.stats.t.ppf
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile needs 0 < p < 1, got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Mean and sample variance (n − 1; 0 for one value). Constant samples give exactly their value
 * and 0, where summation would leave rounding dust.
 */
function meanVariance(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  if (values.every((v) => v === values[0])) return { mean: values[0], variance: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, variance };
}

/** Mean, spread and interval of one model's per-seed errors. */
export interface SeedSummary {
  /** Seeds. */
  n: number;
  mean: number;
  /** Between-seed standard deviation (n − 1 denominator); null with one seed. */
  sd: number | null;
  /** 95% Student-t interval on the mean over seeds; null with one seed. */
  ci: Interval | null;
  min: number;
  max: number;
}

/**
 * Mean, between-seed SD (n − 1) and the 95% t-interval mean ± t(0.975, n−1)·sd/√n.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { seedSummary } from "./seed_stats.ts";
 * const s = seedSummary([0.25, 0.25, 0.25]);
 * strictEqual(s.sd, 0);
 * deepStrictEqual(s.ci, { lower: 0.25, upper: 0.25 });
 * ```
 */
export function seedSummary(errors: readonly number[], level = 0.95): SeedSummary {
  const n = errors.length;
  if (n === 0) throw new RangeError("seedSummary needs at least one seed");
  const { mean, variance } = meanVariance(errors);
  const min = Math.min(...errors), max = Math.max(...errors);
  if (n === 1) return { n, mean, sd: null, ci: null, min, max };
  const sd = Math.sqrt(variance);
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * sd / Math.sqrt(n);
  return { n, mean, sd, ci: { lower: mean - half, upper: mean + half }, min, max };
}

/**
 * A summary's t-interval cut to [0, 1], for showing rates (the symmetric t-interval of a few
 * seeds can reach below 0 or above 1); null without one.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { rateInterval, seedSummary } from "./seed_stats.ts";
 * deepStrictEqual(rateInterval(seedSummary([0.01, 0.2]))?.lower, 0);
 * ```
 */
export function rateInterval(summary: SeedSummary): Interval | null {
  return summary.ci
    ? { lower: Math.max(0, summary.ci.lower), upper: Math.min(1, summary.ci.upper) }
    : null;
}

/** Where the variance of one run's measured error comes from. */
export interface VarianceDecomposition {
  /** Sample variance of the error across seeds (training randomness; same test items). */
  betweenSeed: number;
  /** Binomial variance e(1 − e)/n of one run's error over its n test items, mean over seeds. */
  testSampling: number;
  /** betweenSeed / (betweenSeed + testSampling): the share due to training randomness. */
  seedShare: number | null;
}

/**
 * Splits the variance of a single run's error into the part between training seeds and the
 * binomial part from sampling `items` test items.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { varianceDecomposition } from "./seed_stats.ts";
 * const d = varianceDecomposition([0.1, 0.1, 0.1], 100);
 * strictEqual(d.betweenSeed, 0);
 * strictEqual(d.seedShare, 0);
 * ```
 */
export function varianceDecomposition(
  errors: readonly number[],
  items: number,
): VarianceDecomposition {
  const n = errors.length;
  const betweenSeed = meanVariance(errors).variance;
  const testSampling = errors.reduce((a, e) => a + e * (1 - e) / items, 0) / n;
  const total = betweenSeed + testSampling;
  return { betweenSeed, testSampling, seedShare: total > 0 ? betweenSeed / total : null };
}

/** Welch's two-sample t-test. */
export interface WelchResult {
  /** mean(a) − mean(b). */
  difference: number;
  /** t statistic; null when both samples have zero variance (or one seed each). */
  t: number | null;
  /** Welch–Satterthwaite degrees of freedom; null like `t`. */
  df: number | null;
  /** Two-sided p-value; null like `t`. */
  p: number | null;
}

/**
 * Welch's unequal-variance t-test of mean(a) = mean(b) (as `scipy.stats.ttest_ind(a, b,
 * equal_var=False)`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { welchTest } from "./seed_stats.ts";
 * const r = welchTest([0.011, 0.012, 0.013], [0.02, 0.022, 0.021]);
 * ok(r.p !== null && r.p < 0.01);
 * ```
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchResult {
  const sa = meanVariance(a), sb = meanVariance(b);
  const difference = sa.mean - sb.mean;
  if (a.length < 2 || b.length < 2) return { difference, t: null, df: null, p: null };
  const va = sa.variance / a.length, vb = sb.variance / b.length;
  const se2 = va + vb;
  if (!(se2 > 0)) return { difference, t: null, df: null, p: null };
  const t = difference / Math.sqrt(se2);
  const df = se2 * se2 / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  return { difference, t, df, p };
}

/** One model's per-item mistakes on a test set, for every seed. */
export interface SeedErrors {
  /** Model name (seeds the model's own resampling stream, so swapping A and B mirrors P). */
  name: string;
  /** `wrong[s][i]` = 1 when seed s misclassified item i, else 0; every seed has the same items. */
  wrong: readonly Uint8Array[];
}

/** Options of {@link twoLevelBootstrap}. */
export interface BootstrapOptions {
  /** Replicates (default 2000). */
  replicates?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

/** Result of {@link twoLevelBootstrap}. */
export interface BootstrapComparison {
  /** Mean error of A minus mean error of B (over seeds and items). */
  difference: number;
  /** Percentile interval of the difference. */
  ci: Interval;
  /** Share of replicates where A's error is below B's (ties count half). */
  pBetter: number;
  /** Standard deviation of the replicated differences. */
  se: number;
  replicates: number;
  /** Monte-Carlo standard error of `pBetter`: √(p(1 − p)/replicates). */
  monteCarloSe: number;
}

/**
 * FNV-1a hash of a string (from basis `h`), to derive resampling streams from names and scopes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { hashString } from "./seed_stats.ts";
 * strictEqual(hashString("a"), 0xe40c292c);
 * ```
 */
export function hashString(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Linear-interpolation quantile of sorted values (NumPy's default method). */
function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The two-level paired bootstrap of the difference in mean error between models A and B: each
 * replicate draws seeds of A and seeds of B with replacement (training randomness), then test
 * items with replacement, shared by both models (test sampling, paired), and compares the mean
 * errors over the drawn seeds and items. The item draws depend only on the seed, each model's
 * seed draws on the seed and its own name, so `twoLevelBootstrap(b, a)` gives exactly the
 * mirrored result (1 − P, the negated interval). See {@link bootstrapPairs} for many models.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { twoLevelBootstrap } from "./seed_stats.ts";
 * const wrong = (rate: number, seed: number) =>
 *   Uint8Array.from({ length: 400 }, (_, i) => ((i * 7919 + seed * 104729) % 1000) < rate * 1000 ? 1 : 0);
 * const a = { name: "a", wrong: [wrong(0.02, 1), wrong(0.03, 2), wrong(0.02, 3)] };
 * const b = { name: "b", wrong: [wrong(0.10, 1), wrong(0.12, 2), wrong(0.11, 3)] };
 * const ab = twoLevelBootstrap(a, b, { replicates: 500, seed: 1 });
 * ok(ab.pBetter > 0.99);
 * const ba = twoLevelBootstrap(b, a, { replicates: 500, seed: 1 });
 * ok(Math.abs(ba.pBetter - (1 - ab.pBetter)) < 1e-15);
 * strictEqual(ba.difference, -ab.difference);
 * ```
 */
export function twoLevelBootstrap(
  a: SeedErrors,
  b: SeedErrors,
  options: BootstrapOptions = {},
): BootstrapComparison {
  return bootstrapPairs([a, b], options)[0][1]!;
}

/**
 * {@link twoLevelBootstrap} for every pair of several models on the same items at once: each
 * replicate draws the test items once and each model's seeds once, so the cost is one
 * replicate's item draws plus each seed's mistakes, whatever the number of pairs. Returns
 * `result[i][j]` for A = model i, B = model j (null on the diagonal); `result[j][i]` mirrors
 * `result[i][j]`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { bootstrapPairs } from "./seed_stats.ts";
 * const seeds = (rate: number) => [1, 2].map((s) =>
 *   Uint8Array.from({ length: 300 }, (_, i) => ((i * 31 + s * 17) % 100) < rate * 100 ? 1 : 0));
 * const m = bootstrapPairs([{ name: "a", wrong: seeds(0.05) }, { name: "b", wrong: seeds(0.2) },
 *   { name: "c", wrong: seeds(0.1) }], { replicates: 300 });
 * ok(m[0][1]!.pBetter > 0.99 && m[1][0]!.pBetter < 0.01 && m[2][2] === null);
 * ```
 */
export function bootstrapPairs(
  models: readonly SeedErrors[],
  options: BootstrapOptions = {},
): (BootstrapComparison | null)[][] {
  const replicates = options.replicates ?? 2000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  const n = models[0]?.wrong[0]?.length ?? 0;
  for (const m of models) {
    if (m.wrong.length === 0) throw new RangeError(`model ${m.name} has no seeds`);
    for (const w of m.wrong) {
      if (w.length !== n) throw new RangeError("every seed of every model needs the same items");
    }
  }
  if (n === 0) throw new RangeError("the bootstrap needs at least one item");
  const seedHash = hashString(String(seed));
  const itemRng = new Random(seedHash);
  const seedRngs = models.map((m) => new Random(hashString(m.name, seedHash ^ 0x9e3779b9)));
  // A seed's weighted mistakes are a sum of item weights over its mistakes, or (weights summing
  // to n) n minus the sum over its correct items, whichever list is shorter.
  const lists = models.map((m) =>
    m.wrong.map((w) => {
      let wrongCount = 0;
      for (let i = 0; i < n; i++) wrongCount += w[i];
      const complement = wrongCount > n / 2;
      const idx = new Uint32Array(complement ? n - wrongCount : wrongCount);
      for (let i = 0, k = 0; i < n; i++) if ((w[i] === 1) !== complement) idx[k++] = i;
      return { idx, complement, wrongCount };
    })
  );
  const pointErrors = lists.map((seeds) =>
    seeds.reduce((sum, s) => sum + s.wrongCount, 0) / (seeds.length * n)
  );
  const weights = new Uint32Array(n);
  const perSeed = lists.map((seeds) => new Float64Array(seeds.length));
  const errors = new Float64Array(models.length);
  const pairs: [number, number, Float64Array][] = [];
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) pairs.push([i, j, new Float64Array(replicates)]);
  }
  for (let r = 0; r < replicates; r++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[itemRng.int(n)]++;
    for (let m = 0; m < models.length; m++) {
      const seeds = lists[m];
      for (let s = 0; s < seeds.length; s++) {
        const { idx, complement } = seeds[s];
        let sum = 0;
        for (let k = 0; k < idx.length; k++) sum += weights[idx[k]];
        perSeed[m][s] = complement ? n - sum : sum;
      }
      let total = 0;
      for (let k = 0; k < seeds.length; k++) total += perSeed[m][seedRngs[m].int(seeds.length)];
      errors[m] = total / (seeds.length * n);
    }
    for (const [i, j, diffs] of pairs) diffs[r] = errors[i] - errors[j];
  }
  const result: (BootstrapComparison | null)[][] = models.map(() => models.map(() => null));
  const tail = (1 - level) / 2;
  for (const [i, j, diffs] of pairs) {
    let below = 0, sum = 0;
    for (const d of diffs) {
      if (d < 0) below += 1;
      else if (d === 0) below += 0.5;
      sum += d;
    }
    const mean = sum / replicates;
    let squares = 0;
    for (const d of diffs) squares += (d - mean) ** 2;
    const se = Math.sqrt(squares / Math.max(1, replicates - 1));
    const sorted = diffs.slice().sort();
    const difference = pointErrors[i] - pointErrors[j];
    const pBetter = below / replicates;
    const lower = sortedQuantile(sorted, tail), upper = sortedQuantile(sorted, 1 - tail);
    const mcse = (p: number) => Math.sqrt(p * (1 - p) / replicates);
    result[i][j] = {
      difference,
      ci: { lower, upper },
      pBetter,
      se,
      replicates,
      monteCarloSe: mcse(pBetter),
    };
    const pWorse = (replicates - below) / replicates;
    result[j][i] = {
      difference: -difference,
      ci: { lower: -upper, upper: -lower },
      pBetter: pWorse,
      se,
      replicates,
      monteCarloSe: mcse(pWorse),
    };
  }
  return result;
}

/** The averaged-probability ensemble of a model's seeds. */
export interface SeedEnsemble {
  /** Seeds averaged. */
  seeds: number;
  n: number;
  wrong: number;
  error: number;
  /** 95% Wilson interval on the ensemble's error. */
  ci: Interval | null;
}

/**
 * Averages the class probabilities of every seed (`probabilities[s]`: n × classCount) and
 * scores the arg-max against `labels`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { seedEnsemble } from "./seed_stats.ts";
 * // Two seeds disagree on item 0; their average picks class 1 (0.55 vs 0.45).
 * const p1 = new Float32Array([0.9, 0.1, 0, 1]), p2 = new Float32Array([0, 1, 0, 1]);
 * const e = seedEnsemble([p1, p2], new Uint8Array([1, 1]), 2);
 * strictEqual(e.wrong, 0);
 * ```
 */
export function seedEnsemble(
  probabilities: readonly Float32Array[],
  labels: Uint8Array,
  classCount: number,
): SeedEnsemble {
  const n = labels.length;
  const mean = new Float32Array(n * classCount);
  for (const p of probabilities) {
    if (p.length !== mean.length) throw new RangeError("every seed needs n × classCount values");
    for (let i = 0; i < mean.length; i++) mean[i] += p[i] / probabilities.length;
  }
  const { predicted } = decide(mean, n, classCount);
  let wrong = 0;
  for (let i = 0; i < n; i++) if (predicted[i] !== labels[i]) wrong++;
  return {
    seeds: probabilities.length,
    n,
    wrong,
    error: n ? wrong / n : 0,
    ci: wilsonInterval(wrong, n),
  };
}
