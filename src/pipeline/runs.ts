/**
 * Run folders as inputs of later stages: trained models as classifiers with what `run.json`
 * knows about them (for evaluation), and run records as the training section of reports.
 *
 * @module
 */
import type { ModelInfo } from "../evaluate/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { summarizeModel } from "../models/summary.ts";
import type { ModelTraining } from "../report/input.ts";
import { loadClassifier } from "../train/checkpoint.ts";
import {
  listRuns,
  readRun,
  RUN_JSON,
  type RunFolder,
  type RunRecord,
} from "../train/run_record.ts";
import { UsageError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { join } from "node:path";

/**
 * What an evaluation records about a model trained as `run` in `dir`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { modelInfoFromRun } from "./runs.ts";
 * import type { RunRecord } from "../train/run_record.ts";
 * const run = { model: "mlp", seed: 1, dataChecksum: "ab",
 *   data: { train: { name: "mnist-train" } } } as RunRecord;
 * deepStrictEqual(modelInfoFromRun("runs/mlp", run), { source: "runs/mlp", architecture: "mlp",
 *   seed: 1, trainedOn: "mnist-train", dataChecksum: "ab" });
 * ```
 */
export function modelInfoFromRun(dir: string, run: RunRecord | null): Partial<ModelInfo> {
  if (run === null) return { source: dir }; // a bare model.json folder: nothing more is known
  return {
    source: dir,
    architecture: run.model,
    seed: run.seed,
    trainedOn: run.data?.train?.name,
    dataChecksum: run.dataChecksum,
  };
}

/**
 * The training section of a report for the run in `folder`, under the evaluation's model
 * name (the run's `model/recipe` name by default).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { trainingFromRun } from "./runs.ts";
 * import { getModelSpec } from "../models/zoo.ts";
 * import { getRecipe } from "../train/recipes.ts";
 * import type { RunRecord } from "../train/run_record.ts";
 * const run = { name: "mlp/baseline-adam", model: "mlp", spec: getModelSpec("mlp"),
 *   recipe: getRecipe("baseline-adam"), seed: 1, backend: "cpu", wallSeconds: 3,
 *   history: [] } as unknown as RunRecord;
 * const training = trainingFromRun({ dir: "runs/mlp", run });
 * strictEqual(training.model, "mlp/baseline-adam");
 * strictEqual(training.recipeName, "baseline-adam");
 * strictEqual(training.checkpoint, "runs/mlp");
 * ```
 */
export function trainingFromRun(folder: RunFolder, name = folder.run.name): ModelTraining {
  const { run, dir } = folder;
  return {
    model: name,
    architecture: run.model,
    summary: summarizeModel(run.spec),
    recipeName: run.recipe.name,
    recipe: run.recipe as unknown as Record<string, unknown>,
    seed: run.seed,
    backend: run.backend,
    trainingSeconds: run.wallSeconds,
    history: run.history,
    checkpoint: dir,
  };
}

/**
 * The training sections for the models of an evaluation, from the runs under `root` whose
 * names match (`mlp/baseline-adam#2`, a second run of a name, matches `mlp/baseline-adam`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { trainingForModels } from "./runs.ts";
 * deepStrictEqual(await trainingForModels(await Deno.makeTempDir(), []), []);
 * ```
 */
export async function trainingForModels(
  root: string,
  models: readonly string[],
): Promise<ModelTraining[]> {
  const runs = await listRuns(root);
  return models.map((name) => {
    const folder = runs.find((r) => r.run.name === name.replace(/#\d+$/, ""));
    if (!folder) throw new UsageError(`no run of model '${name}' in ${root}`);
    return trainingFromRun(folder, name);
  });
}

/** Classifiers loaded from run folders, with what their records say about them. */
export interface LoadedRuns {
  classifiers: Classifier[];
  /** By classifier name. */
  modelInfo: Record<string, Partial<ModelInfo>>;
}

/**
 * Loads trained models from run folders (or folders holding a tfjs `model.json`) as
 * classifiers, renaming repeats (two runs of one model) to `name#2`, `name#3`, …
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { loadRunClassifiers } from "./runs.ts";
 * import { trainRun } from "./train_run.ts";
 * await tf.setBackend("cpu");
 * const root = await Deno.makeTempDir();
 * for (const dir of ["a", "b"]) {
 *   const { result } = await trainRun({ model: "logistic-regression", epochs: 1, limit: 64,
 *     runDir: `${root}/${dir}` });
 *   result.model.dispose();
 * }
 * const { classifiers, modelInfo } = await loadRunClassifiers([`${root}/a`, `${root}/b`]);
 * const names = classifiers.map((c) => c.name);
 * deepStrictEqual(names, ["logistic-regression/baseline-adam", "logistic-regression/baseline-adam#2"]);
 * deepStrictEqual(modelInfo[names[1]].source, `${root}/b`);
 * ```
 */
export async function loadRunClassifiers(dirs: readonly string[]): Promise<LoadedRuns> {
  const seen = new Map<string, number>();
  const classifiers: Classifier[] = [];
  const modelInfo: Record<string, Partial<ModelInfo>> = {};
  for (const dir of dirs) {
    let classifier = await loadClassifier(dir);
    const n = (seen.get(classifier.name) ?? 0) + 1;
    seen.set(classifier.name, n);
    if (n > 1) {
      classifier = {
        ...classifier,
        name: `${classifier.name}#${n}`,
        predict: classifier.predict.bind(classifier),
      };
    }
    const run = (await exists(join(dir, RUN_JSON))) ? await readRun(dir) : null;
    modelInfo[classifier.name] = modelInfoFromRun(dir, run);
    classifiers.push(classifier);
  }
  return { classifiers, modelInfo };
}

/**
 * Every finished run under `root` as a classifier, sorted by name; a {@link UsageError} when
 * there is none.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { loadRunsIn } from "./runs.ts";
 * const empty = await Deno.makeTempDir();
 * await rejects(() => loadRunsIn(empty), /no trained models in/);
 * ```
 */
export async function loadRunsIn(root: string): Promise<LoadedRuns> {
  const runs = await listRuns(root);
  if (runs.length === 0) throw new UsageError(`no trained models in ${root}`);
  const loaded = await loadRunClassifiers(runs.map((r) => r.dir));
  loaded.classifiers.sort((a, b) => a.name.localeCompare(b.name));
  return loaded;
}
