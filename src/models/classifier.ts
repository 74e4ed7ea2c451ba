/**
 * The one interface evaluation needs from a trained model: probabilities for a batch of digits.
 * Keeps `src/evaluate` independent of how a model was built or which backend runs it.
 *
 * @module
 */

/**
 * A trained digit classifier.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { Classifier } from "./classifier.ts";
 * const uniform: Classifier = {
 *   name: "uniform",
 *   classCount: 10,
 *   predict: (images, count) => Promise.resolve(new Float32Array(count * 10).fill(0.1)),
 * };
 * strictEqual((await uniform.predict(new Float32Array(784), 1)).length, 10);
 * ```
 */
export interface Classifier {
  /** Display name (model spec name, or a run name). */
  name: string;
  /** Number of output classes. */
  classCount: number;
  /** How `predict` runs, when it can say (tfjs models: `graph` or `eager`). */
  readonly engine?: string;
  /**
   * Class probabilities for `count` images of 28×28 pixels scaled to [0, 1] (row-major,
   * white digit on black). Returns `count × classCount` floats, rows summing to 1.
   * The classifier applies its own input normalisation (e.g. to [-1, 1]).
   */
  predict(images: Float32Array, count: number): Promise<Float32Array>;
}
