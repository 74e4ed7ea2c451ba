/**
 * Turns a {@link ModelSpec} into a `tf.LayersModel`: the input preprocessing becomes a Rescaling
 * layer, PyTorch-style numeric padding becomes ZeroPadding2D + a `valid` convolution, and every
 * initialiser is seeded so the same seed builds the same weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FusedBatchNormalization } from "./batch_norm_layer.ts";
import { UsageError } from "../util/errors.ts";
import { Random } from "../util/random.ts";
import {
  type Init,
  layerName,
  type LayerSpec,
  type ModelSpec,
  type Preprocessing,
} from "./spec.ts";

/** Name of the Rescaling layer that applies the spec's preprocessing. */
export const PREPROCESS_LAYER = "preprocess";

/** Suffix of the ZeroPadding2D layer emitted before a conv with numeric padding. */
export const PAD_SUFFIX = "__pad";

/** Options of {@link buildModel}. */
export interface BuildOptions {
  /** Seed of the weight initialisers; 0 by default. */
  seed?: number;
  /** Overrides the spec's preprocessing (a recipe may ask for another input scaling). */
  preprocessing?: Preprocessing;
}

/**
 * Builds the model described by `spec`. Input: `[batch, 28, 28, 1]` pixels in [0, 1]; output:
 * `[batch, classCount]` probabilities.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel } from "./build.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel({
 *   name: "tiny", description: "", source: "", preprocessing: "unit", init: "glorot-uniform",
 *   defaultRecipe: "baseline-adam",
 *   layers: [{ kind: "flatten" }, { kind: "dense", units: 10, activation: "softmax" }],
 * }, { seed: 1 });
 * strictEqual(model.countParams(), 7850);
 * model.dispose();
 * ```
 */
export function buildModel(spec: ModelSpec, options: BuildOptions = {}): tf.LayersModel {
  validateSpec(spec);
  const rng = new Random(options.seed ?? 0);
  const preprocessing = options.preprocessing ?? spec.preprocessing;
  const model = tf.sequential({ name: spec.name.replace(/[^A-Za-z0-9_]/g, "_") });
  model.add(tf.layers.rescaling({
    name: PREPROCESS_LAYER,
    inputShape: [28, 28, 1],
    scale: preprocessing === "symmetric" ? 2 : 1,
    offset: preprocessing === "symmetric" ? -1 : 0,
  }));
  spec.layers.forEach((layer, index) => {
    const name = layerName(layer, index);
    const inputShape = model.outputs[0].shape;
    for (const tfLayer of tfLayersFor(layer, name, inputShape, spec.init, rng)) model.add(tfLayer);
  });
  return model;
}

/**
 * Throws a {@link UsageError} naming the problem when `spec` cannot be built.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert";
 * import { validateSpec } from "./build.ts";
 * throws(
 *   () =>
 *     validateSpec({ name: "x", description: "", source: "", preprocessing: "unit",
 *       init: "glorot-uniform", defaultRecipe: "", layers: [] }),
 *   /model spec 'x': expected at least one layer/,
 * );
 * ```
 */
export function validateSpec(spec: ModelSpec): void {
  const where = `model spec '${spec.name}'`;
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new UsageError(`${where}: expected at least one layer`);
  }
  const last = spec.layers[spec.layers.length - 1];
  const classes = spec.classCount ?? 10;
  if (last.kind !== "dense" || last.activation !== "softmax" || last.units !== classes) {
    throw new UsageError(
      `${where}: the last layer must be dense with ${classes} units and softmax activation`,
    );
  }
  const names = new Set<string>();
  spec.layers.forEach((layer, i) => {
    const name = layerName(layer, i);
    if (names.has(name)) throw new UsageError(`${where}: layer ${i}: duplicate name '${name}'`);
    names.add(name);
    if (layer.kind === "dropout" && !(layer.rate >= 0 && layer.rate < 1)) {
      throw new UsageError(`${where}: layer ${i}: dropout rate must be in [0, 1)`);
    }
  });
}

function tfLayersFor(
  layer: LayerSpec,
  name: string,
  inputShape: (number | null)[],
  init: Init,
  rng: Random,
): tf.layers.Layer[] {
  const fanInOf = (kernelArea: number) => kernelArea * (inputShape[inputShape.length - 1] ?? 1);
  switch (layer.kind) {
    case "conv": {
      const padding = layer.padding ?? "valid";
      const out: tf.layers.Layer[] = [];
      if (typeof padding === "number" && padding > 0) {
        out.push(tf.layers.zeroPadding2d({ name: name + PAD_SUFFIX, padding }));
      }
      out.push(tf.layers.conv2d({
        name,
        filters: layer.filters,
        kernelSize: layer.kernel,
        strides: layer.stride ?? 1,
        padding: typeof padding === "number" ? "valid" : padding,
        activation: layer.activation ?? "linear",
        ...initializers(init, fanInOf(layer.kernel * layer.kernel), rng),
      }));
      return out;
    }
    case "dense": {
      const fanIn = inputShape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
      return [tf.layers.dense({
        name,
        units: layer.units,
        activation: layer.activation ?? "linear",
        ...initializers(init, fanIn, rng),
      })];
    }
    case "max-pool":
    case "avg-pool": {
      const args = {
        name,
        poolSize: layer.size,
        strides: layer.stride ?? layer.size,
        padding: layer.padding ?? "valid",
      };
      return [
        layer.kind === "max-pool" ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args),
      ];
    }
    case "dropout":
      return [tf.layers.dropout({ name, rate: layer.rate })];
    case "batch-norm":
      return [
        new FusedBatchNormalization({
          name,
          momentum: layer.momentum ?? 0.99,
          epsilon: layer.epsilon ?? 1e-3,
        }),
      ];
    case "activation":
      return [tf.layers.activation({ name, activation: layer.activation })];
    case "flatten":
      return [tf.layers.flatten({ name })];
    case "global-avg-pool":
      return [tf.layers.globalAveragePooling2d({ name })];
  }
}

type Initializers = {
  kernelInitializer: ReturnType<typeof tf.initializers.zeros>;
  biasInitializer: ReturnType<typeof tf.initializers.zeros>;
};

function initializers(init: Init, fanIn: number, rng: Random): Initializers {
  const seed = rng.nextUint32();
  switch (init) {
    case "glorot-uniform":
      return {
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: tf.initializers.zeros(),
      };
    case "he-normal":
      return {
        kernelInitializer: tf.initializers.heNormal({ seed }),
        biasInitializer: tf.initializers.zeros(),
      };
    case "pytorch-default": {
      // kaiming_uniform_(a=√5) has bound √(6/((1+5)·fan_in)) = 1/√fan_in, like PyTorch's bias.
      const bound = 1 / Math.sqrt(fanIn);
      return {
        kernelInitializer: tf.initializers.varianceScaling({
          scale: 1 / 3,
          mode: "fanIn",
          distribution: "uniform",
          seed,
        }),
        biasInitializer: tf.initializers.randomUniform({
          minval: -bound,
          maxval: bound,
          seed: rng.nextUint32(),
        }),
      };
    }
  }
}
