/**
 * A tfjs-layers model's layers in the form the graphs compile ({@link GraphLayer}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadedTensorflowBackend } from "../mod.ts";
import { type GraphLayer, unsupportedLayer } from "./layers.ts";

/**
 * The model's layers as the graphs read them: class, config, output shape, and the trainable
 * and non-trainable weights each one owns.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { graphLayers } from "./model_layers.ts";
 * import { buildModel, getModelSpec } from "../../../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * deepStrictEqual(graphLayers(model).map((l) => l.className), [ "Rescaling", "Flatten", "Dense" ]);
 * model.dispose();
 * ```
 */
export function graphLayers(model: tf.LayersModel): GraphLayer[] {
  const trainable = new Set(model.trainableWeights.map((w) => w.name));
  const describe = (w: tf.LayerVariable) => ({ name: w.name, shape: w.shape as number[] });
  return model.layers.map((layer) => ({
    className: layer.getClassName(),
    config: layer.getConfig() as Record<string, unknown>,
    outputShape: (layer.outputShape as (number | null)[]).map((d) => d ?? -1),
    weights: layer.weights.filter((w) => trainable.has(w.name)).map(describe),
    state: layer.weights.filter((w) => !trainable.has(w.name)).map(describe),
  }));
}

/**
 * Why `model`'s layers cannot be compiled into a graph here (backend other than tensorflow, or
 * an unsupported layer), or undefined when they can.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { modelGraphMissing } from "./model_layers.ts";
 * import { buildModel, getModelSpec } from "../../../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("mlp"));
 * strictEqual(modelGraphMissing(model), "the backend is cpu, not tensorflow");
 * model.dispose();
 * ```
 */
export function modelGraphMissing(model: tf.LayersModel): string | undefined {
  if (tf.getBackend() !== "tensorflow" || !loadedTensorflowBackend()) {
    return `the backend is ${tf.getBackend()}, not tensorflow`;
  }
  for (const layer of graphLayers(model)) {
    const reason = unsupportedLayer(layer);
    if (reason) return `unsupported ${reason}`;
  }
  return undefined;
}
