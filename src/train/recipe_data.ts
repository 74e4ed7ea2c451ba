/**
 * Loads the data a recipe names and applies its split preset: what `kit train` trains on, and
 * what a notebook can call to train exactly like the CLI.
 *
 * @module
 */
import { type DatasetOptions, loadNamedDataset } from "../data/named.ts";
import { concatDatasets } from "../data/ops.ts";
import { applySplitPreset, type SplitSets, stratifiedSample } from "../data/split.ts";
import type { DigitDataset } from "../data/types.ts";
import { UsageError } from "../util/errors.ts";
import type { Recipe } from "./recipes.ts";

/** Options of {@link loadRecipeData}. */
export interface RecipeDataOptions extends DatasetOptions {
  /** Keep at most this many items of each of train, validation and test (stratified, seeded). */
  limit?: number;
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
  const parts: SplitSets[] = [];
  for (const name of recipeDatasets(recipe)) {
    const dataset = await loadNamedDataset(name, options);
    if (!dataset.train) {
      throw new UsageError(`recipe '${recipe.name}': dataset '${name}' has no training part`);
    }
    parts.push(
      applySplitPreset(
        recipe.split,
        { train: dataset.train, test: dataset.test },
        recipe.splitSeed,
      ),
    );
  }
  const join = (part: keyof SplitSets) =>
    parts.length === 1 ? parts[0][part] : concatDatasets(parts.map((p) => p[part]));
  const sets = { train: join("train"), validation: join("validation"), test: join("test") };
  const limit = options.limit;
  if (limit === undefined) return sets;
  const cut = (ds: DigitDataset) =>
    ds.count <= limit ? ds : stratifiedSample(ds, limit, recipe.splitSeed);
  return { train: cut(sets.train), validation: cut(sets.validation), test: cut(sets.test) };
}
