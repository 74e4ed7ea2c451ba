import { getDataset } from "../data/named.ts";
import { recipeDatasets } from "./recipe_data.ts";
import assert from "node:assert/strict";
import { MODEL_ZOO } from "../models/zoo.ts";
import { getRecipe, RECIPES } from "./recipes.ts";

Deno.test("every model's default recipe exists", () => {
  for (const spec of Object.values(MODEL_ZOO)) {
    assert.ok(RECIPES[spec.defaultRecipe], `${spec.name} → ${spec.defaultRecipe}`);
  }
});

Deno.test("card recipes match their cards", () => {
  const kaggle = getRecipe("kaggle-cnn");
  assert.deepEqual(kaggle.optimizer, {
    kind: "rmsprop",
    learningRate: 1e-3,
    alpha: 0.9,
    epsilon: 1e-8,
    weightDecay: 1e-4,
  });
  assert.deepEqual([kaggle.batchSize, kaggle.epochs, kaggle.split, kaggle.splitSeed, kaggle.keep], [
    100,
    30,
    "kaggle-60-20-20",
    42,
    "best-val-loss",
  ]);
  const mdsist = getRecipe("mdsist");
  assert.deepEqual([mdsist.batchSize, mdsist.epochs, mdsist.preprocessing, mdsist.split], [
    64,
    5,
    "symmetric",
    "mdsist-70-15-15",
  ]);
  const adaptive = getRecipe("adaptive-pool");
  assert.deepEqual([adaptive.batchSize, adaptive.epochs, adaptive.preprocessing], [
    32,
    10,
    "symmetric",
  ]);
  assert.ok(adaptive.augmentation.length > 0);
  const keras = getRecipe("keras-convnet");
  assert.deepEqual(keras.optimizer, {
    kind: "adam",
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  assert.deepEqual([keras.batchSize, keras.epochs, keras.split, keras.preprocessing], [
    128,
    15,
    "keras-last-10",
    "unit",
  ]);
  const beyond = getRecipe("beyond-mnist");
  assert.deepEqual([beyond.batchSize, beyond.epochs, beyond.data], [32, 50, "mnist+emnist-digits"]);
  assert.equal(getRecipe("strong-cnn").schedule.kind, "one-cycle");
  assert.equal(getRecipe("strong-cnn").batchNormRecalibration, 10_000);
});

Deno.test("getRecipe copies and rejects unknown names", () => {
  getRecipe("mdsist").augmentation.push({ op: "affine", rotate: 5 });
  assert.equal(RECIPES["mdsist"].augmentation.length, 0);
  assert.throws(() => getRecipe("nope"), /unknown recipe 'nope'; expected one of: kaggle-cnn/);
});

Deno.test("every recipe trains on datasets of the registry", () => {
  for (const recipe of Object.values(RECIPES)) {
    for (const name of recipeDatasets(recipe)) {
      assert.ok(getDataset(name).format, `${recipe.name}: ${name}`);
    }
  }
});
