/**
 * Exact rewrites of a model's layer list before it is compiled: per-channel work moved behind
 * max pooling (training and inference), batch norm folded into the convolution before it
 * (inference). Each keeps the model's weights, in order, with the layers that use them.
 *
 * @module
 */
import type { GraphLayer } from "./layers.ts";

/**
 * The layers with the per-channel work that feeds a max pooling moved behind it: a
 * convolution's bias, and a ReLU. maxpool(x + b) equals maxpool(x) + b for a per-channel b,
 * and relu(maxpool(x)) equals maxpool(relu(x)), exactly, gradients included (ties and
 * all-negative windows route the same way; the bias gradient, the sum of the pooled gradient,
 * is the sum of what max-pool's gradient scatters). They then run on a quarter of the values,
 * and the convolution's weight gradient is computed without a bias gradient fused in, which
 * oneDNN does 1.2–3× slower here (3× for a one-channel input: 2.3 vs 0.7 ms for the Keras
 * CNN's first convolution at batch 128). With `moveBias: false` (inference, where oneDNN adds
 * the bias inside the convolution for free) only the ReLU moves. Weights stay in the model's
 * order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { pointwiseAfterPooling } from "./layer_rewrites.ts";
 * const conv = { className: "Conv2D", config: { activation: "relu" },
 *   weights: [{ name: "k", shape: [3, 3, 1, 8] }, { name: "b", shape: [8] }],
 *   outputShape: [-1, 26, 26, 8], state: [] };
 * const pool = { className: "MaxPooling2D", config: {}, weights: [],
 *   outputShape: [-1, 13, 13, 8], state: [] };
 * deepStrictEqual(
 *   pointwiseAfterPooling([conv, pool]).map((l) => `${l.className}:${l.config.activation}`),
 *   ["Conv2D:linear", "MaxPooling2D:undefined", "BiasActivation:relu"],
 * );
 * ```
 */
export function pointwiseAfterPooling(
  layers: GraphLayer[],
  options: { moveBias: boolean } = { moveBias: true },
): GraphLayer[] {
  const out: GraphLayer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i], next = layers[i + 1];
    const act = layer.config.activation ?? "linear";
    const moveBias = options.moveBias && layer.className === "Conv2D" &&
      layer.config.useBias !== false && (act === "relu" || act === "linear");
    if (next?.className !== "MaxPooling2D" || !(moveBias || act === "relu")) {
      out.push(layer);
      continue;
    }
    // A stand-alone ReLU layer moves as a whole; a layer's own bias and ReLU become a layer.
    if (layer.className !== "Activation") {
      const config = { ...layer.config, activation: "linear", ...(moveBias && { useBias: false }) };
      out.push({ ...layer, config, weights: moveBias ? [layer.weights[0]] : layer.weights });
    }
    out.push(next, {
      className: moveBias ? "BiasActivation" : "Activation",
      config: { activation: act },
      weights: moveBias ? [layer.weights[1]] : [],
      state: [],
      outputShape: next.outputShape,
    });
    i++;
  }
  return out;
}

/**
 * The layers with every batch norm that directly follows a convolution without activation folded
 * into it, for inference: BN(conv(x, W) + b) = conv(x, W·s) + (b − μ)·s + β with
 * s = γ/√(σ² + ε) per output channel, so the pair runs as one convolution with bias (which
 * grappler fuses with a following ReLU) instead of three passes over the activations. Equal to
 * the unfolded layers up to float rounding. The folded layer (`Conv2DBatchNorm`) keeps both
 * layers' weights and state in their order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { foldBatchNorm } from "./layer_rewrites.ts";
 * const conv = { className: "Conv2D", config: { activation: "linear" }, weights: [],
 *   outputShape: [-1, 26, 26, 32], state: [] };
 * const bn = { className: "BatchNormalization", config: {}, weights: [],
 *   outputShape: [-1, 26, 26, 32], state: [] };
 * deepStrictEqual(foldBatchNorm([conv, bn]).map((l) => l.className), [ "Conv2DBatchNorm" ]);
 * ```
 */
export function foldBatchNorm(layers: GraphLayer[]): GraphLayer[] {
  const out: GraphLayer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i], next = layers[i + 1];
    const linear = (layer.config.activation ?? "linear") === "linear";
    if (layer.className !== "Conv2D" || next?.className !== "BatchNormalization" || !linear) {
      out.push(layer);
      continue;
    }
    out.push({
      className: "Conv2DBatchNorm",
      config: { ...layer.config, batchNorm: next.config },
      weights: [...layer.weights, ...next.weights],
      state: next.state,
      outputShape: next.outputShape,
    });
    i++;
  }
  return out;
}
