import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/mod.ts";
import { getModelSpec } from "../models/zoo.ts";
import { getRecipe } from "./recipes.ts";
import { barDigits } from "../testing.ts";
import { train } from "./train.ts";

const skipTensorflow = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
const data = { train: barDigits(96, 1), validation: barDigits(32, 2) };
const recipe = { ...getRecipe("keras-convnet"), batchSize: 32 };

async function trainedWeights(
  seed: number,
): Promise<{ weights: Float32Array[]; counts: number[] }> {
  const counts: number[] = [];
  const result = await train(getModelSpec("keras-mnist-convnet"), data, recipe, {
    epochs: 3,
    seed,
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  const weights = result.model.getWeights().map((w) => w.dataSync() as Float32Array);
  result.model.dispose();
  return { weights, counts };
}

for (const backend of ["tensorflow", "wasm"] as const) {
  Deno.test({
    name:
      `${backend}: keras-mnist-convnet trains reproducibly (same seed, same weights) without leaks`,
    ignore: backend === "tensorflow" && skipTensorflow,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      await initBackend(backend, { threads: 2 });
      const a = await trainedWeights(11), b = await trainedWeights(11);
      assert.deepEqual(a.weights, b.weights);
      assert.ok(a.counts.every((c) => c === a.counts[0]), `tensor counts ${a.counts}`);
      await tf.setBackend("cpu");
    },
  });
}
