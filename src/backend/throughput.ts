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
  /** Backend the steps ran on. */
  backend: string;
  /** Timed images over timed seconds. */
  imagesPerSecond: number;
  /** Images per step. */
  batchSize: number;
  /** Timed steps. */
  steps: number;
  /** Wall time of the timed steps. */
  seconds: number;
}

/**
 * A seeded batch of random 28×28×1 images in [0, 1] and one-hot labels over 10 classes: the
 * input of a training-speed measurement (speed does not depend on pixel values).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { randomTrainingBatch } from "./throughput.ts";
 * const [x, y] = randomTrainingBatch(4, 0);
 * deepStrictEqual(x.shape, [4, 28, 28, 1]);
 * deepStrictEqual(y.shape, [4, 10]);
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

/** One Adam training step at a time on a fixed random batch; see {@link trainingStepTimer}. */
export interface TrainingStepTimer {
  /** Runs one training step and resolves to its duration in seconds. */
  step(): Promise<number>;
  /** Frees the batch and the optimiser state (compile the model again to train it further). */
  dispose(): void;
}

/**
 * Compiles `model` with Adam and categorical cross-entropy (replacing any compile settings) on
 * a seeded {@link randomTrainingBatch}, and returns a timer of single `trainOnBatch` steps: the
 * building block of training-speed benchmarks.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { trainingStepTimer } from "./throughput.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [
 *   tf.layers.flatten({ inputShape: [28, 28, 1] }),
 *   tf.layers.dense({ units: 10, activation: "softmax" }),
 * ] });
 * const timer = trainingStepTimer(model, 8);
 * ok((await timer.step()) > 0);
 * timer.dispose();
 * ```
 */
export function trainingStepTimer(
  model: tf.LayersModel,
  batchSize = 128,
  seed = 0,
): TrainingStepTimer {
  const [x, y] = randomTrainingBatch(batchSize, seed);
  const optimizer = tf.train.adam();
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  return {
    async step() {
      const start = performance.now();
      // trainOnBatch resolves after the loss is read back, so the step has really finished.
      await model.trainOnBatch(x, y);
      return (performance.now() - start) / 1000;
    },
    dispose() {
      tf.dispose([x, y]);
      optimizer.dispose();
    },
  };
}

/**
 * Median training speed in images/s from per-step durations (robust to the other processes
 * sharing the cores).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { medianImagesPerSecond } from "./throughput.ts";
 * strictEqual(medianImagesPerSecond([0.1, 0.2, 0.5], 128), 640);
 * ```
 */
export function medianImagesPerSecond(
  secondsPerStep: readonly number[],
  batchSize: number,
): number {
  if (secondsPerStep.length === 0) throw new RangeError("no steps were timed");
  const sorted = [...secondsPerStep].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return batchSize / median;
}

/**
 * Times `steps` training steps of `model` after `warmupSteps` untimed ones, with
 * {@link trainingStepTimer}. Leaves no tensors behind: the batch and the optimiser state are
 * disposed (compile the model again before training it further).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { measureTrainingThroughput } from "./throughput.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [
 *   tf.layers.flatten({ inputShape: [28, 28, 1] }),
 *   tf.layers.dense({ units: 10, activation: "softmax" }),
 * ] });
 * const result = await measureTrainingThroughput(model, { batchSize: 8, steps: 1, warmupSteps: 1 });
 * ok(result.imagesPerSecond > 0);
 * ```
 */
export async function measureTrainingThroughput(
  model: tf.LayersModel,
  options: ThroughputOptions = {},
): Promise<Throughput> {
  const { batchSize = 128, steps = 5, warmupSteps = 2, seed = 0 } = options;
  const timer = trainingStepTimer(model, batchSize, seed);
  try {
    for (let i = 0; i < warmupSteps; i++) await timer.step();
    let seconds = 0;
    for (let i = 0; i < steps; i++) seconds += await timer.step();
    return {
      backend: tf.getBackend(),
      imagesPerSecond: (steps * batchSize) / seconds,
      batchSize,
      steps,
      seconds,
    };
  } finally {
    timer.dispose();
  }
}
