/**
 * Training throughput of a model on the active backend: images per second of Adam steps on
 * random data, the number `bench/backends_bench.ts` and backend choices are judged by.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random.ts";

/** Options for {@link measureTrainingThroughput}. */
export interface ThroughputOptions {
  /** Images per training step; 128 by default (the Keras CNN card's batch). */
  batchSize?: number;
  /** Timed steps; 5 by default. */
  steps?: number;
  /** Untimed steps first (kernel set-up, memory pools); 2 by default. */
  warmupSteps?: number;
  /** Seed of the random images and labels; 0 by default. */
  seed?: number;
}

/** Result of {@link measureTrainingThroughput}. */
export interface Throughput {
  backend: string;
  imagesPerSecond: number;
  batchSize: number;
  steps: number;
  seconds: number;
}

/**
 * A seeded batch of random 28×28×1 images in [0, 1] and one-hot labels over 10 classes: the
 * input of a training-speed measurement (speed does not depend on pixel values).
 *
 * @example
 * ```ts
 * import { randomTrainingBatch } from "./throughput.ts";
 * const [x, y] = randomTrainingBatch(4, 0);
 * console.log(x.shape, y.shape); // [4, 28, 28, 1] [4, 10]
 * ```
 */
export function randomTrainingBatch(batchSize: number, seed = 0): [tf.Tensor4D, tf.Tensor2D] {
  const random = new Random(seed);
  const pixels = new Float32Array(batchSize * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = random.next();
  const labels = new Int32Array(batchSize);
  for (let i = 0; i < batchSize; i++) labels[i] = random.int(10);
  return [
    tf.tensor4d(pixels, [batchSize, 28, 28, 1]),
    tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat() as tf.Tensor2D),
  ];
}

/**
 * Compiles `model` with Adam and categorical cross-entropy (replacing any compile settings and
 * changing its weights) and times `trainOnBatch` on seeded random 28×28×1 images in [0, 1].
 * Leaves no tensors behind: the batch and the optimiser state are disposed (compile the model
 * again before training it further).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { measureTrainingThroughput } from "./throughput.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [
 *   tf.layers.flatten({ inputShape: [28, 28, 1] }),
 *   tf.layers.dense({ units: 10, activation: "softmax" }),
 * ] });
 * const result = await measureTrainingThroughput(model, { batchSize: 8, steps: 1, warmupSteps: 1 });
 * console.log(result.imagesPerSecond > 0); // true
 * ```
 */
export async function measureTrainingThroughput(
  model: tf.LayersModel,
  options: ThroughputOptions = {},
): Promise<Throughput> {
  const { batchSize = 128, steps = 5, warmupSteps = 2, seed = 0 } = options;
  const [x, y] = randomTrainingBatch(batchSize, seed);
  const optimizer = tf.train.adam();
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  try {
    // trainOnBatch resolves after the loss is read back, so every step has really finished.
    for (let i = 0; i < warmupSteps; i++) await model.trainOnBatch(x, y);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    const seconds = (performance.now() - start) / 1000;
    return {
      backend: tf.getBackend(),
      imagesPerSecond: (steps * batchSize) / seconds,
      batchSize,
      steps,
      seconds,
    };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
}
