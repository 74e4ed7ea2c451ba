/**
 * A recipe's protocol result: the trained model's accuracy on the test part of the recipe's own
 * split, the number its source card reports, kept apart from comparisons (that split may hold
 * items other models trained on, or miss the comparison's test sets) and labelled as such.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { DigitDataset } from "../data/types.ts";
import type { ProtocolResult } from "../evaluate/types.ts";
import { toTrainingArrays } from "./batches.ts";
import { evaluateArrays } from "./step.ts";

/**
 * Evaluates `model` on `test` (the recipe split's test part) as the protocol result.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { protocolResult } from "./protocol.ts";
 * import { barDigits } from "../testing.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }),
 *   tf.layers.dense({ units: 10, activation: "softmax" })] });
 * const result = await protocolResult(model, barDigits(20, 1, "bars-test"), 10, "bars, seed 1");
 * strictEqual(result.n, 20);
 * strictEqual(result.testSet, "bars-test");
 * ```
 */
export async function protocolResult(
  model: tf.LayersModel,
  test: DigitDataset,
  classCount: number,
  note: string,
): Promise<ProtocolResult> {
  const { accuracy } = await evaluateArrays(model, toTrainingArrays(test), classCount);
  return { testSet: test.name, accuracy, n: test.count, note };
}
