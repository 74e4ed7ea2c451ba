/**
 * Which charts a report shows, built from its input: pure, no rendering.
 *
 * @module
 */
import type { ConditionResult } from "../evaluate/types.ts";
import type { VegaLiteSpec } from "../plots/spec.ts";
import { trainingCurvesSpec } from "../plots/training.ts";
import { perClassErrorSpec } from "../plots/per_class.ts";
import { confusionSpec } from "../plots/confusion.ts";
import { degradationSpec, factorName } from "../plots/degradation.ts";
import {
  classCorruptionHeatmapSpec,
  corruptionModelHeatmapSpec,
  sweepClassHeatmapSpec,
} from "../plots/heatmaps.ts";
import { reliabilitySpec } from "../plots/reliability.ts";
import { errorRateComparisonSpec, pairwisePValueSpec } from "../plots/comparison.ts";
import { errorOverlapSpec } from "../plots/overlap.ts";
import { type GridCell, imageGridSpec } from "../plots/image_grid.ts";
import { digitAt } from "../plots/digit_image.ts";
import {
  confusionExplorerSpec,
  corruptionExplorerSpec,
  perClassExplorerSpec,
} from "../plots/linked.ts";
import { corruptionErrorExamples } from "../plots/galleries.ts";
import { type Block, figure } from "./document.ts";
import { type ReportInput, slug } from "./input.ts";

/** One chart of a report. */
/** What a figure shows, which decides where the report and the cards place it. */
export type FigureRole =
  | "training-curves"
  | "ranking"
  | "pvalues"
  | "per-class"
  | "reliability"
  | "overlap"
  | "degradation"
  | "corruptions"
  | "corruption-gallery"
  | "samples"
  | "model-training"
  | "confusion"
  | "confusion-normalized"
  | "misclassified"
  | "sweep-class"
  | "corruption-class"
  | "seed-strip"
  | "p-better"
  | "seed-per-class"
  | "variance"
  | "seed-degradation";

export interface ReportFigure {
  /** File stem: `figures/<name>.svg`, `specs/<name>.vl.json`. */
  name: string;
  caption: string;
  spec: VegaLiteSpec;
  /** What it shows (placement never depends on the name). */
  role: FigureRole;
  /** The test set it is about, when one. */
  testSet?: string;
  /** The sweep or corruption factor it is about, when one. */
  factor?: string;
}

/**
 * The document blocks of the figures with `role` (and the given test set / factor), in order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { placeFigures, type ReportFigure } from "./figures.ts";
 * const spec = { $schema: "" };
 * const figures: ReportFigure[] = [
 *   { name: "a", caption: "A", spec, role: "ranking", testSet: "mnist" },
 *   { name: "b", caption: "B", spec, role: "ranking", testSet: "emnist" },
 * ];
 * deepStrictEqual(placeFigures(figures, "ranking", { testSet: "emnist" }).length, 1);
 * deepStrictEqual(placeFigures(figures, "samples").length, 0);
 * ```
 */
export function placeFigures(
  figures: readonly ReportFigure[],
  role: FigureRole,
  where: { testSet?: string; factor?: string } = {},
): Block[] {
  return figures
    .filter((f) =>
      f.role === role &&
      (where.testSet === undefined || f.testSet === where.testSet) &&
      (where.factor === undefined || f.factor === where.factor)
    )
    .map((f) => figure(f.name, f.caption));
}

/**
 * Model names in report order (fixes each model's colour).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { reportModels } from "./figures.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * const input = { runName: "x", evaluation, reproducibility: { command: "", seeds: {}, backend: "",
 *   versions: {}, gitCommit: "", wallSeconds: {} } };
 * deepStrictEqual(reportModels(input), ["a", "b"]);
 * ```
 */
export function reportModels(input: ReportInput): string[] {
  return input.evaluation.models.map((m) => m.name);
}

/**
 * The clean-condition results of `testSet`, in model order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cleanResults } from "./figures.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * const input = { runName: "x", evaluation, reproducibility: { command: "", seeds: {}, backend: "",
 *   versions: {}, gitCommit: "", wallSeconds: {} } };
 * strictEqual(cleanResults(input, "synthetic-test").length, 2);
 * ```
 */
export function cleanResults(input: ReportInput, testSet: string): ConditionResult[] {
  return input.evaluation.conditions.filter((c) => c.kind === "clean" && c.testSet === testSet);
}

/**
 * The test set sweeps and corruptions were run on (the first with any), else the first.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { primaryTestSet } from "./figures.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * const input = { runName: "x", evaluation, reproducibility: { command: "", seeds: {}, backend: "",
 *   versions: {}, gitCommit: "", wallSeconds: {} } };
 * strictEqual(primaryTestSet(input), "synthetic-test");
 * ```
 */
export function primaryTestSet(input: ReportInput): string {
  const ev = input.evaluation;
  return ev.conditions.find((c) => c.kind !== "clean")?.testSet ?? ev.testSets[0]?.name ?? "";
}

function samplesFigure(input: ReportInput, testSet: string, perClass = 8): ReportFigure | null {
  const images = input.images?.[testSet];
  const info = input.evaluation.testSets.find((t) => t.name === testSet);
  if (!images || !info) return null;
  const cells: GridCell[] = [];
  info.classNames.forEach((name, c) => {
    const indices = info.labels.flatMap((l, i) => (l === c ? [i] : [])).slice(0, perClass);
    indices.forEach((i, k) =>
      cells.push({
        pixels: digitAt(images, i),
        row: name,
        column: String(k + 1),
        details: { id: info.ids[i] },
      })
    );
  });
  return {
    name: `samples-${slug(testSet)}`,
    role: "samples",
    testSet,
    caption: `The first ${perClass} test digits of each class in ${testSet}.`,
    spec: imageGridSpec(cells, {
      title: `Sample digits per class (${testSet})`,
      rowTitle: "class",
      columnTitle: "sample",
      hideColumnLabels: true,
      cellSize: 36,
    }),
  };
}

function corruptionGallery(input: ReportInput): ReportFigure | null {
  const examples = input.corruptionExamples ?? [];
  if (examples.length === 0) return null;
  return {
    name: "corruption-gallery",
    role: "corruption-gallery",
    caption: "One test digit under every corruption at every severity (seeded, as evaluated).",
    spec: imageGridSpec(
      examples.map((e) => ({
        pixels: e.pixels,
        row: factorName(e.corruption),
        column: e.severity === 0 ? "clean" : String(e.severity),
      })),
      {
        title: "Corruptions by severity",
        rowTitle: "corruption",
        columnTitle: "severity",
        cellSize: 40,
      },
    ),
  };
}

/**
 * The figures of the comparison report: training curves, per-class errors, rankings, p-value
 * matrices, reliability, degradation curves, corruption heatmap and the picture galleries.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { comparisonFigures } from "./figures.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 100);
 * const figures = comparisonFigures({ runName: "demo", evaluation, comparison,
 *   reproducibility: { command: "", seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } });
 * deepStrictEqual(figures.map((f) => f.name).slice(0, 2), [
 *   "ranking-synthetic-test",
 *   "pvalues-synthetic-test",
 * ]);
 * ```
 */
export function comparisonFigures(input: ReportInput): ReportFigure[] {
  const models = reportModels(input);
  const ev = input.evaluation;
  const figures: ReportFigure[] = [];
  const histories = (input.training ?? []).filter((t) => t.history?.length)
    .map((t) => ({ model: t.model, epochs: t.history! }));
  if (histories.length > 0) {
    figures.push({
      name: "training-curves",
      role: "training-curves",
      caption:
        "Loss and accuracy per epoch on the training data (solid) and validation data (dashed).",
      spec: trainingCurvesSpec(histories, models),
    });
  }
  for (const testSet of ev.testSets.map((t) => t.name)) {
    const clean = cleanResults(input, testSet);
    if (clean.length === 0) continue;
    const s = slug(testSet);
    const ranking = input.comparison?.rankings.find((r) =>
      r.kind === "clean" && r.testSet === testSet
    );
    if (ranking) {
      figures.push({
        name: `ranking-${s}`,
        role: "ranking",
        testSet,
        caption:
          `Misclassification on ${testSet} with 95% Wilson intervals; letters group models ` +
          "that are not significantly different.",
        spec: errorRateComparisonSpec(ranking, models),
      });
    }
    const family = input.comparison?.pairwise.find((f) =>
      f.testSet === testSet && f.factor === "clean" && f.classLabel === null
    );
    if (family && family.tests.length > 0) {
      figures.push({
        name: `pvalues-${s}`,
        role: "pvalues",
        testSet,
        caption: `Holm-adjusted McNemar p-values for every pair of models on ${testSet}.`,
        spec: pairwisePValueSpec(family, input.comparison!.method),
      });
    }
    const images = input.images?.[testSet];
    figures.push({
      name: `per-class-${s}`,
      role: "per-class",
      testSet,
      caption: `Misclassification rate per true class on ${testSet}, 95% Wilson intervals.` +
        (images ? " Click a bar to see that model's misclassified digits of that class." : ""),
      spec: images ? perClassExplorerSpec(clean, images, models) : perClassErrorSpec(clean, models),
    });
    figures.push({
      name: `reliability-${s}`,
      role: "reliability",
      testSet,
      caption: `Reliability diagram on ${testSet} (15 confidence bins; empty bins omitted).`,
      spec: reliabilitySpec(clean, models),
    });
    const overlap = input.comparison?.overlap.find((o) =>
      o.kind === "clean" && o.testSet === testSet
    );
    if (overlap && overlap.models.length > 1) {
      figures.push({
        name: `overlap-${s}`,
        role: "overlap",
        testSet,
        caption: `Items misclassified by both models of each pair on ${testSet}, coloured by ` +
          "the Jaccard overlap of their errors.",
        spec: errorOverlapSpec(overlap),
      });
    }
  }
  const factors = [...new Set(ev.sweeps.map((s) => `${s.testSet}\u0000${s.factor}`))];
  for (const key of factors) {
    const [testSet, factor] = key.split("\u0000");
    figures.push({
      name: `degradation-${slug(factor)}-${slug(testSet)}`,
      role: "degradation",
      testSet,
      factor,
      caption: `Misclassification under ${factorName(factor)} on ${testSet}, 95% interval bands.`,
      spec: degradationSpec(
        ev.sweeps.filter((c) => c.testSet === testSet && c.factor === factor),
        models,
      ),
    });
  }
  for (const testSet of [...new Set(ev.robustness.map((r) => r.testSet))]) {
    const summaries = ev.robustness.filter((r) =>
      r.testSet === testSet && r.corruptions.length > 0
    );
    if (summaries.length === 0) continue;
    const images = input.images?.[testSet];
    const classNames = ev.testSets.find((t) => t.name === testSet)?.classNames ?? [];
    figures.push({
      name: `corruptions-${slug(testSet)}`,
      role: "corruptions",
      testSet,
      caption:
        `Mean misclassification over severities for each corruption and model (${testSet}).` +
        (images ? " Click a cell to see that model's errors at each severity." : ""),
      spec: images
        ? corruptionExplorerSpec(
          summaries,
          corruptionErrorExamples(ev, testSet, images, ev.metadata.seed),
          classNames,
        )
        : corruptionModelHeatmapSpec(summaries),
    });
  }
  const samples = samplesFigure(input, primaryTestSet(input));
  if (samples) figures.push(samples);
  const gallery = corruptionGallery(input);
  if (gallery) figures.push(gallery);
  return figures;
}

function misclassifiedFigure(input: ReportInput, result: ConditionResult): ReportFigure | null {
  const images = input.images?.[result.testSet];
  if (!images || result.misclassified.length === 0) return null;
  const names = result.report.classes.map((c) => c.name);
  const shown = result.misclassified.slice(0, 40);
  const perRow = 10;
  return {
    name: `${slug(result.model)}-misclassified`,
    role: "misclassified",
    testSet: result.testSet,
    caption:
      `The ${shown.length} most confident mistakes of ${result.model} on ${result.testSet} ` +
      `(of ${result.misclassifiedCount}): true → predicted (confidence).`,
    spec: imageGridSpec(
      shown.map((m, k) => ({
        pixels: digitAt(images, m.index),
        row: `${Math.floor(k / perRow) * perRow + 1}–${Math.floor(k / perRow) * perRow + perRow}`,
        column: String((k % perRow) + 1),
        caption: `${names[m.trueLabel]}→${names[m.predicted]} (${m.confidence.toFixed(2)})`,
        details: { id: m.id, "p(true)": Number(m.trueProbability.toFixed(4)) },
      })),
      {
        title: `Misclassified examples: ${result.model} (${result.testSet})`,
        rowTitle: "most confident first",
        columnTitle: "",
        hideColumnLabels: true,
        cellSize: 48,
      },
    ),
  };
}

/**
 * The figures of one model's card: confusion matrices, corruption × class heatmap,
 * misclassified gallery and its own training curve.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { modelFigures } from "./figures.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * const input = { runName: "x", evaluation, reproducibility: { command: "", seeds: {}, backend: "",
 *   versions: {}, gitCommit: "", wallSeconds: {} } };
 * deepStrictEqual(modelFigures(input, "a").map((f) => f.name).slice(0, 2), [
 *   "a-confusion",
 *   "a-confusion-normalized",
 * ]);
 * ```
 */
export function modelFigures(input: ReportInput, model: string): ReportFigure[] {
  const models = reportModels(input);
  const s = slug(model);
  const figures: ReportFigure[] = [];
  const testSet = primaryTestSet(input);
  const clean = cleanResults(input, testSet).find((c) => c.model === model);
  const training = input.training?.find((t) => t.model === model);
  if (training?.history?.length) {
    figures.push({
      name: `${s}-training`,
      role: "model-training",
      caption: `Training curves of ${model}.`,
      spec: trainingCurvesSpec([{ model, epochs: training.history }], models),
    });
  }
  if (clean) {
    const images = input.images?.[testSet];
    figures.push({
      name: `${s}-confusion`,
      role: "confusion",
      testSet,
      caption: `Confusion matrix of ${model} on ${testSet} (counts).` +
        (images ? " Click a cell to see its misclassified digits." : ""),
      spec: images ? confusionExplorerSpec(clean, images) : confusionSpec(clean),
    });
    figures.push({
      name: `${s}-confusion-normalized`,
      role: "confusion-normalized",
      testSet,
      caption: `Row-normalised confusion matrix of ${model} on ${testSet}.`,
      spec: confusionSpec(clean, true),
    });
    const gallery = misclassifiedFigure(input, clean);
    if (gallery) figures.push(gallery);
  }
  const classNames = clean?.report.classes.map((c) => c.name) ?? [];
  for (const factor of ["gaussian_noise", "gaussian_blur"]) {
    const curve = input.evaluation.sweeps.find((c) =>
      c.model === model && c.testSet === testSet && c.factor === factor
    );
    if (curve && classNames.length) {
      figures.push({
        name: `${s}-${slug(factor)}-class`,
        role: "sweep-class",
        testSet,
        factor,
        caption: `Misclassification of each class of ${model} along the ${
          factor.replace("_", " ")
        } sweep.`,
        spec: sweepClassHeatmapSpec(curve, classNames),
      });
    }
  }
  const matrix = input.evaluation.classByCorruption.find((m) =>
    m.model === model && m.corruptions.length
  );
  if (matrix) {
    figures.push({
      name: `${s}-corruption-class`,
      role: "corruption-class",
      caption: `Misclassification of each class under each corruption for ${model}.`,
      spec: classCorruptionHeatmapSpec(matrix),
    });
  }
  return figures;
}
