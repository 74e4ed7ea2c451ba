/**
 * Reliability diagram: accuracy against mean top-class confidence per confidence bin, one line
 * per model, with the diagonal of perfect calibration.
 *
 * @module
 */
import type { ConditionResult } from "../evaluate/types.ts";
import { modelColorScale } from "./palette.ts";
import { chart, round, type VegaLiteSpec } from "./spec.ts";

/** One reliability bin of one model: mean confidence against accuracy, with the model's ECE. */
export interface ReliabilityRow {
  model: string;
  confidence: number;
  accuracy: number;
  bin: string;
  n: number;
  ece: number;
}

/**
 * Tidy rows behind {@link reliabilitySpec} (empty bins are left out).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { reliabilityRows } from "./reliability.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 50);
 * strictEqual(reliabilityRows(evaluation.conditions.slice(0, 1))[0].model, "a");
 * ```
 */
export function reliabilityRows(results: ConditionResult[]): ReliabilityRow[] {
  return results.flatMap((r) =>
    r.calibration.reliability.filter((b) => b.count > 0).map((b) => ({
      model: r.model,
      confidence: round(b.meanConfidence!, 5),
      accuracy: round(b.accuracy!, 5),
      bin: `${b.lower.toFixed(2)}–${b.upper.toFixed(2)}`,
      n: b.count,
      ece: round(r.calibration.ece, 5),
    }))
  );
}

/**
 * Reliability diagram for several models on the same test set and condition.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { reliabilitySpec } from "./reliability.ts";
 * strictEqual(reliabilitySpec([]).$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function reliabilitySpec(
  results: ConditionResult[],
  models: readonly string[] = results.map((r) => r.model),
): VegaLiteSpec {
  const axis = (title: string) => ({
    type: "quantitative",
    title,
    scale: { domain: [0, 1] },
    axis: { format: ".0%" },
  });
  return chart(`Reliability diagram (${results[0]?.testSet ?? ""})`, {
    description: "Accuracy vs mean top-class confidence per bin; diagonal = perfect calibration",
    width: 280,
    height: 280,
    layer: [
      {
        data: { values: [{ confidence: 0, accuracy: 0 }, { confidence: 1, accuracy: 1 }] },
        mark: { type: "line", color: "#999", strokeDash: [4, 4] },
        encoding: {
          x: { field: "confidence", ...axis("mean confidence of predicted class (%)") },
          y: { field: "accuracy", ...axis("accuracy (%)") },
        },
      },
      {
        data: { values: reliabilityRows(results) },
        encoding: {
          x: { field: "confidence", type: "quantitative" },
          y: { field: "accuracy", type: "quantitative" },
          color: {
            field: "model",
            type: "nominal",
            title: "model (ECE)",
            scale: modelColorScale(models),
            legend: { labelExpr: eceLabelExpression(results) },
          },
        },
        layer: [
          { mark: { type: "line", strokeWidth: 1.5 } },
          {
            // Point area ∝ items in the bin: sparse bins (the wild swings) are drawn small.
            mark: { type: "point", filled: true, opacity: 0.85 },
            encoding: {
              size: {
                field: "n",
                type: "quantitative",
                title: "items in bin",
                scale: { type: "sqrt", zero: false, range: [12, 260] },
              },
              tooltip: [
                { field: "model" },
                { field: "bin", title: "confidence bin" },
                {
                  field: "confidence",
                  type: "quantitative",
                  title: "mean confidence",
                  format: ".2%",
                },
                { field: "accuracy", type: "quantitative", format: ".2%" },
                { field: "n", type: "quantitative", title: "items" },
                { field: "ece", type: "quantitative", title: "ECE (15 bins)", format: ".2%" },
              ],
            },
          },
        ],
      },
    ],
  }, "point area: items in the bin; ECE: expected calibration error, 15 bins");
}

/** A Vega expression labelling each model's legend entry with its ECE. */
function eceLabelExpression(results: ConditionResult[]): string {
  return results.reduceRight(
    (rest, r) =>
      `datum.label === ${JSON.stringify(r.model)} ? ${
        JSON.stringify(`${r.model} (${(100 * r.calibration.ece).toFixed(2)}%)`)
      } : ${rest}`,
    "datum.label",
  );
}
