/**
 * The tidy metrics table (`metrics.csv`): one row per model × test set × factor × level × class ×
 * metric, with the interval and n behind every value, for analysis outside the kit. Every row
 * also names the contamination policy applied before scoring and how many of its n items the
 * model trained or validated on; `factor = contamination` rows give each model × test set's
 * overlap (`training_overlap`, n = items checked) and near-duplicate count.
 *
 * @module
 */
import type { EvaluationResult } from "../evaluate/types.ts";
import { scoredOverlap } from "../evaluate/contamination.ts";

/** One row of `metrics.csv`. `class` is "" for whole-test-set metrics. */
export interface TidyRow {
  model: string;
  testSet: string;
  factor: string;
  level: number;
  class: string;
  metric: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
  n: number;
  /** Contamination policy applied before scoring (`exclude`, `refuse`, `report`), "" if none. */
  contamination: string;
  /** Of the n items, how many the model trained or validated on (non-zero only under `report`). */
  overlap: number | null;
}

/**
 * Column names of `metrics.csv`, in order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { TIDY_COLUMNS } from "./tidy.ts";
 * strictEqual(
 *   TIDY_COLUMNS.join(","),
 *   "model,test_set,factor,level,class,metric,value,lower,upper,n,contamination,overlap",
 * );
 * ```
 */
export const TIDY_COLUMNS = [
  "model",
  "test_set",
  "factor",
  "level",
  "class",
  "metric",
  "value",
  "lower",
  "upper",
  "n",
  "contamination",
  "overlap",
] as const;

/**
 * Flattens an evaluation into tidy rows: overall accuracy/misclassification/loss/ECE per
 * condition, per-class precision/recall/F1/misclassification, and corruption summaries.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { tidyMetrics } from "./tidy.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const rows = tidyMetrics(syntheticEvaluation(["a"], [0.1], 50).evaluation);
 * strictEqual(rows[0].metric, "accuracy");
 * ```
 */
export function tidyMetrics(evaluation: EvaluationResult): TidyRow[] {
  const rows: Omit<TidyRow, "contamination" | "overlap">[] = [];
  for (const c of evaluation.conditions) {
    const base = { model: c.model, testSet: c.testSet, factor: c.factor, level: c.level };
    const o = c.overall;
    const add = (
      cls: string,
      metric: string,
      value: number | null,
      n: number,
      ci?: { lower: number; upper: number } | null,
    ) =>
      rows.push({
        ...base,
        class: cls,
        metric,
        value,
        lower: ci?.lower ?? null,
        upper: ci?.upper ?? null,
        n,
      });
    add("", "accuracy", o.accuracy, o.n, o.accuracyCi);
    add("", "misclassification", o.misclassification, o.n, o.misclassificationCi);
    add("", "loss", o.loss, o.n);
    add("", "ece", c.calibration.ece, o.n);
    add("", "macro_f1", c.report.macro.f1, o.n);
    for (const k of c.report.classes) {
      add(k.name, "precision", k.precision, k.predictedCount);
      add(k.name, "recall", k.recall, k.support);
      add(k.name, "f1", k.f1, k.support);
      add(k.name, "misclassification", k.misclassification, k.support, k.misclassificationCi);
    }
  }
  for (const r of evaluation.robustness) {
    const n = evaluation.testSets.find((t) => t.name === r.testSet)?.count ?? 0;
    const base = {
      model: r.model,
      testSet: r.testSet,
      level: 0,
      class: "",
      lower: null,
      upper: null,
      n,
    };
    rows.push({
      ...base,
      factor: "corruption_suite",
      metric: "mean_corruption_error",
      value: r.meanCorruptionError,
    });
    rows.push({ ...base, factor: "corruption_suite", metric: "mCE", value: r.mCE });
    rows.push({
      ...base,
      factor: "corruption_suite",
      metric: "relative_mCE",
      value: r.relativeMCE,
    });
    for (const k of r.corruptions) {
      rows.push({ ...base, factor: k.corruption, metric: "mean_error", value: k.meanError });
      rows.push({ ...base, factor: k.corruption, metric: "ce", value: k.ce });
      rows.push({ ...base, factor: k.corruption, metric: "relative_ce", value: k.relativeCe });
    }
  }
  const check = evaluation.contamination;
  for (const o of check?.overlaps ?? []) {
    const base = { model: o.model, testSet: o.testSet, factor: "contamination", level: 0 };
    const row = { ...base, class: "", lower: null, upper: null, n: o.items };
    rows.push({ ...row, metric: "training_overlap", value: o.checked ? o.overlap : null });
    rows.push({ ...row, metric: "near_duplicates", value: o.nearDuplicates });
  }
  return rows.map((r) => ({
    ...r,
    contamination: check?.policy ?? "",
    overlap: check ? scoredOverlap(check, r.model, r.testSet) : null,
  }));
}

/**
 * One CSV field: empty for null, RFC 4180 quoting where needed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { csvField } from "./tidy.ts";
 * deepStrictEqual([csvField(null), csvField(0.5), csvField('a "b", c')], ["", "0.5", '"a ""b"", c"']);
 * ```
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Tidy rows as CSV text with a header line (RFC 4180 quoting, empty cells for nulls).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { TIDY_COLUMNS, tidyCsv } from "./tidy.ts";
 * strictEqual(tidyCsv([]).trim(), TIDY_COLUMNS.join(",")); // the header only
 * ```
 */
export function tidyCsv(rows: TidyRow[]): string {
  const lines = rows.map((r) =>
    [
      r.model,
      r.testSet,
      r.factor,
      r.level,
      r.class,
      r.metric,
      r.value,
      r.lower,
      r.upper,
      r.n,
      r.contamination,
      r.overlap,
    ].map(csvField).join(",")
  );
  return [TIDY_COLUMNS.join(","), ...lines].join("\n") + "\n";
}
