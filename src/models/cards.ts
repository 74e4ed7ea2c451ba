/**
 * The architectures of the model cards this kit reproduces, layer for layer, with the parameter
 * counts the cards publish (pinned by `zoo_test.ts`).
 *
 * @module
 */
import type { ModelSpec } from "./spec.ts";

/**
 * Keras "Simple MNIST convnet" example: 34,826 parameters, test accuracy 0.9909 in its card.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { KERAS_MNIST_CONVNET } from "./cards.ts";
 * strictEqual(KERAS_MNIST_CONVNET.expectedParams, 34826);
 * ```
 */
export const KERAS_MNIST_CONVNET: ModelSpec = {
  name: "keras-mnist-convnet",
  description: "Keras simple MNIST convnet: 2×(conv 3×3 + max-pool), dropout, softmax",
  source: "keras.io/examples/vision/mnist_convnet (Keras model card)",
  preprocessing: "unit",
  init: "glorot-uniform",
  defaultRecipe: "keras-convnet",
  expectedParams: 34_826,
  layers: [
    { kind: "conv", name: "conv1", filters: 32, kernel: 3, activation: "relu" },
    { kind: "max-pool", name: "pool1", size: 2 },
    { kind: "conv", name: "conv2", filters: 64, kernel: 3, activation: "relu" },
    { kind: "max-pool", name: "pool2", size: 2 },
    { kind: "flatten", name: "flatten" },
    { kind: "dropout", name: "dropout", rate: 0.5 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/**
 * Three valid 3×3 convolutions (28→22) then global average pooling and one dense layer:
 * 56,394 parameters. The PyTorch card applies log-softmax/cross-entropy on logits; here the
 * softmax is the model output and the loss is the same categorical cross-entropy.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ADAPTIVE_POOL_CNN } from "./cards.ts";
 * strictEqual(ADAPTIVE_POOL_CNN.expectedParams, 56394);
 * ```
 */
export const ADAPTIVE_POOL_CNN: ModelSpec = {
  name: "adaptive-pool-cnn",
  description: "3 valid 3×3 convs (28→22), global average pool, dense 64→10",
  source: "3-conv adaptive-pool CNN model card (PyTorch, AdaptiveAvgPool2d(1))",
  preprocessing: "symmetric",
  init: "pytorch-default",
  defaultRecipe: "adaptive-pool",
  expectedParams: 56_394,
  layers: [
    { kind: "conv", name: "conv1", filters: 32, kernel: 3, activation: "relu" },
    { kind: "conv", name: "conv2", filters: 64, kernel: 3, activation: "relu" },
    { kind: "conv", name: "conv3", filters: 64, kernel: 3, activation: "relu" },
    { kind: "global-avg-pool", name: "gap" },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/**
 * The MLOps-mdsist CNN: two same-padded convs with max-pooling, dense 128: 206,922 parameters.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { MDSIST_CNN } from "./cards.ts";
 * strictEqual(MDSIST_CNN.expectedParams, 206922);
 * ```
 */
export const MDSIST_CNN: ModelSpec = {
  name: "mdsist-cnn",
  description: "2×(conv 3×3 same + max-pool), flatten 1568, dense 128, dense 10",
  source: "MLOps-mdsist model card (PyTorch)",
  preprocessing: "symmetric",
  init: "pytorch-default",
  defaultRecipe: "mdsist",
  expectedParams: 206_922,
  layers: [
    { kind: "conv", name: "conv1", filters: 16, kernel: 3, padding: "same", activation: "relu" },
    { kind: "max-pool", name: "pool1", size: 2 },
    { kind: "conv", name: "conv2", filters: 32, kernel: 3, padding: "same", activation: "relu" },
    { kind: "max-pool", name: "pool2", size: 2 },
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "fc1", units: 128, activation: "relu" },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/**
 * The Kaggle digit-recognizer CNN (PyTorch): 5×5 convs with padding 1 (28→26→24), max-pool 2
 * with stride 1 (24→23), 3×3 convs with padding 1 (23→23), max-pool 2 stride 2 (23→11), so the
 * flatten is 11·11·64 = 7,744 and the model has 15,964,138 parameters. The first conv of each
 * pair has no activation, as in the card.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { KAGGLE_DIGIT_RECOGNIZER } from "./cards.ts";
 * strictEqual(KAGGLE_DIGIT_RECOGNIZER.expectedParams, 15964138);
 * ```
 */
export const KAGGLE_DIGIT_RECOGNIZER: ModelSpec = {
  name: "kaggle-digit-recognizer",
  description: "conv 5×5 pad 1 ×2, max-pool 2/1, conv 3×3 pad 1 ×2, max-pool 2/2, dense 2048",
  source: "Kaggle digit-recognizer model card (PyTorch)",
  preprocessing: "unit",
  init: "pytorch-default",
  defaultRecipe: "kaggle-cnn",
  expectedParams: 15_964_138,
  layers: [
    { kind: "conv", name: "conv1", filters: 32, kernel: 5, padding: 1 },
    { kind: "conv", name: "conv2", filters: 32, kernel: 5, padding: 1, activation: "relu" },
    { kind: "max-pool", name: "pool1", size: 2, stride: 1 },
    { kind: "dropout", name: "drop1", rate: 0.5 },
    { kind: "conv", name: "conv3", filters: 64, kernel: 3, padding: 1 },
    { kind: "conv", name: "conv4", filters: 64, kernel: 3, padding: 1, activation: "relu" },
    { kind: "max-pool", name: "pool2", size: 2, stride: 2 },
    { kind: "dropout", name: "drop2", rate: 0.5 },
    { kind: "flatten", name: "flatten" },
    { kind: "dropout", name: "drop3", rate: 0.5 },
    { kind: "dense", name: "fc1", units: 2048, activation: "relu" },
    { kind: "dropout", name: "drop4", rate: 0.5 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/** Options of the {@link beyondMnistSpec} family. */
export interface BeyondMnistOptions {
  /** Filters of each conv block (one 3×3 conv per entry); default [32, 64] as in Keras' example. */
  filters?: number[];
  /** Max-pool after every `poolEvery` convs (and after the last); default 2. */
  poolEvery?: number;
  /** Dropout after the conv stack; default 0.25. */
  convDropout?: number;
  /** Units of the hidden dense layer; default 128. */
  denseUnits?: number;
  /** Dropout before the output; default 0.5. */
  denseDropout?: number;
  /** Spec name; default `beyond-mnist`. */
  name?: string;
}

/**
 * The "Beyond MNIST" (Keras, MNIST + EMNIST digits) card publishes no architecture, so this is a
 * configurable Keras-style CNN family. The default is Keras' classic `mnist_cnn.py`
 * (conv 32, conv 64, max-pool, dropout 0.25, dense 128, dropout 0.5: 1,199,882 parameters).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { beyondMnistSpec } from "./cards.ts";
 * const wide = beyondMnistSpec({ filters: [32, 64, 128], name: "beyond-mnist-wide" });
 * strictEqual(wide.layers.length, 10);
 * ```
 */
export function beyondMnistSpec(options: BeyondMnistOptions = {}): ModelSpec {
  const filters = options.filters ?? [32, 64];
  const poolEvery = options.poolEvery ?? 2;
  const layers: ModelSpec["layers"] = [];
  filters.forEach((f, i) => {
    layers.push({ kind: "conv", name: `conv${i + 1}`, filters: f, kernel: 3, activation: "relu" });
    if ((i + 1) % poolEvery === 0 || i === filters.length - 1) {
      layers.push({ kind: "max-pool", name: `pool${i + 1}`, size: 2 });
    }
  });
  layers.push(
    { kind: "dropout", name: "conv_dropout", rate: options.convDropout ?? 0.25 },
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "fc1", units: options.denseUnits ?? 128, activation: "relu" },
    { kind: "dropout", name: "dense_dropout", rate: options.denseDropout ?? 0.5 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  );
  return {
    name: options.name ?? "beyond-mnist",
    description: `Keras-style CNN family (filters ${filters.join(",")}); card publishes none`,
    source: "Beyond-MNIST Keras card (MNIST + EMNIST digits): architecture not published; " +
      "default = Keras mnist_cnn.py",
    preprocessing: "unit",
    init: "glorot-uniform",
    defaultRecipe: "beyond-mnist",
    layers,
  };
}
