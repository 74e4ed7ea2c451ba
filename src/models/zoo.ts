/**
 * The model zoo: every named {@link ModelSpec} the CLI and the report know about.
 *
 * @module
 */
import { lookup } from "../util/registry.ts";
import { LENET5, LOGISTIC_REGRESSION, MLP, STRONG_CNN } from "./baselines.ts";
import {
  ADAPTIVE_POOL_CNN,
  beyondMnistSpec,
  KAGGLE_DIGIT_RECOGNIZER,
  KERAS_MNIST_CONVNET,
  MDSIST_CNN,
} from "./cards.ts";
import type { ModelSpec } from "./spec.ts";

/**
 * Every built-in model spec by name: the five card architectures, then the baselines.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { MODEL_ZOO } from "./zoo.ts";
 * ok(["logistic-regression", "mlp", "lenet-5", "strong-cnn"].every((name) => name in MODEL_ZOO));
 * ```
 */
export const MODEL_ZOO: Readonly<Record<string, ModelSpec>> = Object.freeze(
  Object.fromEntries(
    [
      KERAS_MNIST_CONVNET,
      ADAPTIVE_POOL_CNN,
      MDSIST_CNN,
      KAGGLE_DIGIT_RECOGNIZER,
      beyondMnistSpec(),
      LOGISTIC_REGRESSION,
      MLP,
      LENET5,
      STRONG_CNN,
    ].map((spec) => [spec.name, spec]),
  ),
);

/**
 * A deep copy of the named spec (safe to tweak); throws a {@link UsageError} listing the known
 * names when `name` is unknown.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { getModelSpec } from "./zoo.ts";
 * const spec = getModelSpec("keras-mnist-convnet");
 * spec.layers[5] = { kind: "dropout", name: "dropout", rate: 0.3 };
 * strictEqual(getModelSpec("keras-mnist-convnet").layers[5].kind, "dropout");
 * strictEqual((getModelSpec("keras-mnist-convnet").layers[5] as { rate: number }).rate, 0.5); // the zoo is unchanged
 * ```
 */
export function getModelSpec(name: string): ModelSpec {
  return structuredClone(lookup(MODEL_ZOO, name, "model"));
}
