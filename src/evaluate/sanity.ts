/**
 * A model must give finite probabilities before it is evaluated: NaN confidences (damaged
 * weights, a diverged run saved by other tools) would otherwise become a plausible-looking
 * report of chance-level accuracy.
 *
 * @module
 */
import type { DigitDataset } from "../data/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { InputError } from "../util/errors.ts";

/** Images of the first test set each model is probed on. */
const PROBE_COUNT = 64;

/**
 * Throws an {@link InputError} naming the model (its entry of `sources`, e.g. the run folder)
 * whose outputs on the first {@link PROBE_COUNT} images of `testSets[0]` are not all finite.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { refuseNonFiniteOutputs } from "./sanity.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const digits = codedDigits(10);
 * await refuseNonFiniteOutputs([codedClassifier("a")], [digits], ["runs/a"]);
 * const broken = { name: "b", classCount: 10, predict: (_: Float32Array, n: number) =>
 *   Promise.resolve(new Float32Array(n * 10).fill(NaN)) };
 * await rejects(
 *   refuseNonFiniteOutputs([broken], [digits], ["runs/b"]),
 *   /runs\/b: expected a model with finite outputs, found NaN\/Inf on 10 of 10 test images/,
 * );
 * ```
 */
export async function refuseNonFiniteOutputs(
  classifiers: readonly Classifier[],
  testSets: readonly DigitDataset[],
  sources: readonly string[],
): Promise<void> {
  const set = testSets[0];
  if (!set) return;
  const count = Math.min(PROBE_COUNT, set.count);
  const pixels = Float32Array.from(set.images.subarray(0, count * 784), (v) => v / 255);
  for (const [i, classifier] of classifiers.entries()) {
    const probabilities = await classifier.predict(pixels, count);
    let bad = 0;
    for (let item = 0; item < count; item++) {
      const row = probabilities.subarray(
        item * classifier.classCount,
        (item + 1) * classifier.classCount,
      );
      if (!row.every(Number.isFinite)) bad++;
    }
    if (bad > 0) {
      throw new InputError(
        sources[i] ?? classifier.name,
        "",
        "a model with finite outputs",
        `NaN/Inf on ${bad} of ${count} test images (${set.name})`,
      );
    }
  }
}
