import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { recalibrateBatchNorm } from "./batch_norm_stats.ts";
import { Random } from "../util/random.ts";
import { toTrainingArrays } from "./batches.ts";
import { getRecipe } from "./recipes.ts";
import { barDigits } from "../testing.ts";
import { train } from "./train.ts";

await tf.setBackend("cpu");

/** conv → dropout 0.9 → batch norm, with deliberately wrong moving statistics. */
function model(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 3,
        kernelSize: 3,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
      tf.layers.dropout({ rate: 0.9 }),
      tf.layers.batchNormalization({ momentum: 0.99 }),
    ],
  });
  const bn = m.layers[2];
  const [gamma, beta] = bn.getWeights();
  bn.setWeights([gamma, beta, tf.fill([3], 7), tf.fill([3], 9)]);
  return m;
}

function images(count: number): { images: Float32Array; labels: Int32Array; count: number } {
  const random = new Random(5);
  const pixels = Float32Array.from({ length: count * 784 }, () => random.next());
  return { images: pixels, labels: new Int32Array(count), count };
}

Deno.test("recalibrated statistics are the clean data's batch moments, dropout off", () => {
  const m = model();
  const data = images(6);
  assert.equal(recalibrateBatchNorm(m, data, 6, 64), 1);
  const conv = m.layers[0].apply(tf.tensor4d(data.images, [6, 28, 28, 1])) as tf.Tensor;
  const { mean, variance } = tf.moments(conv, [0, 1, 2]);
  const [, , movingMean, movingVariance] = m.layers[2].getWeights();
  for (const [actual, expected] of [[movingMean, mean], [movingVariance, variance]]) {
    const a = actual.dataSync(), e = expected.dataSync();
    e.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < 1e-5, `${a[i]} vs ${v}`));
  }
  assert.equal((m.layers[2] as unknown as { momentum: number }).momentum, 0.99, "restored");
});

Deno.test("several batches average their statistics with equal weight", () => {
  const m = model();
  const data = images(8);
  recalibrateBatchNorm(m, data, 8, 4);
  const conv = m.layers[0];
  const batchMean = (from: number) =>
    tf.moments(
      conv.apply(
        tf.tensor4d(data.images.subarray(from * 784, (from + 4) * 784), [4, 28, 28, 1]),
      ) as tf.Tensor,
      [0, 1, 2],
    ).mean.dataSync();
  const first = batchMean(0), second = batchMean(4);
  const moving = m.layers[2].getWeights()[2].dataSync();
  moving.forEach((v, i) => assert.ok(Math.abs(v - (first[i] + second[i]) / 2) < 1e-5));
});

Deno.test("models without batch norm are left alone", () => {
  const m = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] })] });
  assert.equal(recalibrateBatchNorm(m, images(2), 2), 0);
  assert.equal(recalibrateBatchNorm(model(), images(2), 0), 0);
});

Deno.test("a recipe with batchNormRecalibration leaves recalibrated statistics after training", async () => {
  const spec = {
    name: "bn-probe",
    description: "conv-BN probe",
    source: "test",
    preprocessing: "unit" as const,
    init: "he-normal" as const,
    defaultRecipe: "baseline-adam",
    layers: [
      { kind: "conv" as const, name: "conv", filters: 2, kernel: 3 },
      { kind: "batch-norm" as const, name: "bn" },
      { kind: "flatten" as const, name: "flatten" },
      { kind: "dense" as const, name: "output", units: 10, activation: "softmax" as const },
    ],
  };
  const data = barDigits(32, 1);
  const recipe = { ...getRecipe("baseline-adam"), batchSize: 8, batchNormRecalibration: 32 };
  const result = await train(spec, { train: data }, recipe, { epochs: 1, seed: 3 });
  const bn = result.model.getLayer("bn");
  const after = bn.getWeights()[2].dataSync().slice();
  // Recomputing on the same images with the same weights must change nothing.
  recalibrateBatchNorm(result.model, toTrainingArrays(data), 32);
  const again = bn.getWeights()[2].dataSync();
  after.forEach((v, i) => assert.ok(Math.abs(v - again[i]) < 1e-5, `${v} vs ${again[i]}`));
  assert.ok(after.some((v) => Math.abs(v) > 1e-3), "statistics moved off their zero start");
  result.model.dispose();
});
