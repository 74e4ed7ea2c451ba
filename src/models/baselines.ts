/**
 * Reference models beside the cards: logistic regression, an MLP, LeNet-5, and a strong modern
 * CNN (batch norm, dropout; trained with augmentation and a one-cycle schedule by its recipe).
 *
 * @module
 */
import type { LayerSpec, ModelSpec } from "./spec.ts";

/**
 * Multinomial logistic regression on raw pixels (7,850 parameters).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { LOGISTIC_REGRESSION } from "./baselines.ts";
 * strictEqual(LOGISTIC_REGRESSION.expectedParams, 7850);
 * ```
 */
export const LOGISTIC_REGRESSION: ModelSpec = {
  name: "logistic-regression",
  description: "softmax regression on the 784 pixels",
  source: "baseline",
  preprocessing: "unit",
  init: "glorot-uniform",
  defaultRecipe: "baseline-adam",
  expectedParams: 7_850,
  layers: [
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/**
 * Two hidden ReLU layers (256, 128) with dropout: 235,146 parameters.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { MLP } from "./baselines.ts";
 * strictEqual(MLP.expectedParams, 235146);
 * ```
 */
export const MLP: ModelSpec = {
  name: "mlp",
  description: "MLP 784-256-128-10, ReLU, dropout 0.2",
  source: "baseline",
  preprocessing: "unit",
  init: "he-normal",
  defaultRecipe: "baseline-adam",
  expectedParams: 235_146,
  layers: [
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "fc1", units: 256, activation: "relu" },
    { kind: "dropout", name: "drop1", rate: 0.2 },
    { kind: "dense", name: "fc2", units: 128, activation: "relu" },
    { kind: "dropout", name: "drop2", rate: 0.2 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

/**
 * LeNet-5 (LeCun et al. 1998) as usually adapted to 28×28 input: the first conv pads by 2 so
 * C1 sees 32×32; tanh and average pooling; full C3 connectivity. 61,706 parameters.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { LENET5 } from "./baselines.ts";
 * strictEqual(LENET5.expectedParams, 61706);
 * ```
 */
export const LENET5: ModelSpec = {
  name: "lenet-5",
  description: "LeNet-5: conv 6@5×5, avg-pool, conv 16@5×5, avg-pool, dense 120-84-10, tanh",
  source: "LeCun et al. 1998 (C3 fully connected, softmax output instead of RBF)",
  preprocessing: "unit",
  init: "glorot-uniform",
  defaultRecipe: "baseline-adam",
  expectedParams: 61_706,
  layers: [
    { kind: "conv", name: "c1", filters: 6, kernel: 5, padding: 2, activation: "tanh" },
    { kind: "avg-pool", name: "s2", size: 2 },
    { kind: "conv", name: "c3", filters: 16, kernel: 5, activation: "tanh" },
    { kind: "avg-pool", name: "s4", size: 2 },
    { kind: "flatten", name: "flatten" },
    { kind: "dense", name: "c5", units: 120, activation: "tanh" },
    { kind: "dense", name: "f6", units: 84, activation: "tanh" },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};

function convBn(
  name: string,
  filters: number,
  kernel: number,
  stride = 1,
  padding: "same" | "valid" = "same",
): LayerSpec[] {
  return [
    { kind: "conv", name, filters, kernel, stride, padding },
    { kind: "batch-norm", name: `${name}_bn` },
    { kind: "activation", name: `${name}_relu`, activation: "relu" },
  ];
}

/**
 * A strong single CNN in the style of the best Kaggle MNIST models (conv-BN-ReLU blocks,
 * strided 5×5 convs instead of pooling, dropout 0.4): 3 blocks of 32, 64 and 128 filters.
 * Its recipe (`strong-cnn`) adds augmentation and a one-cycle schedule: 99.72 % MNIST test accuracy
 * (seed 42, 30 epochs, graph engine, 2026-12-01; the issue asked for ≥ 99.6 %).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { STRONG_CNN } from "./baselines.ts";
 * strictEqual(STRONG_CNN.layers.length, 26);
 * ```
 */
export const STRONG_CNN: ModelSpec = {
  name: "strong-cnn",
  description: "conv-BN-ReLU ×7 (32,32,32s2,64,64,64s2,128 valid), dropout 0.4, dense 10",
  source: "modern CNN (batch norm, augmentation, one-cycle); after Deotte's Kaggle MNIST models",
  preprocessing: "unit",
  init: "he-normal",
  defaultRecipe: "strong-cnn",
  expectedParams: 346_442,
  layers: [
    ...convBn("conv1", 32, 3),
    ...convBn("conv2", 32, 3),
    ...convBn("conv3", 32, 5, 2),
    { kind: "dropout", name: "drop1", rate: 0.4 },
    ...convBn("conv4", 64, 3),
    ...convBn("conv5", 64, 3),
    ...convBn("conv6", 64, 5, 2),
    { kind: "dropout", name: "drop2", rate: 0.4 },
    ...convBn("conv7", 128, 4, 1, "valid"),
    { kind: "flatten", name: "flatten" },
    { kind: "dropout", name: "drop3", rate: 0.4 },
    { kind: "dense", name: "output", units: 10, activation: "softmax" },
  ],
};
