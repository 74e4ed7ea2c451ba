/**
 * Per-class misclassification rate with 95% Wilson error bars, several models side by side.
 *
 * @module
 */
import type { ConditionResult } from "../evaluate/types.ts";
import { modelColorScale } from "./palette.ts";
import { chart, rateTooltip, round, type VegaLiteSpec } from "./spec.ts";

/** One bar of the per-class chart: a model's misclassification of one true class. */
export interface PerClassErrorRow {
  model: string;
  class: string;
  rate: number;
  lower: number;
  upper: number;
  n: number;
  wrong: number;
}

/**
 * Misclassified items of one class: its support less the recalled ones.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { classErrors } from "./per_class.ts";
 * strictEqual(classErrors({ support: 20, recall: 0.85 }), 3);
 * ```
 */
export function classErrors(c: { support: number; recall: number }): number {
  return c.support - Math.round(c.recall * c.support);
}

/**
 * Tidy rows behind {@link perClassErrorSpec}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { perClassErrorRows } from "./per_class.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 50);
 * strictEqual(perClassErrorRows(evaluation.conditions.slice(0, 1)).length, 10);
 * ```
 */
export function perClassErrorRows(results: ConditionResult[]): PerClassErrorRow[] {
  return results.flatMap((r) =>
    r.report.classes.filter((c) => c.misclassification !== null).map((c) => ({
      model: r.model,
      class: c.name,
      rate: round(c.misclassification!, 5),
      lower: round(c.misclassificationCi!.lower, 5),
      upper: round(c.misclassificationCi!.upper, 5),
      n: c.support,
      wrong: classErrors(c),
    }))
  );
}

/**
 * Grouped bars of misclassification per true class (one bar per model) with Wilson intervals.
 * Pass each model's result for the same test set and condition (usually clean).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { perClassErrorSpec } from "./per_class.ts";
 * strictEqual(perClassErrorSpec([], ["mlp"]).$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function perClassErrorSpec(
  results: ConditionResult[],
  models: readonly string[] = results.map((r) => r.model),
): VegaLiteSpec {
  const testSet = results[0]?.testSet ?? "";
  const x = { field: "class", type: "nominal", title: "true class", axis: { labelAngle: 0 } };
  const y = {
    field: "rate",
    type: "quantitative",
    title: "misclassification rate (%)",
    axis: { format: ".1%" },
  };
  const color = { field: "model", type: "nominal", title: "model", scale: modelColorScale(models) };
  const tooltip = [
    { field: "model" },
    { field: "class", title: "true class" },
    ...rateTooltip(),
    { field: "wrong", type: "quantitative", title: "misclassified" },
    { field: "n", type: "quantitative", title: "n" },
  ];
  return chart(`Misclassification per class (${testSet})`, {
    description: "Per-class misclassification rate with 95% Wilson intervals",
    data: { values: perClassErrorRows(results) },
    width: Math.max(360, 10 * 14 * Math.max(1, models.length)),
    height: 240,
    encoding: { x, xOffset: { field: "model", type: "nominal", sort: [...models] } },
    layer: [
      { mark: "bar", encoding: { y, color, tooltip } },
      {
        mark: { type: "rule", color: "#333" },
        encoding: { y: { field: "lower", type: "quantitative" }, y2: { field: "upper" }, tooltip },
      },
    ],
  }, "error bars: 95% Wilson score intervals");
}
