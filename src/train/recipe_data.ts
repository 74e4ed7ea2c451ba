/**
 * Loads the data a recipe names and applies its split preset: what `kit train` trains on, and
 * what a notebook can call to train exactly like the CLI.
 *
 * @module
 */
import { loadEmnist } from "../data/emnist.ts";
import { loadMnistSplits } from "../data/mnist.ts";
import { concatDatasets } from "../data/ops.ts";
import {
  applySplitPreset,
  PRESETS_MERGING_TEST,
  type SplitPreset,
  type SplitSets,
  stratifiedSample,
} from "../data/split.ts";
import type { DigitDataset } from "../data/types.ts";
import { UsageError } from "../util/errors.ts";
import type { Recipe } from "./recipes.ts";

/** Options of {@link loadRecipeData}. */
export interface RecipeDataOptions {
  /** Keep at most this many items of each of train, validation and test (stratified, seeded). */
  limit?: number;
  /** Folder with the official EMNIST files (needed by `mnist+emnist-digits` recipes). */
  emnistDir?: string;
  /**
   * Keep the official test sets out of training and validation: a split preset that merges
   * them in (mdsist's 70/15/15 of train + test) splits the training data alone instead.
   */
  keepTestOut?: boolean;
}

/**
 * Train, validation and test sets for `recipe`. For `mnist+emnist-digits` the split preset is
 * applied to MNIST and to EMNIST digits separately and the parts are joined, so both sources
 * appear in every part.
 *
 * @example
 * ```ts
 * import { loadRecipeData } from "./recipe_data.ts";
 * import { getRecipe } from "./recipes.ts";
 * const sets = await loadRecipeData(getRecipe("keras-convnet"), { limit: 100 });
 * console.log(sets.train.count, sets.validation.count, sets.test.count); // 100 100 100
 * ```
 */
export async function loadRecipeData(
  recipe: Recipe,
  options: RecipeDataOptions = {},
): Promise<SplitSets> {
  const keepOut = options.keepTestOut && PRESETS_MERGING_TEST.includes(recipe.split as SplitPreset);
  const parts = (data: { train: DigitDataset; test: DigitDataset }) =>
    applySplitPreset(recipe.split, keepOut ? { train: data.train } : data, recipe.splitSeed);
  const mnist = parts(await loadMnistSplits());
  let sets = mnist;
  if (recipe.data === "mnist+emnist-digits") {
    if (!options.emnistDir) {
      throw new UsageError(
        `recipe '${recipe.name}' trains on MNIST + EMNIST digits: pass --emnist-dir with the ` +
          `official EMNIST files (only a 600-image sample ships in ../shared, too small to train)`,
      );
    }
    const dir = options.emnistDir;
    const emnist = parts({
      train: await loadEmnist({ dir, split: "digits", part: "train" }),
      test: await loadEmnist({ dir, split: "digits", part: "test" }),
    });
    const join = (a: DigitDataset, b: DigitDataset) => concatDatasets([a, b]);
    sets = {
      train: join(mnist.train, emnist.train),
      validation: join(mnist.validation, emnist.validation),
      test: join(mnist.test, emnist.test),
    };
  }
  const limit = options.limit;
  if (limit === undefined) return sets;
  const cut = (ds: DigitDataset) =>
    ds.count <= limit ? ds : stratifiedSample(ds, limit, recipe.splitSeed);
  return { train: cut(sets.train), validation: cut(sets.validation), test: cut(sets.test) };
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
