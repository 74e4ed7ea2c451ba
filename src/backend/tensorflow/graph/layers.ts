/**
 * The ops of each tfjs-layers layer the graphs compile, in training mode (training graph) or
 * inference mode (inference graph), with the same arithmetic as tfjs-layers (and the kit's
 * fused batch norm): weights come from the {@link LayerContext}, which owns them.
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import type { Attr, Graph } from "./graph.ts";

const F32: Attr = { type: DataType.float };

/**
 * Why a layer cannot be compiled, or undefined when it can.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { unsupportedLayer } from "./layers.ts";
 * const lstm = { className: "LSTM", config: {}, weights: [], outputShape: [-1, 8], state: [] };
 * strictEqual(unsupportedLayer(lstm), "layer LSTM");
 * ```
 */
export function unsupportedLayer(layer: GraphLayer): string | undefined {
  const c = layer.config;
  if (c.dataFormat !== undefined && c.dataFormat !== "channelsLast") {
    return `${layer.className} with data format ${c.dataFormat}`;
  }
  switch (layer.className) {
    case "Rescaling":
    case "ZeroPadding2D":
    case "MaxPooling2D":
    case "AveragePooling2D":
    case "Flatten":
    case "GlobalAveragePooling2D":
      return undefined;
    case "Dropout":
      return c.noiseShape == null ? undefined : "Dropout with a noise shape";
    case "Conv2D": {
      const dilation = c.dilationRate as number[] | number | undefined;
      const dilated = Array.isArray(dilation)
        ? dilation.some((d) => d !== 1)
        : (dilation ?? 1) !== 1;
      if (dilated) return "dilated Conv2D";
      return activationOp(c.activation as string) === null
        ? `activation ${c.activation}`
        : undefined;
    }
    case "Dense":
      if (layer.outputShape.length !== 2) return "Dense on an input of rank > 2";
      return activationOp(c.activation as string) === null
        ? `activation ${c.activation}`
        : undefined;
    case "Activation":
      return activationOp(c.activation as string) === null
        ? `activation ${c.activation}`
        : undefined;
    case "BatchNormalization":
      if (c.axis !== undefined && c.axis !== -1 && c.axis !== 3) {
        return `BatchNormalization over axis ${c.axis}`;
      }
      return c.center === false || c.scale === false || layer.outputShape.length !== 4
        ? "BatchNormalization other than center+scale over NHWC channels"
        : undefined;
    default:
      return `layer ${layer.className}`;
  }
}

function activationOp(name: string | undefined): string | null | undefined {
  switch (name ?? "linear") {
    case "linear":
      return undefined;
    case "relu":
      return "Relu";
    case "tanh":
      return "Tanh";
    case "sigmoid":
      return "Sigmoid";
    case "elu":
      return "Elu";
    case "selu":
      return "Selu";
    case "softmax":
      return "Softmax";
    default:
      return null;
  }
}

const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)];

/** One layer as tfjs-layers reports it: class name, config, weight shapes in order. */
export interface GraphLayer {
  className: string;
  config: Record<string, unknown>;
  /** Trainable weights, in the model's `trainableWeights` order. */
  weights: { name: string; shape: number[] }[];
  /** Output shape without the batch dimension's `null` (e.g. `[null, 1600]` → `[-1, 1600]`). */
  outputShape: number[];
  /** Non-trainable state the layer updates in training (batch norm moving mean, variance). */
  state: { name: string; shape: number[] }[];
}

/** What layers need from the graph that owns their weights. */
export type LayerContext = TrainingContext | InferenceContext;

/** Training mode: dropout is applied and batch norm uses (and updates) batch statistics. */
export interface TrainingContext {
  graph: Graph;
  training: true;
  /** The current value of `layer.weights[index]` (a trainable variable with optimizer slots). */
  trainable(layer: GraphLayer, index: number): Output;
  /** A per-step seed input (int64 [2]) for one Dropout layer. */
  dropoutSeed(): Output;
  /** A non-trainable variable that each step sets to `update(current value)`. */
  state(name: string, shape: number[], update: (current: Output) => Output): void;
}

/** Inference mode: dropout is the identity and batch norm uses the moving statistics. */
export interface InferenceContext {
  graph: Graph;
  training: false;
  /** The value of `layer.weights[index]`. */
  trainable(layer: GraphLayer, index: number): Output;
  /** The value of `layer.state[index]` (batch norm: moving mean, then moving variance). */
  stateValue(layer: GraphLayer, index: number): Output;
}

function activation(ctx: LayerContext, name: unknown, h: Output): Output {
  const op = activationOp(name as string | undefined);
  return op ? ctx.graph.op(op, [h], { T: F32 })[0] : h;
}

/**
 * Adds `layer`'s ops (in the context's mode) on input `h` and returns its output.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { Graph } from "./graph.ts";
 * import { layerOps } from "./layers.ts";
 * import { Session } from "./session.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [-1, 2, 2, 1]);
 * const none = (): never => { throw new Error("Flatten has no weights"); };
 * const context = { graph: g, training: false as const, trainable: none, stateValue: none };
 * const y = layerOps(context, { className: "Flatten", config: {}, outputShape: [-1, 4],
 *   weights: [], state: [] }, x);
 * const data = new Float32Array([1, 2, 3, 4]);
 * const [out] = new Session(g, { intraOp: 1, interOp: 1 }).run([[x, { dtype: "float32",
 *   shape: [1, 2, 2, 1], data }]], [y]);
 * deepStrictEqual(out, data);
 * ```
 */
export function layerOps(ctx: LayerContext, layer: GraphLayer, h: Output): Output {
  const g = ctx.graph;
  const c = layer.config;
  const T = { T: F32 };
  switch (layer.className) {
    case "Rescaling": {
      const scaled = g.op("Mul", [h, g.constant([Number(c.scale)], [])], T)[0];
      return g.op("AddV2", [scaled, g.constant([Number(c.offset)], [])], T)[0];
    }
    case "ZeroPadding2D": {
      const [[top, bottom], [left, right]] = c.padding as number[][];
      const paddings = g.constant([0, 0, top, bottom, left, right, 0, 0], [4, 2], "int32");
      return g.op("Pad", [h, paddings], { ...T, Tpaddings: { type: DataType.int32 } })[0];
    }
    case "Conv2D": {
      const y = convolution(g, c, h, ctx.trainable(layer, 0));
      const biased = c.useBias !== false
        ? g.op("BiasAdd", [y, ctx.trainable(layer, 1)], {
          ...T,
          data_format: { string: "NHWC" },
        })[0]
        : y;
      return activation(ctx, c.activation, biased);
    }
    case "Conv2DBatchNorm":
      if (ctx.training) throw new Error("Conv2DBatchNorm is an inference-only layer");
      return foldedConvolution(ctx, layer, h);
    case "Dense": {
      let y = g.op("MatMul", [h, ctx.trainable(layer, 0)], T)[0];
      if (c.useBias !== false) y = g.op("BiasAdd", [y, ctx.trainable(layer, 1)], T)[0];
      return activation(ctx, c.activation, y);
    }
    case "Activation":
      return activation(ctx, c.activation, h);
    case "BiasActivation": {
      const biased = g.op("BiasAdd", [h, ctx.trainable(layer, 0)], {
        ...T,
        data_format: { string: "NHWC" },
      })[0];
      return activation(ctx, c.activation, biased);
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const [ph, pw] = pair(c.poolSize);
      const [sh, sw] = pair(c.strides ?? c.poolSize);
      return g.op(layer.className === "MaxPooling2D" ? "MaxPool" : "AvgPool", [h], {
        ...T,
        ksize: { ints: [1, ph, pw, 1] },
        strides: { ints: [1, sh, sw, 1] },
        padding: { string: String(c.padding ?? "valid").toUpperCase() },
        data_format: { string: "NHWC" },
      })[0];
    }
    case "Flatten": {
      return g.op("Reshape", [h, flatShape(ctx, layer)], {
        ...T,
        Tshape: { type: DataType.int32 },
      })[0];
    }
    case "GlobalAveragePooling2D":
      return g.op("Mean", [h, g.constant([1, 2], [2], "int32")], {
        ...T,
        Tidx: { type: DataType.int32 },
        keep_dims: { bool: false },
      })[0];
    case "Dropout":
      return ctx.training ? dropout(ctx, h, Number(c.rate), perImageSize(layer)) : h;
    case "BatchNormalization":
      return ctx.training ? batchNorm(ctx, layer, h) : batchNormInference(ctx, layer, h);
  }
  throw new Error(`unreachable: ${layer.className}`);
}

/** Conv2D of `h` with `kernel` as the layer's config says (NHWC, no bias). */
function convolution(g: Graph, c: Record<string, unknown>, h: Output, kernel: Output): Output {
  const [sh, sw] = pair(c.strides);
  return g.op("Conv2D", [h, kernel], {
    T: F32,
    strides: { ints: [1, sh, sw, 1] },
    padding: { string: String(c.padding).toUpperCase() },
    data_format: { string: "NHWC" },
  })[0];
}

/** A {@link foldBatchNorm} layer: one convolution with the batch norm folded into W and b. */
function foldedConvolution(ctx: InferenceContext, layer: GraphLayer, h: Output): Output {
  const g = ctx.graph;
  const c = layer.config;
  const T = { T: F32 };
  const bn = c.batchNorm as Record<string, unknown>;
  const kernel = ctx.trainable(layer, 0);
  const hasBias = c.useBias !== false;
  const bias = hasBias ? ctx.trainable(layer, 1) : undefined;
  const first = hasBias ? 2 : 1;
  const [gamma, beta] = [ctx.trainable(layer, first), ctx.trainable(layer, first + 1)];
  const [mean, variance] = [ctx.stateValue(layer, 0), ctx.stateValue(layer, 1)];
  const epsilon = g.constant([Number(bn.epsilon)], []);
  const scale = g.op("Mul", [
    gamma,
    g.op("Rsqrt", [g.op("AddV2", [variance, epsilon], T)[0]], T)[0],
  ], T)[0];
  // The kernel is [fh, fw, ci, co]: scale broadcasts over its last axis.
  const folded = g.op("Mul", [kernel, scale], T)[0];
  const centred = bias ? g.op("Sub", [bias, mean], T)[0] : g.op("Neg", [mean], T)[0];
  const shift = g.op("AddV2", [g.op("Mul", [centred, scale], T)[0], beta], T)[0];
  const y = convolution(g, c, h, folded);
  return g.op("BiasAdd", [y, shift], { ...T, data_format: { string: "NHWC" } })[0];
}

function perImageSize(layer: GraphLayer): number {
  return layer.outputShape.slice(1).reduce((a, b) => a * b, 1);
}

function flatShape(ctx: LayerContext, layer: GraphLayer): Output {
  return ctx.graph.constant([-1, perImageSize(layer)], [2], "int32");
}

/**
 * Dropout with a seed fed per step: x · mask / keep, mask 1 with probability keep = 1 − rate.
 * Where rate·256 is a whole number and each image has a multiple of 4 values, the mask compares
 * random bytes with rate·256 (P(byte ≥ rate·256) = keep exactly), so Philox draws one 32-bit
 * word per 4 values: ~3× less than tfjs' floor(U[0,1) + keep), which draws a float per value
 * (0.65 vs 0.2 ms for the Keras CNN's 128 × 1600 mask). Otherwise that float form is used.
 */
function dropout(ctx: TrainingContext, h: Output, rate: number, perImage: number): Output {
  const g = ctx.graph;
  const T = { T: F32 };
  // Every Dropout layer takes a seed, so callers need not know which rates are 0.
  const seed = ctx.dropoutSeed();
  if (rate === 0) return h;
  const keep = 1 - rate;
  const int32 = { type: DataType.int32 };
  const shape = g.op("Shape", [h], { ...T, out_type: int32 })[0];
  const random = { T: int32, Tseed: { type: DataType.int64 } };
  const threshold = rate * 256;
  let kept: Output;
  if (Number.isInteger(threshold) && perImage % 4 === 0) {
    const batch = g.op("StridedSlice", [
      shape,
      g.constant([0], [1], "int32"),
      g.constant([1], [1], "int32"),
      g.constant([1], [1], "int32"),
    ], { T: int32, Index: int32 })[0];
    const words = g.op("ConcatV2", [
      [batch, g.constant([perImage / 4], [1], "int32")],
      g.constant([0], [], "int32"),
    ], { T: int32, N: { int: 2 }, Tidx: int32 })[0];
    const bits = g.op("StatelessRandomUniformFullInt", [words, seed], {
      ...random,
      dtype: { type: DataType.uint32 },
    })[0];
    const bytes = g.op("Reshape", [
      g.op("Bitcast", [bits], {
        T: { type: DataType.uint32 },
        type: { type: DataType.uint8 },
      })[0],
      shape,
    ], { T: { type: DataType.uint8 }, Tshape: int32 })[0];
    const keepByte = g.op("GreaterEqual", [bytes, g.constant([threshold], [], "uint8")], {
      T: { type: DataType.uint8 },
    })[0];
    kept = g.op("Cast", [keepByte], { SrcT: { type: DataType.bool }, DstT: F32 })[0];
  } else {
    const uniform = g.op("StatelessRandomUniform", [shape, seed], { ...random, dtype: F32 })[0];
    kept = g.op("Floor", [g.op("AddV2", [uniform, g.constant([keep], [])], T)[0]], T)[0];
  }
  const mask = g.op("RealDiv", [kept, g.constant([keep], [])], T)[0];
  return g.op("Mul", [h, mask], T)[0];
}

/** Training-mode FusedBatchNormV3 and the layer's moving-average update. */
function batchNorm(ctx: TrainingContext, layer: GraphLayer, h: Output): Output {
  const g = ctx.graph;
  const c = layer.config;
  const gamma = ctx.trainable(layer, 0);
  const beta = ctx.trainable(layer, 1);
  const empty = g.constant([], [0]);
  const outputs = g.op("FusedBatchNormV3", [h, gamma, beta, empty, empty], {
    T: F32,
    U: F32,
    epsilon: { float: Number(c.epsilon) },
    exponential_avg_factor: { float: 1 },
    data_format: { string: "NHWC" },
    is_training: { bool: true },
  }, { outputs: 6 });
  const momentum = Number(c.momentum);
  // Reserve spaces 1 and 2 hold the batch mean and biased variance on CPU (see batch_norm.ts).
  // The same update as the kit's layer: moving ← moving − (moving − batch)·(1 − momentum).
  layer.state.forEach((s, i) => {
    const batch = g.op("StopGradient", [outputs[3 + i]], { T: F32 })[0];
    ctx.state(s.name, s.shape, (moving) => {
      const delta = g.op("Mul", [
        g.op("Sub", [moving, batch], { T: F32 })[0],
        g.constant([1 - momentum], []),
      ], { T: F32 })[0];
      return g.op("Sub", [moving, delta], { T: F32 })[0];
    });
  });
  return outputs[0];
}

/** Inference-mode FusedBatchNormV3: (x − moving mean) / √(moving variance + ε) · γ + β. */
function batchNormInference(ctx: InferenceContext, layer: GraphLayer, h: Output): Output {
  const inputs = [
    h,
    ctx.trainable(layer, 0),
    ctx.trainable(layer, 1),
    ctx.stateValue(layer, 0),
    ctx.stateValue(layer, 1),
  ];
  return ctx.graph.op("FusedBatchNormV3", inputs, {
    T: F32,
    U: F32,
    epsilon: { float: Number(layer.config.epsilon) },
    data_format: { string: "NHWC" },
    is_training: { bool: false },
  }, { outputs: 6 })[0];
}
