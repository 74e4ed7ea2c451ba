/**
 * Batch-norm statistics recomputed from clean training images with the current weights.
 *
 * During training, each batch-norm layer's moving mean and variance trail the weights by about
 * `1 / (1 − momentum)` steps (100 for Keras' 0.99) and are measured on augmented images. With a
 * high learning rate the inference-mode network then differs from the one being trained, and
 * validation accuracy swings from epoch to epoch (seen on `strong-cnn`: 0.99 → 0.56 → 0.97).
 * Recomputing the statistics as exact averages over clean images, with dropout off, is the
 * remedy of stochastic weight averaging's `update_bn` (Izmailov et al. 2018).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PIXELS } from "../data/types.ts";
import type { TrainingArrays } from "./batches.ts";

/** The field every tfjs BatchNormalization reads at each training-mode call. */
interface WithMomentum {
  momentum: number;
}

/**
 * Sets every `BatchNormalization` layer's moving mean and variance of a sequential `model` to
 * the average of its batch statistics over `images` clean images of `data` (evenly spread
 * over it), each layer seeing what inference feeds it: the other layers, dropout included,
 * run in inference mode. Returns the number of layers updated (0 when the model has none).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { recalibrateBatchNorm } from "./batch_norm_stats.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [
 *   tf.layers.flatten({ inputShape: [28, 28, 1] }),
 *   tf.layers.batchNormalization(),
 * ] });
 * const data = { images: new Float32Array(4 * 784).fill(0.5), labels: new Int32Array(4), count: 4 };
 * strictEqual(recalibrateBatchNorm(model, data, 4), 1);
 * ```
 */
export function recalibrateBatchNorm(
  model: tf.LayersModel,
  data: TrainingArrays,
  images: number,
  batchSize = 256,
): number {
  const norms = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
  const count = Math.min(Math.floor(images), data.count);
  if (norms.length === 0 || count < 1) return 0;
  const momentum = norms.map((l) => (l as unknown as WithMomentum).momentum);
  const buffer = new Float32Array(Math.min(batchSize, count) * PIXELS);
  try {
    for (let start = 0, k = 1; start < count; start += batchSize, k++) {
      const n = Math.min(batchSize, count - start);
      for (let j = 0; j < n; j++) {
        const item = Math.floor(((start + j) * data.count) / count);
        buffer.set(data.images.subarray(item * PIXELS, (item + 1) * PIXELS), j * PIXELS);
      }
      // With momentum 1 − 1/k the k-th update makes the moving value the mean of k batches.
      for (const layer of norms) (layer as unknown as WithMomentum).momentum = 1 - 1 / k;
      tf.tidy(() => {
        let h: tf.Tensor = tf.tensor4d(buffer.subarray(0, n * PIXELS), [n, 28, 28, 1]);
        for (const layer of model.layers) {
          h = layer.apply(h, { training: norms.includes(layer) }) as tf.Tensor;
        }
      });
    }
  } finally {
    norms.forEach((l, i) => (l as unknown as WithMomentum).momentum = momentum[i]);
  }
  return norms.length;
}
