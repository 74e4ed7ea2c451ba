/**
 * Confusion matrix heatmap: true class down, predicted class across, counts in the cells.
 *
 * @module
 */
import type { ConditionResult } from "../evaluate/types.ts";
import { chart, round, type VegaLiteSpec } from "./spec.ts";

/**
 * Heatmap of `result.confusion`; `normalized` colours by row share (recall per row) instead of
 * counts. Cells always print the count; tooltips carry both.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { confusionSpec } from "./confusion.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * const spec = confusionSpec(evaluation.conditions[0]);
 * strictEqual((spec.title as { text: string }).text, "Confusion matrix: a on synthetic-test");
 * strictEqual((spec.data as { values: unknown[] }).values.length, 10 * 10);
 * ```
 */
export function confusionSpec(result: ConditionResult, normalized = false): VegaLiteSpec {
  const names = result.report.classes.map((c) => c.name);
  const values = result.confusion.counts.flatMap((row, t) =>
    row.map((count, p) => ({
      true: names[t],
      predicted: names[p],
      count,
      share: round(result.confusion.normalized[t][p], 5),
      diagonal: t === p,
    }))
  );
  const field = normalized ? "share" : "count";
  const max = normalized ? 1 : Math.max(1, ...values.map((v) => v.count));
  const label = `${result.model} on ${result.testSet}` +
    (result.kind === "clean" ? "" : ` · ${result.factor} ${result.level}`);
  return chart(`Confusion matrix${normalized ? " (row-normalised)" : ""}: ${label}`, {
    description: "Confusion matrix, rows = true class, columns = predicted class",
    data: { values },
    width: { step: 30 },
    height: { step: 26 },
    encoding: {
      x: {
        field: "predicted",
        type: "nominal",
        sort: names,
        title: "predicted class",
        axis: { orient: "top", labelAngle: 0 },
      },
      y: { field: "true", type: "nominal", sort: names, title: "true class" },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field,
            type: "quantitative",
            title: normalized ? "share of row" : "items",
            // A log-like scale so small off-diagonal counts are visible beside a large diagonal.
            scale: { type: "symlog", scheme: "blues", domain: [0, max] },
            ...(normalized ? { legend: { format: ".0%" } } : {}),
          },
          tooltip: [
            { field: "true", title: "true class" },
            { field: "predicted", title: "predicted class" },
            { field: "count", type: "quantitative", title: "items" },
            { field: "share", type: "quantitative", title: "share of true class", format: ".2%" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: normalized
            ? { field: "share", type: "quantitative", format: ".0%" }
            : { field: "count", type: "quantitative" },
          color: {
            condition: {
              test: `datum.${field} > ${max * (normalized ? 0.5 : 0.05)}`,
              value: "white",
            },
            value: "black",
          },
        },
      },
    ],
  }, `n = ${result.overall.n}; rows: true class, columns: predicted class`);
}
