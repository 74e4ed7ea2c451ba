/**
 * Models as plain data: a {@link ModelSpec} lists layers with their hyper-parameters, the weight
 * initialisation, the input preprocessing and the default training recipe. Specs are JSON, so a
 * researcher can copy one in a notebook cell, tweak it and build it, and the report can print it.
 *
 * @module
 */

/** Activation functions a layer may apply. */
export type Activation = "linear" | "relu" | "tanh" | "sigmoid" | "softmax" | "elu" | "selu";

/**
 * How [0, 1] pixels are mapped before the first layer; baked into the built model (a Rescaling
 * layer), so checkpoints and classifiers apply it themselves.
 * - `unit`: pixels / 255, i.e. [0, 1] unchanged (Keras, Kaggle `ToTensor()`).
 * - `symmetric`: `Normalize(0.5, 0.5)`, i.e. x·2 − 1 in [−1, 1] (PyTorch cards).
 */
export type Preprocessing = "unit" | "symmetric";

/**
 * Weight initialisation of conv and dense layers.
 * - `glorot-uniform`: Keras default (biases zero).
 * - `he-normal`: He et al. 2015 for ReLU nets (biases zero).
 * - `pytorch-default`: PyTorch's `kaiming_uniform_(a=√5)`, i.e. U(±1/√fan_in) for weights and
 *   biases, so PyTorch cards start from the same distribution.
 */
export type Init = "glorot-uniform" | "he-normal" | "pytorch-default";

/** Convolution padding: Keras `valid`/`same`, or PyTorch-style explicit zero padding. */
export type Padding = "valid" | "same" | number;

/** 2-D convolution (square kernel). */
export interface ConvLayer {
  kind: "conv";
  filters: number;
  kernel: number;
  stride?: number;
  padding?: Padding;
  activation?: Activation;
  name?: string;
}

/** Max or average pooling (square window; stride defaults to the window). */
export interface PoolLayer {
  kind: "max-pool" | "avg-pool";
  size: number;
  stride?: number;
  padding?: "valid" | "same";
  name?: string;
}

/** Fully connected layer. */
export interface DenseLayer {
  kind: "dense";
  units: number;
  activation?: Activation;
  name?: string;
}

/** Dropout with the given drop rate (active only in training). */
export interface DropoutLayer {
  kind: "dropout";
  rate: number;
  name?: string;
}

/** Batch normalisation over the channel axis. */
export interface BatchNormLayer {
  kind: "batch-norm";
  momentum?: number;
  epsilon?: number;
  name?: string;
}

/** A stand-alone activation (e.g. after batch norm). */
export interface ActivationLayer {
  kind: "activation";
  activation: Activation;
  name?: string;
}

/** Parameter-free reshaping layers. */
export interface ShapeLayer {
  kind: "flatten" | "global-avg-pool";
  name?: string;
}

/** One layer of a {@link ModelSpec}. */
export type LayerSpec =
  | ConvLayer
  | PoolLayer
  | DenseLayer
  | DropoutLayer
  | BatchNormLayer
  | ActivationLayer
  | ShapeLayer;

/**
 * A named, buildable model description.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { ModelSpec } from "./spec.ts";
 * const logistic: ModelSpec = {
 *   name: "my-logistic", description: "softmax regression", source: "baseline",
 *   preprocessing: "unit", init: "glorot-uniform", defaultRecipe: "baseline-adam",
 *   layers: [{ kind: "flatten" }, { kind: "dense", units: 10, activation: "softmax" }],
 * };
 * strictEqual(logistic.layers.length, 2);
 * ```
 */
export interface ModelSpec {
  /** Unique name, e.g. `keras-mnist-convnet`. */
  name: string;
  /** One-line description for tables. */
  description: string;
  /** Where the architecture comes from (model card, paper) and any deviation from it. */
  source: string;
  /** Input scaling baked into the model. */
  preprocessing: Preprocessing;
  /** Weight initialisation scheme. */
  init: Init;
  /** Layers in order; the last must output class probabilities (softmax). */
  layers: LayerSpec[];
  /** Name of the recipe in `src/train/recipes.ts` that trains this model by default. */
  defaultRecipe: string;
  /** Number of classes; 10 unless stated. */
  classCount?: number;
  /** Trainable + non-trainable parameter count published by the source, checked by tests. */
  expectedParams?: number;
}

/**
 * The layer name used for `layers[index]` in the built model (`spec.name` if given, else
 * `<kind><index>`), so weight names in checkpoints are stable across processes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { layerName } from "./spec.ts";
 * strictEqual(layerName({ kind: "flatten" }, 3), "flatten3");
 * ```
 */
export function layerName(layer: LayerSpec, index: number): string {
  return layer.name ?? `${layer.kind.replaceAll("-", "_")}${index}`;
}
