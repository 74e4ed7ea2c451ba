/**
 * Evaluation jobs: evaluate and compare classifiers and write an evaluation folder
 * (`src/evaluate/folder.ts`), or do the same for trained run folders, with what their
 * `run.json` knows about each model.
 *
 * @module
 */
import type { DigitDataset } from "../data/types.ts";
import { type DatasetOptions, loadTestSets } from "../data/named.ts";
import { loadPath } from "../data/load_path.ts";
import { compare } from "../evaluate/compare.ts";
import { type EvaluationFiles, evaluationFiles } from "../evaluate/folder.ts";
import { predictionsHeader, predictionsRows } from "../evaluate/predictions_csv.ts";
import { evaluate, type EvaluateOptions } from "../evaluate/runner.ts";
import type { ComparisonResult, EvaluationResult, McNemarMethod } from "../evaluate/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { UsageError } from "../util/errors.ts";
import { writeJsonAtomic } from "../util/fs.ts";

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
