/**
 * The validation at the end of each training epoch: loss and accuracy of the model on the
 * validation set, through the model's compiled inference graph where it has one (tensorflow
 * backend, supported layers: one session run per 1000 images, ~20–30% faster than op-by-op
 * tfjs), else op by op on the device ({@link evaluateArrays}). Both compute the same figures.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { decide } from "../evaluate/metrics.ts";
import { type ModelClassifier, modelClassifier } from "../models/tf_classifier.ts";
import type { TrainingArrays } from "./batches.ts";
import { evaluateArrays, PROB_EPSILON } from "./step.ts";

/** Mean loss and accuracy over a data set. */
export interface Metrics {
  loss: number;
  accuracy: number;
}

/**
 * The kit's validation figures from predicted probabilities (`count × classCount`, row-major):
 * the mean cross-entropy with probabilities clipped to [ε, 1 − ε] (Keras' ε, as in training),
 * and the fraction of rows whose first largest probability is the label.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { probabilityMetrics } from "./validation.ts";
 * const probs = new Float32Array([0.9, 0.1, 0.5, 0.5]);
 * const { loss, accuracy } = probabilityMetrics(probs, new Int32Array([0, 1]), 2);
 * strictEqual(loss.toFixed(5), "0.39925"); // (−ln 0.9 − ln 0.5) / 2
 * strictEqual(accuracy, 0.5); // the tie goes to class 0, as argMax picks
 * ```
 */
export function probabilityMetrics(
  probs: Float32Array,
  labels: Int32Array,
  classCount: number,
): Metrics {
  const count = labels.length;
  if (probs.length !== count * classCount) {
    throw new Error(`expected ${count} × ${classCount} probabilities, got ${probs.length}`);
  }
  if (count === 0) return { loss: NaN, accuracy: NaN };
  // Clipped above too, as training's loss is (the evaluation suites clip to [ε, 1]).
  const low = Math.fround(PROB_EPSILON), high = Math.fround(1 - PROB_EPSILON);
  const { predicted } = decide(probs, count, classCount);
  let lossSum = 0, correct = 0;
  for (let i = 0; i < count; i++) {
    lossSum -= Math.log(Math.min(high, Math.max(low, probs[i * classCount + labels[i]])));
    if (predicted[i] === labels[i]) correct++;
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

/**
 * A function that validates `model` on `data` with its current weights, each time it is
 * called, and the engine it uses (`graph` or `eager`); predictions go through `classifier` (a
 * classifier of `model`, whose compiled graph is then shared) or a new one.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * import { makeValidator } from "./validation.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const data = { images: new Float32Array(2 * 784), labels: new Int32Array([3, 7]), count: 2 };
 * const validator = makeValidator(model, "lr", data, 10);
 * strictEqual(validator.engine, "eager");
 * ok([0, 0.5, 1].includes((await validator.validate()).accuracy));
 * model.dispose();
 * ```
 */
export function makeValidator(
  model: tf.LayersModel,
  name: string,
  data: TrainingArrays,
  classCount: number,
  classifier: ModelClassifier = modelClassifier(model, name),
): { engine: "graph" | "eager"; validate: () => Promise<Metrics> } {
  if (classifier.engine !== "graph") {
    return { engine: "eager", validate: () => evaluateArrays(model, data, classCount) };
  }
  const labels = data.labels.subarray(0, data.count);
  return {
    engine: "graph",
    validate: async () =>
      probabilityMetrics(await classifier.predict(data.images, data.count), labels, classCount),
  };
}
