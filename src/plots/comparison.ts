/**
 * Architecture comparison charts: error rates with intervals and significance letters, and the
 * matrix of pairwise McNemar p-values.
 *
 * @module
 */
import type { McNemarMethod, PairwiseFamily, Ranking } from "../evaluate/types.ts";
import { modelColorScale } from "./palette.ts";
import { chart, rateTooltip, round, type VegaLiteSpec } from "./spec.ts";

/**
 * Misclassification of each model (dot + 95% interval), best first, labelled with the compact
 * letters of the ranking (models sharing a letter are not significantly different).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { errorRateComparisonSpec } from "./comparison.ts";
 * const spec = errorRateComparisonSpec({ kind: "clean", factor: "clean", level: 0,
 *   testSet: "mnist-test", method: "midp", alpha: 0.05, rows: [{ rank: 1, model: "cnn",
 *   misclassification: 0.01, misclassificationCi: { lower: 0.008, upper: 0.012 }, letters: "a" }] });
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function errorRateComparisonSpec(
  ranking: Ranking,
  models: readonly string[] = ranking.rows.map((r) => r.model),
): VegaLiteSpec {
  const values = ranking.rows.map((r) => ({
    model: r.model,
    rank: r.rank,
    rate: round(r.misclassification, 5),
    lower: round(r.misclassificationCi.lower, 5),
    upper: round(r.misclassificationCi.upper, 5),
    letters: r.letters,
  }));
  const order = ranking.rows.map((r) => r.model);
  const y = { field: "model", type: "nominal", sort: order, title: "model" };
  const condition = ranking.kind === "clean" ? "clean" : `${ranking.factor} ${ranking.level}`;
  const color = {
    field: "model",
    type: "nominal",
    scale: modelColorScale(models),
    legend: null,
  } as const;
  const tooltip = [
    { field: "model" },
    { field: "rank", type: "quantitative" },
    ...rateTooltip(),
    { field: "letters", title: "group" },
  ];
  return chart(
    `Misclassification by model (${ranking.testSet}, ${condition})`,
    {
      description: "Error rate per model with 95% Wilson intervals and significance letters",
      data: { values },
      width: 320,
      height: { step: 26 },
      encoding: { y },
      layer: [
        {
          mark: { type: "rule", strokeWidth: 2 },
          encoding: {
            x: {
              field: "lower",
              type: "quantitative",
              title: "misclassification rate (%)",
              axis: { format: ".1%" },
              scale: { zero: true },
            },
            x2: { field: "upper" },
            color,
            tooltip,
          },
        },
        {
          mark: { type: "point", filled: true, size: 70 },
          encoding: {
            x: { field: "rate", type: "quantitative" },
            color,
            tooltip,
          },
        },
        {
          mark: { type: "text", align: "left", dx: 6, fontWeight: "bold" },
          encoding: { x: { field: "upper", type: "quantitative" }, text: { field: "letters" } },
        },
      ],
    },
    `letters: models sharing a letter do not differ (McNemar ${ranking.method}, Holm, α = ${ranking.alpha})`,
  );
}

/**
 * Symmetric matrix of Holm-adjusted McNemar p-values between every pair of models.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { pairwisePValueSpec } from "./comparison.ts";
 * const spec = pairwisePValueSpec({ testSet: "t", factor: "clean", level: null, classLabel: null,
 *   tests: [] }, "midp");
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function pairwisePValueSpec(family: PairwiseFamily, method: McNemarMethod): VegaLiteSpec {
  const models = [...new Set(family.tests.flatMap((t) => [t.modelA, t.modelB]))];
  const values = family.tests.flatMap((t) => {
    const p = method === "midp" ? t.pMidHolm : t.pExactHolm;
    const cell = {
      p: round(p, 6),
      logP: round(-Math.log10(Math.max(p, 1e-12)), 3),
      label: p < 0.001 ? "<.001" : p.toFixed(3).replace(/^0/, ""),
      difference: round(t.difference, 5),
      discordant: t.onlyAWrong + t.onlyBWrong,
      n: t.n,
    };
    return [
      { ...cell, row: t.modelA, column: t.modelB },
      { ...cell, row: t.modelB, column: t.modelA, difference: -cell.difference },
    ];
  });
  const where = family.factor === "clean" ? "clean" : `${family.factor} ${family.level ?? "all"}`;
  return chart(`Pairwise McNemar tests (${family.testSet}, ${where})`, {
    description: "Holm-adjusted McNemar p-values for every pair of models",
    data: { values },
    width: { step: 56 },
    height: { step: 28 },
    encoding: modelMatrixEncoding(models, "model A", "model B"),
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "logP",
            type: "quantitative",
            title: "−log10 p",
            scale: { scheme: "purples", domainMin: 0 },
          },
          tooltip: [
            { field: "row", title: "model A" },
            { field: "column", title: "model B" },
            { field: "p", type: "quantitative", title: `p (${method}, Holm)`, format: ".4g" },
            { field: "difference", type: "quantitative", title: "error A − B", format: "+.2%" },
            { field: "discordant", type: "quantitative", title: "discordant items" },
            { field: "n", type: "quantitative", title: "n" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "label" },
          color: { condition: { test: "datum.logP > 2", value: "white" }, value: "black" },
        },
      },
    ],
  }, `McNemar ${method === "midp" ? "mid-p" : "exact"} test, Holm-adjusted across pairs`);
}

/**
 * The x/y encoding of a model × model matrix chart: `row` and `column` fields in the given
 * model order, column labels on top.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { modelMatrixEncoding } from "./comparison.ts";
 * strictEqual(modelMatrixEncoding(["a", "b"], "model A", "model B").y.title, "model A");
 * ```
 */
export function modelMatrixEncoding(
  models: readonly string[],
  rowTitle: string | null,
  columnTitle: string | null,
): { x: Record<string, unknown>; y: Record<string, unknown> & { title: string | null } } {
  return {
    x: {
      field: "column",
      type: "nominal",
      sort: models,
      title: columnTitle,
      axis: { orient: "top", labelAngle: -30, labelAlign: "left" },
    },
    y: { field: "row", type: "nominal", sort: models, title: rowTitle },
  };
}
