import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { ModelSpec } from "../models/spec.ts";
import { getModelSpec } from "../models/zoo.ts";
import { loadClassifier, readLatest } from "./checkpoint.ts";
import { getRecipe, type Recipe } from "./recipes.ts";
import { barDigits } from "../testing.ts";
import { DivergedError, train } from "./train.ts";

await tf.setBackend("cpu");

const data = { train: barDigits(160, 1, "bars-train"), validation: barDigits(40, 2, "bars-val") };
const recipe: Recipe = { ...getRecipe("baseline-adam"), batchSize: 32, keep: "last" };
// A small MLP with dropout keeps the cpu backend fast while exercising dropout seeding.
const mlp: ModelSpec = {
  ...getModelSpec("mlp"),
  name: "tiny-mlp",
  layers: [
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "fc1", units: 16, activation: "relu" },
    { kind: "dropout", name: "drop1", rate: 0.2 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

Deno.test("training learns the bars and records a full history", async () => {
  const fast = { ...recipe, optimizer: { kind: "adam", learningRate: 0.01 } } as const;
  const result = await train(getModelSpec("logistic-regression"), data, fast, {
    epochs: 3,
    seed: 3,
  });
  assert.equal(result.history.length, 3);
  const [first, , last] = result.history;
  assert.ok(last.loss < first.loss, "training loss falls");
  assert.ok(last.valAccuracy >= 0.9, `val accuracy ${last.valAccuracy}`);
  for (const r of result.history) {
    assert.equal(r.learningRate, 0.01);
    assert.ok(r.seconds > 0 && r.imagesPerSecond > 0);
  }
  const probs = await result.classifier.predict(new Float32Array(784), 1);
  assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  result.model.dispose();
});

Deno.test("same seed gives identical weights on cpu (dropout included); another seed differs", async () => {
  const run = async (seed: number) => {
    const r = await train(mlp, data, recipe, { epochs: 2, seed });
    const w = weightsOf(r.model);
    r.model.dispose();
    return w;
  };
  const a = await run(5), b = await run(5), c = await run(6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("no tensor leaks: the tensor count is the same after every epoch", async () => {
  const counts: number[] = [];
  const runDir = await Deno.makeTempDir();
  const result = await train(mlp, data, { ...recipe, keep: "best-val-loss" }, {
    epochs: 4,
    seed: 1,
    runDir,
    syncEvery: 3,
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  assert.equal(counts.length, 4);
  assert.ok(counts.every((c) => c === counts[0]), `tensor counts ${counts}`);
  result.model.dispose();
  await Deno.remove(runDir, { recursive: true });
});

Deno.test("resume continues with optimizer and RNG state: 2+1 epochs equal 3 epochs", async () => {
  const straightDir = await Deno.makeTempDir(), resumedDir = await Deno.makeTempDir();
  const straight = await train(mlp, data, recipe, { epochs: 3, seed: 9, runDir: straightDir });
  const part = await train(mlp, data, recipe, { epochs: 2, seed: 9, runDir: resumedDir });
  part.model.dispose();
  // The finished 2-epoch run still has its epoch checkpoint to extend.
  assert.equal((await readLatest(resumedDir))?.epoch, 2);
  const resumed = await train(mlp, data, recipe, {
    epochs: 3,
    seed: 9,
    runDir: resumedDir,
    resume: true,
  });
  assert.deepEqual(resumed.history.map((r) => r.loss), straight.history.map((r) => r.loss));
  assert.deepEqual(weightsOf(resumed.model), weightsOf(straight.model));
  const run = JSON.parse(await Deno.readTextFile(`${resumedDir}/run.json`));
  assert.equal(run.resumed, true);
  assert.equal(run.backend, "cpu");
  assert.equal(run.recipe.name, "baseline-adam");
  assert.match(run.dataChecksum, /^[0-9a-f]{64}$/);
  assert.equal(run.history.length, 3);
  await assert.rejects(
    () => train(mlp, data, recipe, { epochs: 3, seed: 9, runDir: straightDir }),
    /already holds a checkpoint \(epoch 3\)/,
  );
  await assert.rejects(
    () =>
      train(getModelSpec("lenet-5"), data, recipe, {
        epochs: 4,
        runDir: straightDir,
        resume: true,
      }),
    /its checkpoint used model tiny-mlp, not lenet-5/,
  );
  straight.model.dispose();
  resumed.model.dispose();
  for (const dir of [straightDir, resumedDir]) await Deno.remove(dir, { recursive: true });
});

Deno.test("loadClassifier reads a finished run and applies the model's preprocessing", async () => {
  const runDir = await Deno.makeTempDir();
  const spec: ModelSpec = {
    ...getModelSpec("mdsist-cnn"),
    name: "tiny-cnn",
    layers: [
      { kind: "conv", name: "conv1", filters: 2, kernel: 3, padding: "same", activation: "relu" },
      { kind: "max-pool", name: "pool1", size: 4 },
      { kind: "flatten", name: "flatten" },
      { kind: "dense", name: "output", units: 10, activation: "softmax" },
    ],
  };
  const small = { train: barDigits(20, 4), validation: barDigits(10, 5) };
  const result = await train(spec, small, { ...getRecipe("mdsist"), batchSize: 10 }, {
    epochs: 1,
    runDir,
  });
  const images = new Float32Array(3 * 784).map((_, i) => (i % 29) / 28);
  const expected = await result.classifier.predict(images, 3);
  const loaded = await loadClassifier(runDir);
  assert.equal(loaded.name, "tiny-cnn/mdsist");
  assert.equal(loaded.classCount, 10);
  assert.deepEqual(await loaded.predict(images, 3), expected);
  result.model.dispose();
  await Deno.remove(runDir, { recursive: true });
});

Deno.test("best-val-loss recipes keep the best epoch's weights", async () => {
  const runDir = await Deno.makeTempDir();
  let calls = 0;
  const batchesPerEpoch = Math.ceil(data.train.count / recipe.batchSize);
  // Epochs 3–4 train on inverted images, so validation loss rises after epoch 2.
  const augment = (images: Float32Array) =>
    calls++ >= 2 * batchesPerEpoch ? images.map((v) => 1 - v) : images;
  const result = await train(getModelSpec("logistic-regression"), data, {
    ...recipe,
    optimizer: { kind: "adam", learningRate: 0.05 },
    keep: "best-val-loss",
  }, { epochs: 4, seed: 2, runDir, augment });
  const losses = result.history.map((r) => r.valLoss);
  const best = losses.indexOf(Math.min(...losses)) + 1;
  assert.ok(best <= 2, `val losses ${losses}`);
  assert.equal(result.keptEpoch, best);
  assert.equal(result.final.epoch, best);
  const stored = await loadClassifier(runDir);
  const images = new Float32Array(784).fill(0.5);
  assert.deepEqual(await stored.predict(images, 1), await result.classifier.predict(images, 1));
  result.model.dispose();
  await Deno.remove(runDir, { recursive: true });
});

Deno.test("a NaN loss stops training, naming epoch and batch, and keeps the last checkpoint", async () => {
  const runDir = await Deno.makeTempDir();
  let calls = 0;
  const batchesPerEpoch = Math.ceil(data.train.count / recipe.batchSize); // 5
  const poison = (images: Float32Array) =>
    ++calls === batchesPerEpoch + 3 ? images.map(() => NaN) : images;
  const before = tf.memory().numTensors;
  const error = await train(mlp, data, { ...recipe, keep: "best-val-loss" }, {
    epochs: 3,
    runDir,
    augment: poison,
    syncEvery: 2,
  }).catch((e) => e);
  assert.ok(error instanceof DivergedError);
  assert.equal(error.epoch, 2);
  assert.equal(error.batch, 3);
  assert.match(
    error.message,
    /NaN\/Inf at epoch 2, batch 3; the last good checkpoint is .*epoch-0001/,
  );
  assert.equal((await readLatest(runDir))?.latest, "epoch-0001");
  assert.equal(tf.memory().numTensors, before, "no tensors left behind after the error");
  const partial = await loadClassifier(runDir);
  assert.equal((await partial.predict(new Float32Array(784), 1)).length, 10);
  await Deno.remove(runDir, { recursive: true });
});

Deno.test("recipes augment with their src/augment pipeline, seeded; bad pipelines are refused", async () => {
  const augmented = { ...recipe, augmentation: getRecipe("adaptive-pool").augmentation };
  const run = async (r: Recipe) => {
    const result = await train(mlp, data, r, { epochs: 1, seed: 4 });
    const w = weightsOf(result.model);
    result.model.dispose();
    return w;
  };
  const a = await run(augmented);
  assert.deepEqual(await run(augmented), a);
  assert.notDeepEqual(await run(recipe), a, "augmentation changes what is learned");
  await assert.rejects(
    () => train(mlp, data, { ...recipe, augmentation: [{ op: "twirl" } as never] }, { epochs: 1 }),
    /augmentation step 1: unknown op "twirl"/,
  );
});
