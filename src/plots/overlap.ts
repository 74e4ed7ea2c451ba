/**
 * Error-overlap heatmap: for every pair of models, how many test items both misclassify
 * (the diagonal: each model's own errors), coloured by the Jaccard overlap of their error sets.
 * Low overlap between accurate models is what makes an ensemble worth having.
 *
 * @module
 */
import { percent } from "../util/format.ts";
import type { ErrorOverlap } from "../evaluate/comparison_types.ts";
import { modelMatrixEncoding } from "./comparison.ts";
import { chart, round, type VegaLiteSpec } from "./spec.ts";

/** One cell of {@link errorOverlapSpec}. */
export interface OverlapCell {
  row: string;
  column: string;
  /** Items both models misclassify. */
  shared: number;
  /** |errors_row ∩ errors_column| / |errors_row ∪ errors_column|. */
  jaccard: number;
  rowErrors: number;
  columnErrors: number;
}

/**
 * Tidy cells behind {@link errorOverlapSpec}, one per ordered pair of models.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { overlapCells } from "./overlap.ts";
 * const cells = overlapCells({ testSet: "t", kind: "clean", factor: "clean", level: 0,
 *   models: ["a", "b"], n: 10, wrongBy: [7, 2, 1], jaccard: [[1, 1 / 3], [1 / 3, 1]],
 *   shared: [[2, 1], [1, 2]], ensembleError: 0.2, oracleError: 0.1, bestSingleError: 0.2 });
 * strictEqual(cells.length, 4); strictEqual(cells[1].shared, 1);
 * ```
 */
export function overlapCells(overlap: ErrorOverlap): OverlapCell[] {
  const { models, shared, jaccard } = overlap;
  return models.flatMap((row, i) =>
    models.map((column, j) => ({
      row,
      column,
      shared: shared[i][j],
      jaccard: round(jaccard[i][j], 5),
      rowErrors: shared[i][i],
      columnErrors: shared[j][j],
    }))
  );
}

/**
 * Heatmap of shared errors between models on one test set and condition, with the ensemble,
 * oracle and best single model errors in the subtitle.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { errorOverlapSpec } from "./overlap.ts";
 * const spec = errorOverlapSpec({ testSet: "t", kind: "clean", factor: "clean", level: 0,
 *   models: ["a"], n: 4, wrongBy: [3, 1], jaccard: [[1]], shared: [[1]], ensembleError: 0.25,
 *   oracleError: 0.25, bestSingleError: 0.25 });
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function errorOverlapSpec(overlap: ErrorOverlap): VegaLiteSpec {
  return chart(`Error overlap (${overlap.testSet})`, {
    description: "Items both models misclassify, coloured by the Jaccard overlap of their errors",
    data: { values: overlapCells(overlap) },
    width: { step: 56 },
    height: { step: 28 },
    encoding: modelMatrixEncoding(overlap.models, null, null),
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "jaccard",
            type: "quantitative",
            title: "Jaccard",
            scale: { scheme: "oranges", domain: [0, 1] },
          },
          tooltip: [
            { field: "row", title: "model" },
            { field: "column", title: "other model" },
            { field: "shared", type: "quantitative", title: "misclassified by both" },
            { field: "jaccard", type: "quantitative", title: "Jaccard", format: ".2f" },
            { field: "rowErrors", type: "quantitative", title: "errors of model" },
            { field: "columnErrors", type: "quantitative", title: "errors of other model" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "shared", type: "quantitative" },
          color: { condition: { test: "datum.jaccard > 0.6", value: "white" }, value: "black" },
        },
      },
    ],
  }, [
    `cells: items misclassified by both (diagonal: the model's own errors), n = ${overlap.n}`,
    `plurality-vote ensemble ${percent(overlap.ensembleError)} · best single model ` +
    `${percent(overlap.bestSingleError)} · oracle ${percent(overlap.oracleError)}`,
  ]);
}
