/**
 * Interval estimates and tests on proportions: Wilson score intervals, exact and mid-p McNemar
 * tests, Holm's step-down adjustment, and Newcombe's interval for a difference of paired
 * proportions. Pure functions over counts.
 *
 * @module
 */
import type { Interval } from "./types.ts";

/**
 * Two-sided 95% standard-normal quantile, as `scipy.stats.norm.ppf(0.975)`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Z95 } from "./stats.ts";
 * strictEqual(Z95.toFixed(2), "1.96");
 * ```
 */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `n` (Wilson 1927); the same numbers as
 * `statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")`. Returns null for
 * n = 0, where no interval exists.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { wilsonInterval } from "./stats.ts";
 * const ci = wilsonInterval(8, 10)!;
 * strictEqual(ci.lower.toFixed(4), "0.4902");
 * strictEqual(ci.upper.toFixed(4), "0.9433");
 * ```
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

/**
 * ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { logGamma } from "./stats.ts";
 * strictEqual(Math.exp(logGamma(5)).toFixed(9), "24.000000000"); // = 4!
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≤ k) and P(X = k) for X ~ Binomial(n, ½) with k ≤ n/2, summed relative to the largest
 * term so that n in the tens of thousands neither underflows nor loses precision.
 */
function halfBinomialLowerTail(k: number, n: number): { cdf: number; pmf: number } {
  if (n <= 1000) {
    // 2^−n is exact and the upward recurrence stays in range: exact for small tables.
    let pmf = 2 ** -n;
    let cdf = pmf;
    for (let i = 0; i < k; i++) {
      pmf *= (n - i) / (i + 1);
      cdf += pmf;
    }
    return { cdf, pmf };
  }
  const logPmf = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) - n * Math.LN2;
  let term = 1;
  let sum = 1;
  for (let i = k; i > 0; i--) {
    term *= i / (n - i + 1); // pmf(i−1) / pmf(i)
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  const pmf = Math.exp(logPmf);
  return { cdf: pmf * sum, pmf };
}

/** Exact and mid-p McNemar p-values for the discordant counts `b` and `c`. */
export interface McNemarResult {
  /** Discordant pairs b + c. */
  discordant: number;
  /** Exact conditional test: min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½). */
  pExact: number;
  /** Mid-p: 2·P(X ≤ min(b,c)) − P(X = min(b,c)) (Fagerland, Lydersen & Laake 2013). */
  pMid: number;
}

/**
 * McNemar's test on a paired 2×2 table from its discordant cells: `b` items only the first
 * classifier gets wrong, `c` items only the second gets wrong. The exact p equals
 * `statsmodels.stats.contingency_tables.mcnemar(table, exact=True).pvalue`. Without discordant
 * pairs both p-values are 1.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { mcnemar } from "./stats.ts";
 * const r = mcnemar(2, 10);
 * strictEqual(r.pExact.toFixed(4), "0.0386"); strictEqual(r.pMid.toFixed(4), "0.0225");
 * ```
 */
export function mcnemar(b: number, c: number): McNemarResult {
  const n = b + c;
  if (n === 0) return { discordant: 0, pExact: 1, pMid: 1 };
  const k = Math.min(b, c);
  const { cdf, pmf } = halfBinomialLowerTail(k, n);
  return {
    discordant: n,
    pExact: Math.min(1, 2 * cdf),
    pMid: Math.min(1, Math.max(0, 2 * cdf - pmf)),
  };
}

/**
 * Holm's (1979) step-down adjustment of a family of p-values, in the input order; the same
 * numbers as `statsmodels.stats.multitest.multipletests(p, method="holm")[1]`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { holm } from "./stats.ts";
 * deepStrictEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
 * ```
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return adjusted;
}

/** A paired 2×2 table of two classifiers' errors on the same items. */
export interface PairedErrorTable {
  /** Items both classify correctly. */
  bothCorrect: number;
  /** Items only classifier A misclassifies. */
  onlyAWrong: number;
  /** Items only classifier B misclassifies. */
  onlyBWrong: number;
  /** Items both misclassify. */
  bothWrong: number;
}

/**
 * 95% interval on errorA − errorB for paired items: Newcombe's (1998) method 10, which combines
 * the Wilson intervals of the two error rates with the correlation φ of the paired table (ad − bc
 * shrunk by n/2 when positive, as in the paper; its Table II examples are in the tests). It
 * stays inside [−1, 1], behaves at 0 discordant pairs and at error rates near 0 (where a Wald
 * interval collapses), and needs no iteration. Returns null for an empty table.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { pairedDifferenceInterval } from "./stats.ts";
 * const ci = pairedDifferenceInterval({ bothCorrect: 80, onlyAWrong: 10, onlyBWrong: 4, bothWrong: 6 });
 * ok(ci !== null && ci.lower < 0.06 && 0.06 < ci.upper); // 0.06 = (16 − 10) / 100
 * ```
 */
export function pairedDifferenceInterval(table: PairedErrorTable, z = Z95): Interval | null {
  const { bothCorrect: d, onlyAWrong: b, onlyBWrong: c, bothWrong: a } = table;
  const n = a + b + c + d;
  if (n === 0) return null;
  const errorsA = a + b, errorsB = a + c;
  const p1 = errorsA / n, p2 = errorsB / n;
  const w1 = wilsonInterval(errorsA, n, z)!, w2 = wilsonInterval(errorsB, n, z)!;
  const marginProduct = (a + b) * (c + d) * (a + c) * (b + d);
  // Newcombe's φ: a positive ad − bc is shrunk by n/2 (towards independence), never below 0.
  const association = a * d - b * c;
  const shrunk = association > n / 2 ? association - n / 2 : Math.min(association, 0);
  const phi = marginProduct === 0 ? 0 : shrunk / Math.sqrt(marginProduct);
  const dl1 = p1 - w1.lower, du1 = w1.upper - p1;
  const dl2 = p2 - w2.lower, du2 = w2.upper - p2;
  const below = Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const above = Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  const difference = p1 - p2;
  return { lower: Math.max(-1, difference - below), upper: Math.min(1, difference + above) };
}
