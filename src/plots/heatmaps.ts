/**
 * Robustness heatmaps: corruption × model (mean error over severities) and corruption × class
 * for one model.
 *
 * @module
 */
import type { ClassCorruptionMatrix, RobustnessSummary, SweepCurve } from "../evaluate/types.ts";
import { factorName } from "./degradation.ts";
import { chart, round, type VegaLiteSpec } from "./spec.ts";

interface Cell {
  row: string;
  column: string;
  value: number | null;
}

function heatmap(
  cells: Cell[],
  axes: { row: string; column: string; rows: string[]; columns: string[] },
  extraTooltip: Record<string, unknown>[] = [],
): Record<string, unknown> {
  const max = Math.max(0.01, ...cells.map((c) => c.value ?? 0));
  const longest = Math.max(1, ...axes.columns.map((c) => c.length));
  const rotate = longest > 3;
  return {
    data: { values: cells.map((c) => ({ ...c, value: c.value === null ? null : round(c.value) })) },
    width: { step: rotate ? 30 : Math.max(26, 8 * longest) },
    height: { step: 22 },
    encoding: {
      x: {
        field: "column",
        type: "nominal",
        sort: axes.columns,
        title: axes.column,
        axis: {
          orient: "top",
          labelAngle: rotate ? -40 : 0,
          labelAlign: rotate ? "left" : "center",
        },
      },
      y: { field: "row", type: "nominal", sort: axes.rows, title: axes.row },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "value",
            type: "quantitative",
            title: "misclassification",
            scale: { scheme: "orangered", domain: [0, max] },
            legend: { format: ".0%" },
          },
          tooltip: [
            { field: "row", title: axes.row },
            { field: "column", title: axes.column },
            { field: "value", type: "quantitative", title: "misclassification", format: ".2%" },
            ...extraTooltip,
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 9 },
        encoding: {
          text: { field: "value", type: "quantitative", format: ".0%" },
          color: {
            condition: { test: `datum.value > ${max * 0.55}`, value: "white" },
            value: "black",
          },
        },
      },
    ],
  };
}

/**
 * Mean misclassification over severities for every corruption (rows) and model (columns).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionModelHeatmapSpec } from "./heatmaps.ts";
 * strictEqual(corruptionModelHeatmapSpec([]).$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function corruptionModelHeatmapSpec(summaries: RobustnessSummary[]): VegaLiteSpec {
  const models = summaries.map((s) => s.model);
  const corruptions = [
    ...new Set(summaries.flatMap((s) => s.corruptions.map((c) => c.corruption))),
  ];
  const cells: Cell[] = summaries.flatMap((s) => [
    { row: "clean", column: s.model, value: s.cleanError },
    ...s.corruptions.map((c) => ({
      row: factorName(c.corruption),
      column: s.model,
      value: c.meanError,
    })),
  ]);
  const rows = ["clean", ...corruptions.map(factorName)];
  return chart(
    `Corruption × model (${summaries[0]?.testSet ?? ""})`,
    heatmap(cells, { row: "corruption", column: "model", rows, columns: models }),
    "misclassification averaged over severities 1–5",
  );
}

/**
 * Mean misclassification (over severities) of each true class under each corruption, one model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { classCorruptionHeatmapSpec } from "./heatmaps.ts";
 * const spec = classCorruptionHeatmapSpec({ model: "mlp", testSet: "t", classNames: ["0"],
 *   corruptions: ["fog"], errors: [[0.5]], cleanErrors: [0.1] });
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function classCorruptionHeatmapSpec(matrix: ClassCorruptionMatrix): VegaLiteSpec {
  const columns = ["clean", ...matrix.corruptions.map(factorName)];
  const cells: Cell[] = matrix.classNames.flatMap((name, c) => [
    { row: name, column: "clean", value: matrix.cleanErrors[c] },
    ...matrix.corruptions.map((k, i) => ({
      row: name,
      column: factorName(k),
      value: matrix.errors[c][i],
    })),
  ]);
  return chart(
    `Corruption × class: ${matrix.model} (${matrix.testSet})`,
    heatmap(cells, { row: "true class", column: "corruption", rows: matrix.classNames, columns }),
    "misclassification of each true class, averaged over severities",
  );
}

/**
 * Misclassification of each true class at each level of one sweep, for one model: which
 * digits break first under noise or blur.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sweepClassHeatmapSpec } from "./heatmaps.ts";
 * const spec = sweepClassHeatmapSpec({ model: "mlp", testSet: "t", factor: "gaussian_blur",
 *   unit: "σ (pixels)", levels: [0, 1], misclassification: [0.1, 0.2],
 *   misclassificationCi: [], perClass: [[0.1, 0.3]] }, ["0"]);
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function sweepClassHeatmapSpec(curve: SweepCurve, classNames: string[]): VegaLiteSpec {
  const columns = curve.levels.map(String);
  const cells: Cell[] = curve.perClass.flatMap((row, c) =>
    row.map((value, i) => ({ row: classNames[c] ?? String(c), column: columns[i], value }))
  );
  return chart(
    `${factorName(curve.factor)} × class: ${curve.model} (${curve.testSet})`,
    heatmap(cells, {
      row: "true class",
      column: `${factorName(curve.factor)}: ${curve.unit}`,
      rows: classNames,
      columns,
    }),
    "misclassification of each true class at each level",
  );
}
