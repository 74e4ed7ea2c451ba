/**
 * Evaluation jobs: evaluate and compare classifiers and write an evaluation folder
 * (`src/evaluate/folder.ts`) with {@link evaluateToDirectory}, or do the same for trained run
 * folders and named test sets with {@link evaluateRuns} (`kit eval`).
 *
 * @module
 */
import type { DigitDataset } from "../data/types.ts";
import { type DatasetOptions, loadTestSets } from "../data/named.ts";
import { loadPath } from "../data/load_path.ts";
import { compare } from "../evaluate/compare.ts";
import { augmentSuite, suiteOptions } from "../evaluate/conditions.ts";
import { type EvaluationFiles, evaluationFiles } from "../evaluate/folder.ts";
import { predictionsHeader, predictionsRows } from "../evaluate/predictions_csv.ts";
import { evaluate, type EvaluateOptions } from "../evaluate/runner.ts";
import type { ComparisonResult, EvaluationResult, McNemarMethod } from "../evaluate/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { UsageError } from "../util/errors.ts";
import { writeJsonAtomic } from "../util/fs.ts";
import { loadRunClassifiers } from "./runs.ts";

/** Options of {@link evaluateToDirectory}: the runner's plus the output folder. */
export interface EvaluateToDirectoryOptions extends EvaluateOptions {
  out: string;
  method?: McNemarMethod;
}

/** What {@link evaluateToDirectory} returns. */
export interface EvaluationWritten {
  result: EvaluationResult;
  comparison: ComparisonResult;
  files: EvaluationFiles;
}

/**
 * Evaluates, compares and writes `results.json`, `comparison.json` and `predictions.csv` into
 * `options.out`, each atomically (the CSV is streamed to a temporary file while evaluating).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { evaluateToDirectory } from "./evaluate.ts";
 * import { readEvaluation } from "../evaluate/folder.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const out = await Deno.makeTempDir();
 * const { result } = await evaluateToDirectory([codedClassifier("a")], [codedDigits(20)],
 *   { out, progress: null });
 * deepStrictEqual((await readEvaluation(out)).result.models, result.models);
 * ```
 */
export async function evaluateToDirectory(
  classifiers: readonly Classifier[],
  testSets: readonly DigitDataset[],
  options: EvaluateToDirectoryOptions,
): Promise<EvaluationWritten> {
  await Deno.mkdir(options.out, { recursive: true });
  const files = evaluationFiles(options.out);
  const csvTmp = `${files.predictions}.tmp-${Deno.pid}`;
  const csv = await Deno.open(csvTmp, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const write = async (text: string) => {
    const bytes = encoder.encode(text);
    for (let offset = 0; offset < bytes.length;) {
      offset += await csv.write(bytes.subarray(offset));
    }
  };
  try {
    await write(predictionsHeader());
    const result = await evaluate(classifiers, testSets, {
      ...options,
      onPredictions: async (p) => {
        await write(predictionsRows(p));
        await options.onPredictions?.(p);
      },
    });
    csv.close();
    const comparison = compare(result, { method: options.method });
    await writeJsonAtomic(files.results, result, { compact: true });
    await writeJsonAtomic(files.comparison, comparison, { compact: true });
    await Deno.rename(csvTmp, files.predictions);
    return { result, comparison, files };
  } catch (error) {
    try {
      csv.close();
    } catch { /* already closed */ }
    await Deno.remove(csvTmp).catch(() => {});
    throw error;
  }
}

/**
 * Test sets by registry name (`src/data/named.ts`) and by path (any format `loadPath` reads),
 * in that order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { loadEvaluationSets } from "./evaluate.ts";
 * deepStrictEqual((await loadEvaluationSets(["mnist"], [])).map((s) => s.name), ["mnist-test"]);
 * ```
 */
export async function loadEvaluationSets(
  names: readonly string[],
  paths: readonly string[],
  options: DatasetOptions = {},
): Promise<DigitDataset[]> {
  const sets = await loadTestSets(names, options);
  for (const path of paths) {
    const loaded = await loadPath(path);
    if (loaded.datasets.length === 0) {
      throw new UsageError(`--path ${path}: no images found (${loaded.format})`);
    }
    sets.push(...loaded.datasets);
  }
  return sets;
}

/** Options of {@link evaluateRuns}: what to evaluate by name, and the runner's options. */
export interface EvaluateRunsOptions extends
  Omit<
    EvaluateToDirectoryOptions,
    "conditions" | "units" | "suite" | "render" | "modelInfo" | "baseline"
  > {
  /** Training run folders (or folders holding a tfjs `model.json`). */
  runs: readonly string[];
  /** Registry datasets whose test parts are evaluated. */
  datasets?: readonly string[];
  /** Labelled files or folders evaluated beside them. */
  paths?: readonly string[];
  /** Official EMNIST files, for `emnist-digits`. */
  emnistDir?: string;
  /** Evaluation suite (`quick`, `default`, `full`); `default` when omitted. */
  suite?: string;
  /** Model that normalises CE/mCE; the first of several by default, none for one model. */
  baseline?: string | null;
}

/**
 * `kit eval` as a call: loads the runs as classifiers (with what their `run.json` knows) and
 * the named test sets, evaluates them under the suite (at most its default number of items
 * unless `limit` says otherwise), compares, and writes the evaluation folder `options.out`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { evaluateRuns } from "./evaluate.ts";
 * import { trainRun } from "./train_run.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir();
 * (await trainRun({ model: "logistic-regression", epochs: 1, limit: 64, runDir })).result.model
 *   .dispose();
 * const { result } = await evaluateRuns({ runs: [runDir], datasets: ["mnist"], suite: "quick",
 *   limit: 20, out: await Deno.makeTempDir(), progress: null });
 * deepStrictEqual(result.models.map((m) => [m.name, m.source]),
 *   [["logistic-regression/baseline-adam", runDir]]);
 * ```
 */
export async function evaluateRuns(options: EvaluateRunsOptions): Promise<EvaluationWritten> {
  const { runs, datasets = [], paths = [], emnistDir, suite: suiteName, ...rest } = options;
  const suite = augmentSuite(suiteName ?? "default");
  const testSets = await loadEvaluationSets(datasets, paths, { emnistDir });
  const { classifiers, modelInfo } = await loadRunClassifiers(runs);
  const names = classifiers.map((c) => c.name);
  const baseline = options.baseline === undefined
    ? (names.length > 1 ? names[0] : null)
    : options.baseline;
  if (baseline !== null && !names.includes(baseline)) {
    throw new UsageError(`--baseline '${baseline}' is not one of the models: ${names.join(", ")}`);
  }
  return await evaluateToDirectory(classifiers, testSets, {
    ...rest,
    ...suiteOptions(suite),
    limit: options.limit ?? suite.defaultLimit,
    baseline,
    modelInfo,
  });
}
