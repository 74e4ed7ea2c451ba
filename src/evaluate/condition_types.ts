/**
 * The vocabulary every evaluation result shares: conditions and intervals (a leaf module that
 * `types.ts` and `comparison_types.ts` both build on and re-export).
 *
 * @module
 */

/** A two-sided confidence interval (95% unless stated). */
export interface Interval {
  lower: number;
  upper: number;
}

/** What a condition is: the untouched images, one level of a sweep, or a corruption severity. */
export type ConditionKind = "clean" | "sweep" | "corruption";

/**
 * One evaluation condition. `factor` is `"clean"` for the untouched images, else the sweep or
 * corruption name; `level` is the sweep value (σ in pixels, degrees, resolution…) or the
 * corruption severity 1…5. `clean` has level 0.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { Condition } from "./condition_types.ts";
 * const blur: Condition = { kind: "sweep", factor: "gaussian_blur", level: 1.5 };
 * strictEqual(blur.kind, "sweep");
 * ```
 */
export interface Condition {
  kind: ConditionKind;
  factor: string;
  level: number;
}
