/**
 * digitkit: train, evaluate (disaggregated) and report on handwritten-digit classifiers.
 *
 * This entry point is the researcher's vocabulary, about fifty names from every stage: load and
 * split data, augment and corrupt, list and build models, train runs, evaluate and compare,
 * plot and display, write reports, select a backend. Each stage module (`src/data/mod.ts`,
 * `src/train/mod.ts`, …) keeps its full surface for those who need more.
 *
 * A worked example: train a tiny model on 500 MNIST digits, evaluate it under the quick suite
 * into a folder, read the folder back and compare.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import {
 *   compare,
 *   evaluateToDirectory,
 *   getModelSpec,
 *   getRecipe,
 *   initBackend,
 *   loadMnist,
 *   readEvaluation,
 *   stratifiedSample,
 *   suiteOptions,
 *   train,
 * } from "./mod.ts";
 * await initBackend("cpu");
 * const digits = stratifiedSample(await loadMnist("train"), 500, 0);
 * const test = stratifiedSample(await loadMnist("test"), 100, 0);
 * const { classifier, model } = await train(getModelSpec("logistic-regression"),
 *   { train: digits }, getRecipe("baseline-adam"), { epochs: 8, seed: 1 });
 * const out = await Deno.makeTempDir();
 * await evaluateToDirectory([classifier], [test],
 *   { out, ...suiteOptions("quick"), limit: 50, progress: null });
 * model.dispose();
 * const { result } = await readEvaluation(out);
 * const clean = result.conditions.find((c) => c.kind === "clean")!;
 * strictEqual(clean.overall.n, 50);
 * ok(clean.overall.accuracy > 0.6, `accuracy ${clean.overall.accuracy}`);
 * strictEqual(compare(result).minimax.selected, classifier.name);
 * ```
 *
 * @module
 */

// Data: named datasets (one registry), files of any supported format, splits.
export type { DigitDataset } from "./data/types.ts";
export { DATASETS, loadNamedDataset, loadTestSets } from "./data/named.ts";
export { loadMnist, loadMnistSplits } from "./data/mnist.ts";
export { loadPath } from "./data/load_path.ts";
export { encodeKaggleCsv } from "./data/kaggle_write.ts";
export { loadKaggleCsv } from "./data/kaggle_csv.ts";
export { applySplitPreset, stratifiedSample, tailSplit } from "./data/split.ts";
export { subset, toFloat32 } from "./data/ops.ts";
export { formatDatasetSummaries, summarizeDataset } from "./data/summary.ts";
export { repoRoot } from "./data/paths.ts";

// Augment and corrupt.
export { applyPipeline, describePipeline, type Pipeline } from "./augment/pipeline.ts";
export { AUGMENT_PRESETS } from "./augment/presets.ts";
export { corrupt, CORRUPTION_NAMES } from "./augment/corruptions.ts";

// Models.
export { getModelSpec, MODEL_ZOO } from "./models/zoo.ts";
export { summarizeModel } from "./models/summary.ts";
export { buildModel } from "./models/build.ts";
export type { Classifier } from "./models/classifier.ts";

// Train, and training runs on disk.
export { train, type TrainResult } from "./train/train.ts";
export { getRecipe, RECIPES } from "./train/recipes.ts";
export { formatHistory } from "./train/history.ts";
export { notebookProgress } from "./train/notebook_progress.ts";
export { terminalProgress } from "./train/progress.ts";
export { loadClassifier } from "./train/checkpoint.ts";
export { listRuns, readRun, type RunRecord, writeRun } from "./train/run_record.ts";

// Evaluate and compare.
export { evaluate } from "./evaluate/runner.ts";
export { suiteOptions } from "./evaluate/conditions.ts";
export { compare } from "./evaluate/compare.ts";
export { readEvaluation } from "./evaluate/folder.ts";
export type {
  ComparisonResult,
  ConditionResult,
  EvaluationResult,
  McNemarMethod,
} from "./evaluate/types.ts";

// Pipeline jobs: the CLI's commands as calls.
export { trainRun } from "./pipeline/train_run.ts";
export { evaluateRuns, evaluateToDirectory } from "./pipeline/evaluate.ts";
export { loadRunClassifiers, loadRunsIn, trainingForModels } from "./pipeline/runs.ts";
export { runReportJob } from "./pipeline/report_job.ts";

// Studies: models × recipes × seeds, statistics over seeds.
export {
  cellStatuses,
  liveStudyTable,
  parseStudy,
  readStudyFile,
  runCell,
  runStudy,
  runStudyPlan,
  studyReport,
  studyStatus,
} from "./pipeline/study/mod.ts";
export { readStudyRuns } from "./pipeline/study/report.ts";
export { studyStatistics } from "./evaluate/study_stats.ts";
export {
  pBetterMatrixSpec,
  perClassSeedSpec,
  seedDegradationSpec,
  seedStripSpec,
  varianceDecompositionSpec,
} from "./plots/study.ts";

// Plot and display.
export { displayChart } from "./plots/display.ts";
export { imageGridSpec } from "./plots/image_grid.ts";
export {
  augmentationGridCells,
  classBalanceSpec,
  corruptionErrorExamples,
  corruptionExamples,
  corruptionGridCells,
  sampleGridCells,
} from "./plots/galleries.ts";
export { trainingCurvesSpec } from "./plots/training.ts";
export { liveTrainingCurves } from "./plots/live.ts";
export { perClassErrorSpec } from "./plots/per_class.ts";
export { degradationSpec } from "./plots/degradation.ts";
export { corruptionModelHeatmapSpec } from "./plots/heatmaps.ts";
export { reliabilitySpec } from "./plots/reliability.ts";
export { confusionSpec } from "./plots/confusion.ts";
export {
  confusionExplorerSpec,
  corruptionExplorerSpec,
  perClassExplorerSpec,
} from "./plots/linked.ts";
export { errorRateComparisonSpec, pairwisePValueSpec } from "./plots/comparison.ts";

// Reports.
export { writeReport } from "./report/build.ts";
export { inlineMarkdownImages, rebaseMarkdownLinks, reportLinks } from "./report/links.ts";
export { displayTable, tableBlock, type TableColumn } from "./report/table.ts";

// Backend.
export { initBackend } from "./backend/mod.ts";

// Small helpers notebooks share with the CLI.
export { percent } from "./util/format.ts";
export { gitCommit } from "./util/git.ts";
export { liveText } from "./util/notebook.ts";
