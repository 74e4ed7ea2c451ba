/**
 * Model specs for tests.
 *
 * @module
 */
import type { ModelSpec } from "./spec.ts";

/**
 * A small conv net with every layer kind the training and inference graphs compile, and every
 * kind of work they move behind a max pooling (a convolution's bias with and without its ReLU,
 * a ReLU layer). Dropout's rate
 * is 0 so that graph and eager training agree (their masks differ).
 *
 * @example
 * ```ts
 * import { EVERY_GRAPH_LAYER } from "./testing.ts";
 * console.log(EVERY_GRAPH_LAYER.layers.some((l) => l.kind === "batch-norm")); // true
 * ```
 */
export const EVERY_GRAPH_LAYER: ModelSpec = {
  name: "engine-test",
  description: "",
  source: "",
  preprocessing: "symmetric",
  init: "he-normal",
  defaultRecipe: "baseline-adam",
  layers: [
    { kind: "conv", filters: 6, kernel: 3, padding: 1, activation: "relu" },
    { kind: "max-pool", size: 2 },
    { kind: "batch-norm", momentum: 0.9 },
    { kind: "conv", filters: 8, kernel: 3, padding: "same" },
    { kind: "max-pool", size: 2, stride: 1 },
    { kind: "activation", activation: "relu" },
    { kind: "max-pool", size: 2 },
    { kind: "conv", filters: 8, kernel: 3, padding: "same", activation: "elu" },
    { kind: "avg-pool", size: 2, stride: 2 },
    { kind: "dropout", rate: 0 },
    { kind: "flatten" },
    { kind: "dense", units: 16, activation: "tanh" },
    { kind: "dense", units: 10, activation: "softmax" },
  ],
};
