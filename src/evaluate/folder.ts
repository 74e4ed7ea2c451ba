/**
 * Evaluation folders: what `kit eval`, `evaluateToDirectory` and notebooks write and read —
 * `results.json` ({@link EvaluationResult}), `comparison.json` ({@link ComparisonResult}) and
 * `predictions.csv` (one row per item and condition).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { evaluationFiles } from "./folder.ts";
 * strictEqual(evaluationFiles("out").results, "out/results.json");
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readJson } from "../util/fs.ts";
import type { ComparisonResult, EvaluationResult } from "./types.ts";

/** The files of an evaluation folder. */
export interface EvaluationFiles {
  results: string;
  comparison: string;
  predictions: string;
}

/** An evaluation folder read back. */
export interface EvaluationFolder {
  dir: string;
  result: EvaluationResult;
  comparison: ComparisonResult;
  files: EvaluationFiles;
}

/**
 * The paths of the files of evaluation folder `dir`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { evaluationFiles } from "./folder.ts";
 * strictEqual(evaluationFiles("runs/eval").predictions, "runs/eval/predictions.csv");
 * ```
 */
export function evaluationFiles(dir: string): EvaluationFiles {
  return {
    results: join(dir, "results.json"),
    comparison: join(dir, "comparison.json"),
    predictions: join(dir, "predictions.csv"),
  };
}

/**
 * Reads `results.json` and `comparison.json` of evaluation folder `dir`; an {@link InputError}
 * names the file that is missing or is not an evaluation.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { readEvaluation } from "./folder.ts";
 * const empty = await Deno.makeTempDir();
 * await rejects(() => readEvaluation(empty), /results\.json/);
 * ```
 */
export async function readEvaluation(dir: string): Promise<EvaluationFolder> {
  const files = evaluationFiles(dir);
  const result = await readJson<EvaluationResult>(files.results);
  if (!Array.isArray(result?.conditions) || !Array.isArray(result?.models)) {
    throw new InputError(files.results, "", "an evaluation result (models, conditions, …)");
  }
  const comparison = await readJson<ComparisonResult>(files.comparison);
  return { dir, result, comparison, files };
}
