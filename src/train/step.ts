/**
 * One optimizer step and batched evaluation, with all per-batch numbers left on the device
 * (returned as scalars) so the loop reads them in bulk instead of stalling on every batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, TrainingArrays } from "./batches.ts";
import { PIXELS } from "../data/types.ts";

/**
 * Keras' clip of probabilities before the log (both engines' loss uses it).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { PROB_EPSILON } from "./step.ts";
 * strictEqual(PROB_EPSILON, 1e-7);
 * ```
 */
export const PROB_EPSILON = 1e-7;

/** Loss and number of correct predictions of one batch, still on the device. */
export interface StepResult {
  /** Mean cross-entropy of the batch (without weight decay). */
  loss: tf.Scalar;
  /** Number of correctly classified images. */
  correct: tf.Scalar;
}

/** Options of {@link trainStep}. */
export interface StepOptions {
  classCount: number;
  /** Label smoothing ε: targets become (1−ε)·onehot + ε/K. */
  labelSmoothing?: number;
  /** Coupled L2 weight decay added to the gradient (wd·θ), for optimizers without their own. */
  weightDecay?: number;
}

/**
 * Mean categorical cross-entropy of probabilities `probs` against targets `target`, clipped
 * like Keras' `categorical_crossentropy`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { crossEntropy } from "./step.ts";
 * await tf.setBackend("cpu");
 * const loss = crossEntropy(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.5, 0.5]]));
 * strictEqual(loss.dataSync()[0].toFixed(4), "0.6931");
 * ```
 */
export function crossEntropy(target: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(probs, PROB_EPSILON, 1 - PROB_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(clipped)), -1))) as tf.Scalar;
  });
}

/**
 * One training step on `batch` (pixels in [0, 1]): forward in training mode, loss, gradients,
 * optimizer update. Returns device scalars the caller must dispose.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { trainStep } from "./step.ts";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const batch = { images: new Float32Array(2 * 784), labels: new Int32Array([1, 2]), count: 2 };
 * const { loss, correct } = trainStep(model, tf.train.sgd(0.1), batch, { classCount: 10 });
 * strictEqual(loss.dataSync()[0].toFixed(4), "2.3026"); // ln 10: blank images, uniform output
 * tf.dispose([loss, correct]);
 * ```
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: Batch,
  options: StepOptions,
): StepResult {
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [batch.count, 28, 28, 1]);
    const labels = tf.tensor1d(batch.labels, "int32");
    const target = oneHotTargets(labels, options.classCount, options.labelSmoothing ?? 0);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const decay = options.weightDecay ?? 0;
    let correct: tf.Scalar | undefined;
    let dataLoss: tf.Scalar | undefined;
    const cost = optimizer.minimize(
      () => {
        const probs = model.apply(x, { training: true }) as tf.Tensor;
        correct = tf.keep(countCorrect(probs, labels));
        const loss = crossEntropy(target, probs);
        if (decay === 0) return loss;
        dataLoss = tf.keep(loss);
        const l2 = tf.addN(variables.map((v) => tf.sum(tf.square(v))));
        return tf.add(loss, tf.mul(l2, decay / 2)) as tf.Scalar;
      },
      true,
      variables,
    )!;
    // The reported loss is the data term; the optimised cost adds the L2 penalty.
    return { loss: decay === 0 ? cost : dataLoss!, correct: correct! };
  });
}

/**
 * Mean loss and accuracy of `model` (inference mode) over `data`, in batches.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { evaluateArrays } from "./step.ts";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const data = { images: new Float32Array(3 * 784), labels: new Int32Array([0, 1, 2]), count: 3 };
 * const { loss, accuracy } = await evaluateArrays(model, data, 10);
 * strictEqual(loss.toFixed(4), "2.3026"); // blank images: every class gets 1/10
 * strictEqual(accuracy, 1 / 3); // ties go to class 0, the first label
 * model.dispose();
 * ```
 */
export async function evaluateArrays(
  model: tf.LayersModel,
  data: TrainingArrays,
  classCount: number,
  batchSize = 500,
): Promise<{ loss: number; accuracy: number }> {
  if (data.count === 0) return { loss: NaN, accuracy: NaN };
  let totals = tf.zeros([2]);
  for (let from = 0; from < data.count; from += batchSize) {
    const to = Math.min(data.count, from + batchSize);
    const next = tf.tidy(() => {
      const x = tf.tensor4d(data.images.subarray(from * PIXELS, to * PIXELS), [
        to - from,
        28,
        28,
        1,
      ]);
      const labels = tf.tensor1d(data.labels.subarray(from, to), "int32");
      const probs = model.apply(x, { training: false }) as tf.Tensor;
      const lossSum = tf.mul(crossEntropy(tf.oneHot(labels, classCount), probs), to - from);
      return tf.add(totals, tf.stack([lossSum, countCorrect(probs, labels)]));
    });
    totals.dispose();
    totals = next;
  }
  const [lossSum, correct] = await totals.data();
  totals.dispose();
  return { loss: lossSum / data.count, accuracy: correct / data.count };
}

function oneHotTargets(labels: tf.Tensor1D, classCount: number, smoothing: number): tf.Tensor {
  const oneHot = tf.oneHot(labels, classCount).toFloat();
  return smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / classCount) : oneHot;
}

function countCorrect(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), labels), "float32")) as tf.Scalar;
}
