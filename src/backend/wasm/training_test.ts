import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { buildModel, getModelSpec } from "../../models/mod.ts";
import { Random } from "../../util/random.ts";
import { setupWasmBackend } from "./mod.ts";
import { randomTensor, relativeError, testThreads } from "./testing.ts";

/** Gradients of the cross-entropy loss for every trainable weight, in inference mode. */
async function weightGradients(
  backend: "cpu" | "wasm",
  modelName: string,
  batch: number,
): Promise<[string, Float32Array][]> {
  await tf.setBackend(backend);
  const random = new Random(5);
  const images = randomTensor(random, [batch, 28, 28, 1]);
  for (let i = 0; i < images.values.length; i++) images.values[i] = (images.values[i] + 1) / 2;
  const model = buildModel(getModelSpec(modelName), { seed: 3 });
  const x = tf.tensor4d(images.values, [batch, 28, 28, 1]);
  const labels = tf.oneHot(
    tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), "int32"),
    10,
  );
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: false }) as tf.Tensor),
    variables,
  );
  // In the model's weight order (tfjs may suffix variable names to keep them unique).
  const result: [string, Float32Array][] = [];
  for (const [i, variable] of variables.entries()) {
    const name = model.trainableWeights[i].originalName;
    result.push([name, await grads[variable.name].data() as Float32Array]);
  }
  tf.dispose([x, labels, ...Object.values(grads)]);
  model.dispose();
  return result;
}

for (const modelName of ["keras-mnist-convnet", "lenet-5"]) {
  Deno.test(`${modelName}: every weight gradient on wasm matches cpu`, async () => {
    await setupWasmBackend({ threads: testThreads() });
    const expected = await weightGradients("cpu", modelName, 2);
    const actual = await weightGradients("wasm", modelName, 2);
    assert.equal(actual.length, expected.length);
    assert.ok(expected.length >= 4);
    for (const [i, [name, values]] of expected.entries()) {
      assert.ok(values.some((v) => v !== 0), `${name}: zero gradient`);
      // Relative to the largest entry (measured 1e-7 to 2e-6: summation orders differ).
      const error = relativeError(actual[i][1], values);
      assert.ok(error <= 1e-5, `${name}: error ${error}`);
    }
  });
}
