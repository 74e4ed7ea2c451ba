/**
 * Evaluation suites: which conditions (clean, sweep levels, corruption severities) an
 * evaluation runs, built from a catalog of the sweeps and corruptions `src/augment` provides.
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import type { Condition } from "./types.ts";

/** One sweep: a factor, the unit of its levels and the levels (identity level first). */
export interface SweepSpec {
  factor: string;
  unit: string;
  levels: readonly number[];
}

/** The sweeps and corruptions available to a suite. */
export interface ConditionCatalog {
  sweeps: readonly SweepSpec[];
  corruptions: readonly string[];
  /** Corruption severities, 1…5 by the ImageNet-C convention. */
  severities: readonly number[];
}

/**
 * The suite names `kit eval --suite` accepts.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { SUITE_NAMES } from "./suites.ts";
 * strictEqual(SUITE_NAMES.join("|"), "quick|default|full");
 * ```
 */
export const SUITE_NAMES = ["quick", "default", "full"] as const;

/** A suite name. */
export type SuiteName = typeof SUITE_NAMES[number];

/** A resolved suite: its conditions (clean first) and the unit of every sweep factor. */
export interface Suite {
  name: string;
  conditions: Condition[];
  units: Record<string, string>;
  /** Items per test set the suite evaluates unless told otherwise (undefined: all). */
  defaultLimit?: number;
}

/** Sweeps and corruptions the quick suite keeps when the catalog has them. */
const QUICK_SWEEPS = ["gaussian_noise", "gaussian_blur", "rotation"];
const QUICK_CORRUPTIONS = ["shot_noise", "motion_blur", "fog"];

/** First, middle and last level: the shape of a curve at a third of the cost. */
function thinned(levels: readonly number[]): number[] {
  if (levels.length <= 3) return [...levels];
  return [levels[0], levels[Math.floor(levels.length / 2)], levels[levels.length - 1]];
}

/** The levels plus every midpoint, for the full suite's denser curves. */
function densified(levels: readonly number[]): number[] {
  const out: number[] = [];
  levels.forEach((level, i) => {
    if (i > 0) out.push(Number(((levels[i - 1] + level) / 2).toPrecision(12)));
    out.push(level);
  });
  return out;
}

/**
 * Resolves a suite against a catalog. `quick`: three sweeps at three levels and three
 * corruptions at severities 1, 3, 5 on 500 items; `default`: every sweep level and every
 * corruption × severity; `full`: `default` with the midpoints of each sweep grid added.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { resolveSuite } from "./suites.ts";
 * const suite = resolveSuite("quick", {
 *   sweeps: [{ factor: "gaussian_noise", unit: "σ", levels: [0, 0.25, 0.5, 1] }],
 *   corruptions: ["shot_noise"], severities: [1, 2, 3, 4, 5],
 * });
 * strictEqual(suite.conditions.length, 7); // 1 clean + 3 levels + 3 severities
 * ```
 */
export function resolveSuite(name: string, catalog: ConditionCatalog): Suite {
  if (!(SUITE_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--suite must be one of ${SUITE_NAMES.join(", ")}, got '${name}'`);
  }
  const quick = name === "quick";
  const sweeps = quick
    ? catalog.sweeps.filter((s) => QUICK_SWEEPS.includes(s.factor))
    : catalog.sweeps;
  const corruptions = quick
    ? catalog.corruptions.filter((c) => QUICK_CORRUPTIONS.includes(c))
    : catalog.corruptions;
  const severities = quick ? thinned(catalog.severities) : [...catalog.severities];
  const conditions: Condition[] = [{ kind: "clean", factor: "clean", level: 0 }];
  const units: Record<string, string> = {};
  for (const sweep of sweeps) {
    units[sweep.factor] = sweep.unit;
    const levels = quick
      ? thinned(sweep.levels)
      : name === "full"
      ? densified(sweep.levels)
      : [...sweep.levels];
    for (const level of levels) conditions.push({ kind: "sweep", factor: sweep.factor, level });
  }
  for (const corruption of corruptions) {
    for (const level of severities) {
      conditions.push({ kind: "corruption", factor: corruption, level });
    }
  }
  return { name, conditions, units, defaultLimit: quick ? 500 : undefined };
}
