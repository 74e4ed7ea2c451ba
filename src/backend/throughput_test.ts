import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { measureTrainingThroughput, medianImagesPerSecond } from "./throughput.ts";

Deno.test("measureTrainingThroughput trains the model and reports images per second", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: "zeros" }),
    ],
  });
  const tensorsBefore = tf.memory().numTensors;
  const result = await measureTrainingThroughput(model, { batchSize: 4, steps: 3, warmupSteps: 1 });
  assert.equal(result.backend, "cpu");
  assert.equal(result.batchSize, 4);
  assert.equal(result.steps, 3);
  assert.ok(result.seconds > 0);
  assert.ok(Math.abs(result.imagesPerSecond - 12 / result.seconds) < 1e-9);
  // Adam moved the zero-initialised kernel.
  const kernel = model.getWeights()[0].dataSync();
  assert.ok(kernel.some((v) => v !== 0));
  assert.equal(tf.memory().numTensors, tensorsBefore, "batch and optimiser state disposed");
  model.dispose();
});

Deno.test("medianImagesPerSecond takes the median step, odd and even counts", () => {
  assert.equal(medianImagesPerSecond([0.5, 0.1, 0.2], 128), 640);
  assert.equal(medianImagesPerSecond([0.1, 0.3, 0.2, 9], 10), 40);
  assert.throws(() => medianImagesPerSecond([], 128), RangeError);
});
