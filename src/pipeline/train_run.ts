/**
 * Training a run into a run folder: resolve the model and recipe by name, load the recipe's
 * data (or take the datasets given), train with checkpoints, and record the kept model's test
 * metrics in `run.json`. `kit train` parses flags into {@link trainRun}; notebooks call it too.
 *
 * @module
 */
import type { SplitSets } from "../data/split.ts";
import type { DigitDataset } from "../data/types.ts";
import { getModelSpec } from "../models/zoo.ts";
import type { ModelSpec } from "../models/spec.ts";
import { toTrainingArrays } from "../train/batches.ts";
import { loadTrainingData } from "../train/recipe_data.ts";
import { getRecipe, type Recipe } from "../train/recipes.ts";
import { readRun, type RunTest, writeRun } from "../train/run_record.ts";
import { makeValidator } from "../train/validation.ts";
import { train, type TrainData, type TrainOptions, type TrainResult } from "../train/train.ts";
import { timingMark } from "../util/timing.ts";

/** Options of {@link trainRun}: names instead of objects, plus {@link TrainOptions}. */
export interface TrainRunOptions extends Omit<TrainOptions, "runDir"> {
  /** Zoo model name (`kit models`). */
  model: string;
  /** Recipe name; the model's default recipe when omitted. */
  recipe?: string;
  /** Datasets to train on; the recipe's data and split when omitted. */
  data?: TrainData & { test?: DigitDataset };
  /** With the recipe's data: at most this many items of each part (stratified). */
  limit?: number;
  /** With the recipe's data: the official EMNIST files, for recipes that need them. */
  emnistDir?: string;
  /** A labelled file or folder (any format `kit data` reads) instead of the recipe's data. */
  path?: string;
  /** Split preset replacing the recipe's (`kaggle-60-20-20` by default for a one-set path). */
  split?: string;
  /** Run folder for checkpoints, the kept model and `run.json`. */
  runDir?: string;
  /** Remove `runDir` first, so the run starts fresh instead of refusing an old checkpoint. */
  fresh?: boolean;
}

/** What {@link trainRun} returns; the caller disposes `result.model`. */
export interface TrainedRun {
  spec: ModelSpec;
  recipe: Recipe;
  result: TrainResult;
  /** Item counts of the parts trained and tested on. */
  counts: { train: number; validation: number; test: number };
  /** The kept model on the test part, when there is one. */
  test: RunTest | null;
  /** The split preset used (the recipe's unless `split` or a one-set `path` changed it). */
  split: string;
}

/**
 * Trains `options.model` with its recipe into `options.runDir`; evaluates the kept model on
 * the test part (recorded in `run.json` as `test`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { trainRun } from "./train_run.ts";
 * import { readRun } from "../train/run_record.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir();
 * const { result, test } = await trainRun({ model: "logistic-regression", epochs: 1, limit: 64,
 *   runDir, fresh: true });
 * strictEqual((await readRun(runDir)).test?.count, test?.count);
 * result.model.dispose();
 * ```
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainedRun> {
  const spec = getModelSpec(options.model);
  const recipe = getRecipe(options.recipe ?? spec.defaultRecipe);
  let split = recipe.split;
  let sets: TrainData & { test?: DigitDataset };
  if (options.data) sets = options.data;
  else {
    const loaded = await loadTrainingData(recipe, {
      path: options.path,
      split: options.split,
      limit: options.limit,
      emnistDir: options.emnistDir,
      classCount: spec.classCount ?? 10,
    });
    timingMark("training finished");
    split = loaded.split;
    sets = loaded as SplitSets;
  }
  timingMark("data loaded and split");
  if (options.fresh && options.runDir) {
    await Deno.remove(options.runDir, { recursive: true }).catch(() => {});
  }
  const result = await train(spec, sets, recipe, {
    ...options,
    runInfo: { split, ...options.runInfo },
  });
  let test: RunTest | null = null;
  if (sets.test) {
    // The validator's path, through the classifier validation used (its compiled inference
    // graph is built already where the model has one; op by op otherwise): the same figures.
    const tester = makeValidator(
      result.model,
      spec.name,
      toTrainingArrays(sets.test),
      spec.classCount ?? 10,
      result.classifier,
    );
    const metrics = await tester.validate();
    test = { ...metrics, count: sets.test.count };
    if (options.runDir) {
      await writeRun(options.runDir, { ...await readRun(options.runDir), test });
    }
  }
  timingMark("test evaluated");
  const counts = {
    train: sets.train.count,
    validation: sets.validation?.count ?? 0,
    test: sets.test?.count ?? 0,
  };
  return { spec, recipe, result, counts, test, split };
}
