/**
 * Charts of a multi-seed study (Vega-Lite v5 specs as data): per-seed errors as a strip plot
 * with the mean and its t-interval, the P(A < B) matrix, per-class error with seed bands,
 * degradation curves with seed bands and the variance decomposition.
 *
 * @module
 */
import { rateInterval } from "../evaluate/seed_stats.ts";
import type { StudyStatistics } from "../evaluate/study_stats.ts";
import { bandLineLayers, factorName } from "./degradation.ts";
import { modelColorScale } from "./palette.ts";
import { chart, type VegaLiteSpec } from "./spec.ts";

const round = (v: number | null | undefined, digits = 6) =>
  v === null || v === undefined ? null : Number(v.toFixed(digits));

function colorOf(stats: StudyStatistics) {
  return {
    field: "model",
    type: "nominal",
    title: "model",
    scale: modelColorScale(stats.arms.map((a) => a.name)),
    legend: { symbolOpacity: 1 },
  };
}

const cleanOverall = (stats: StudyStatistics, testSet: string) =>
  stats.perArm.filter((s) => s.testSet === testSet && s.kind === "clean" && s.class === null);

/**
 * Per-seed clean errors of every model on `testSet` (one dot per seed) with the mean over seeds
 * (tick) and its 95% t-interval (rule).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { seedStripSpec } from "./study.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2], b: [0.3, 0.3] }), { replicates: 100 });
 * const spec = seedStripSpec(stats, "synthetic");
 * strictEqual((spec.layer as unknown[]).length, 3);
 * ```
 */
export function seedStripSpec(stats: StudyStatistics, testSet: string): VegaLiteSpec {
  const rows = cleanOverall(stats, testSet);
  const seeds = rows.flatMap((s) =>
    s.seeds.map((seed, i) => ({ model: s.arm, seed, error: round(s.errors[i]) }))
  );
  const means = rows.map((s) => ({
    model: s.arm,
    mean: round(s.summary.mean),
    lower: round(rateInterval(s.summary)?.lower ?? s.summary.mean),
    upper: round(rateInterval(s.summary)?.upper ?? s.summary.mean),
    sd: round(s.summary.sd),
  }));
  const y = { field: "model", type: "nominal", title: null, sort: stats.arms.map((a) => a.name) };
  const x = { type: "quantitative", title: "misclassification rate", axis: { format: ".1%" } };
  return chart(`Misclassification by training seed (${testSet})`, {
    description: "One dot per seed; tick: mean over seeds; bar: 95% t-interval on the mean",
    width: 420,
    height: 44 * rows.length,
    layer: [
      {
        data: { values: means },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { y, x: { field: "lower", ...x }, x2: { field: "upper" }, color: colorOf(stats) },
      },
      {
        data: { values: means },
        mark: { type: "tick", thickness: 3, size: 26 },
        encoding: {
          y,
          x: { field: "mean", ...x },
          color: colorOf(stats),
          tooltip: [
            { field: "model" },
            { field: "mean", format: ".3%" },
            { field: "sd", title: "between-seed SD", format: ".3%" },
            { field: "lower", title: "95% t lower", format: ".3%" },
            { field: "upper", title: "95% t upper", format: ".3%" },
          ],
        },
      },
      {
        data: { values: seeds },
        mark: { type: "point", filled: true, size: 60, opacity: 0.8, color: "#333" },
        encoding: {
          y,
          x: { field: "error", ...x },
          yOffset: { field: "seed", type: "nominal" },
          tooltip: [{ field: "model" }, { field: "seed" }, { field: "error", format: ".3%" }],
        },
      },
    ],
  }, "dots: seeds; tick: mean; bar: 95% t-interval over seeds");
}

/**
 * The matrix of P(row model has lower clean error than column model) on `testSet`, from the
 * two-level paired bootstrap.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { pBetterMatrixSpec } from "./study.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2], b: [0.3, 0.3] }), { replicates: 100 });
 * const values = (pBetterMatrixSpec(stats, "synthetic").data as { values: unknown[] }).values;
 * strictEqual(values.length, 2);
 * ```
 */
export function pBetterMatrixSpec(stats: StudyStatistics, testSet: string): VegaLiteSpec {
  const values = stats.pairs
    .filter((p) => p.testSet === testSet && p.kind === "clean" && p.class === null)
    .flatMap((p) => [
      { row: p.a, column: p.b, p: round(p.bootstrap.pBetter, 4) },
      { row: p.b, column: p.a, p: round(1 - p.bootstrap.pBetter, 4) },
    ]);
  const order = stats.arms.map((a) => a.name);
  return chart(`P(row has lower error than column) (${testSet})`, {
    description: "Two-level paired bootstrap over seeds and test items",
    data: { values },
    width: { step: 70 },
    height: { step: 36 },
    encoding: {
      x: { field: "column", type: "nominal", sort: order, title: null, axis: { labelAngle: -30 } },
      y: { field: "row", type: "nominal", sort: order, title: null },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "p",
            type: "quantitative",
            title: "P(row < column)",
            scale: { domain: [0, 1], scheme: "blueorange", reverse: true },
          },
          tooltip: [{ field: "row" }, { field: "column" }, { field: "p", format: ".3f" }],
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: { text: { field: "p", format: ".2f" } },
      },
    ],
  }, `bootstrap: ${stats.bootstrap.replicates} replicates, seed ${stats.bootstrap.seed}`);
}

/**
 * Per-class clean error on `testSet`: the mean over seeds per class with a band from the
 * lowest to the highest seed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { perClassSeedSpec } from "./study.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2] }), { replicates: 100 });
 * const values = (perClassSeedSpec(stats, "synthetic").data as { values: unknown[] }).values;
 * strictEqual(values.length, 10);
 * ```
 */
export function perClassSeedSpec(stats: StudyStatistics, testSet: string): VegaLiteSpec {
  const classNames = stats.testSets.find((t) => t.name === testSet)?.classNames ?? [];
  const values = stats.perArm
    .filter((s) => s.testSet === testSet && s.kind === "clean" && s.class !== null)
    .map((s) => ({
      model: s.arm,
      class: classNames[s.class!] ?? String(s.class),
      mean: round(s.summary.mean),
      min: round(s.summary.min),
      max: round(s.summary.max),
      lower: round(rateInterval(s.summary)?.lower ?? s.summary.mean),
      upper: round(rateInterval(s.summary)?.upper ?? s.summary.mean),
    }));
  const x = { field: "class", type: "ordinal", title: "true class", sort: classNames };
  return chart(`Per-class misclassification over seeds (${testSet})`, {
    description: "Mean over seeds per class; band: lowest to highest seed",
    data: { values },
    width: 420,
    height: 220,
    encoding: { x, color: colorOf(stats) },
    layer: bandLineLayers("mean", "min", "max", "misclassification rate", [
      { field: "model" },
      { field: "class" },
      { field: "mean", format: ".2%" },
      { field: "min", title: "best seed", format: ".2%" },
      { field: "max", title: "worst seed", format: ".2%" },
    ]),
  }, "line: mean over seeds; band: range over seeds");
}

/**
 * Misclassification vs level for each sweep and corruption on `testSet` (one panel per factor,
 * clean error at level 0 for corruptions): mean over seeds with its 95% t-interval as a band.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { seedDegradationSpec } from "./study.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2] }), { replicates: 100 });
 * ok(seedDegradationSpec(stats, "synthetic").facet);
 * ```
 */
export function seedDegradationSpec(stats: StudyStatistics, testSet: string): VegaLiteSpec {
  const scoped = stats.perArm.filter((s) => s.testSet === testSet && s.class === null);
  const clean = scoped.filter((s) => s.kind === "clean");
  const factors = [...new Set(scoped.filter((s) => s.kind !== "clean").map((s) => s.factor))];
  const values = factors.flatMap((factor) => {
    const rows = scoped.filter((s) => s.factor === factor);
    const withClean = rows[0]?.kind === "corruption" ? [...clean, ...rows] : rows;
    return withClean.map((s) => ({
      factor: factorName(factor),
      model: s.arm,
      level: s.kind === "clean" ? 0 : s.level,
      mean: round(s.summary.mean),
      lower: round(rateInterval(s.summary)?.lower ?? s.summary.mean),
      upper: round(rateInterval(s.summary)?.upper ?? s.summary.mean),
    }));
  });
  return chart(`Degradation over seeds (${testSet})`, {
    description: "Mean misclassification over seeds per level; band: 95% t-interval",
    data: { values },
    facet: { field: "factor", type: "nominal", title: null },
    columns: 3,
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 200,
      height: 150,
      encoding: {
        x: { field: "level", type: "quantitative", title: "level / severity" },
        color: colorOf(stats),
      },
      layer: bandLineLayers("mean", "lower", "upper", "misclassification", [
        { field: "model" },
        { field: "factor" },
        { field: "level" },
        { field: "mean", format: ".2%" },
        { field: "lower", format: ".2%" },
        { field: "upper", format: ".2%" },
      ]),
    },
  }, "line: mean over seeds; band: 95% t-interval over seeds");
}

/**
 * The variance of one run's clean error split into between-seed variance (training randomness)
 * and the binomial variance of sampling the test items, per model on `testSet`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { varianceDecompositionSpec } from "./study.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2] }), { replicates: 100 });
 * const values = (varianceDecompositionSpec(stats, "synthetic").data as { values: unknown[] }).values;
 * strictEqual(values.length, 2);
 * ```
 */
export function varianceDecompositionSpec(
  stats: StudyStatistics,
  testSet: string,
): VegaLiteSpec {
  const values = cleanOverall(stats, testSet).flatMap((s) => [
    {
      model: s.arm,
      component: "between seeds (training)",
      sd: round(Math.sqrt(s.decomposition.betweenSeed)),
      variance: s.decomposition.betweenSeed,
    },
    {
      model: s.arm,
      component: "test sampling (binomial)",
      sd: round(Math.sqrt(s.decomposition.testSampling)),
      variance: s.decomposition.testSampling,
    },
  ]);
  return chart(`Where one run's error varies (${testSet})`, {
    description: "Variance of a single run's error: between seeds vs test-item sampling",
    data: { values },
    width: 420,
    height: { step: 30 },
    mark: "bar",
    encoding: {
      y: { field: "model", type: "nominal", title: null, sort: stats.arms.map((a) => a.name) },
      x: { field: "variance", type: "quantitative", title: "variance of the error", stack: true },
      color: {
        field: "component",
        type: "nominal",
        title: null,
        scale: { range: ["#4c78a8", "#bab0ac"] },
      },
      tooltip: [
        { field: "model" },
        { field: "component" },
        { field: "sd", title: "as an SD", format: ".3%" },
      ],
    },
  }, "stacked: between-seed variance and one run's binomial test variance");
}
