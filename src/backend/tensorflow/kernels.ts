/**
 * Faster kernels for the `tensorflow` backend, replacing tfjs-node 4.22's where they dominated a
 * training step of the Keras CNN (profiled with `bench/profile.ts`, batch 128):
 *
 * - `Step` (`tf.step`, the ReLU derivative of tfjs' fused-op gradients): tfjs-node builds it from
 *   six full-size ops (IsNan, Greater, Ones, Fill, Select, Select). For `alpha = 0` it equals
 *   `Relu(Sign(x))` exactly, NaN included (Sign and Relu both pass NaN through): two ops,
 *   ~9× faster on a 128×26×26×32 tensor.
 * - `MaxPoolGrad`: libtensorflow's eager `MaxPoolGrad` is its slow generic CPU kernel (~17 ms on
 *   128×26×26×32), while its oneDNN pooling kernels (`_MklNativeMaxPool` with a workspace of
 *   argmax positions, then `_MklNativeMaxPoolGrad`) take ~1.7 ms for the same gradient, bit
 *   for bit. These are libtensorflow's own oneDNN ops, reached from eager mode by asking for
 *   their kernel label (`_kernel: "MklNameChangeOp"`), as its graph rewrite does.
 * - `MaxPool`: the same oneDNN op without workspace, ~1.6× faster than eager `MaxPool`.
 * - `FusedConv2D` (every Keras conv layer with a bias): tfjs-node runs Conv2D, a broadcasting
 *   Add and the activation; oneDNN's `_MklNativeConv2DWithBias` adds the bias inside the
 *   convolution, leaving only the ReLU as a second op. (`_FusedConv2D`, which would fuse the
 *   ReLU too, takes a list-of-strings attribute tfjs-node's binding cannot pass.) tfjs only
 *   fuses outside gradient recording, so this speeds up inference, not training.
 * - The gradient of `Relu` (training runs conv, bias Add and Relu unfused): tfjs computes
 *   `dy · Cast(Step(x))`, three or more full-size ops; libtensorflow's `ReluGrad` is one. Unlike
 *   tfjs it gives 0 rather than NaN where x is NaN (the loss is NaN by then and training stops).
 *
 * - Training-mode batch normalisation: two libtensorflow ops instead of ~20 (batch_norm.ts).
 *
 * Every replacement falls back to tfjs-node's kernel outside the cases it handles (other alpha,
 * dtypes, explicit padding, or a libtensorflow built without oneDNN).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { floatType, type NodeBackend, type OpAttr } from "./node_backend.ts";
import { registerBatchNormKernels } from "./batch_norm.ts";
import { useReluGradientKernel } from "../relu_gradient.ts";

const BACKEND = "tensorflow";
let registered = false;
/** Set when a oneDNN op failed once, so later calls go straight to the fallback. */
let oneDnnMissing = false;

/**
 * Replaces tfjs-node's `Step`, `MaxPool`, `MaxPoolGrad` and `FusedConv2D` kernels and the
 * `Relu` gradient with the faster ones described in the module docs. Idempotent; call after
 * tfjs-node has registered the `tensorflow` backend.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { registerTensorflowKernels } from "./kernels.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * registerTensorflowKernels();
 * deepStrictEqual(tf.step(tf.tensor1d([-1, 0, 2])).dataSync(), new Float32Array([0, 0, 1]));
 * ```
 */
export function registerTensorflowKernels(): void {
  if (registered) return;
  replaceKernel(tf.Step, (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { alpha } = args.attrs as unknown as tf.StepAttrs;
    if (alpha !== 0 || x.dtype !== "float32") return original(args);
    const backend = args.backend as unknown as NodeBackend;
    const attrs = [floatType(backend)];
    const sign = backend.executeSingleOutput("Sign", attrs, [x]);
    const out = backend.executeSingleOutput("Relu", attrs, [sign]);
    tf.dispose(sign as tf.Tensor);
    return out;
  });
  replaceKernel(tf.MaxPoolGrad, (original) => (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const backend = args.backend as unknown as NodeBackend;
    const attrs = oneDnnPoolAttrs(backend, args.attrs as unknown as tf.MaxPoolGradAttrs, true);
    if (!attrs || input.dtype !== "float32") return original(args);
    // The workspace (argmax positions) comes from the forward op; recomputing it costs less
    // than a tenth of the generic gradient kernel.
    const pooled = tryOneDnn(() => backend.executeMultipleOutputs(MKL_POOL, attrs, [input], 2));
    if (!pooled) return original(args);
    const [output, workspace] = pooled;
    const grad = backend.executeSingleOutput("_MklNativeMaxPoolGrad", attrs, [
      input,
      output,
      dy,
      workspace,
    ]);
    tf.dispose([output, workspace] as tf.Tensor[]);
    return grad;
  });
  replaceKernel(tf.MaxPool, (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const backend = args.backend as unknown as NodeBackend;
    const attrs = oneDnnPoolAttrs(backend, args.attrs as unknown as tf.MaxPoolAttrs, false);
    if (!attrs || x.dtype !== "float32") return original(args);
    const pooled = tryOneDnn(() => backend.executeMultipleOutputs(MKL_POOL, attrs, [x], 2));
    if (!pooled) return original(args);
    tf.dispose(pooled[1] as tf.Tensor);
    return pooled[0];
  });
  replaceKernel(tf.FusedConv2D, (original) => (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const activation = attrs.activation ?? "linear";
    const padding = attrs.pad === "valid" ? "VALID" : attrs.pad === "same" ? "SAME" : null;
    if (
      oneDnnMissing || !bias || bias.shape.length !== 1 || preluActivationWeights ||
      (activation !== "relu" && activation !== "linear") || padding === null ||
      attrs.dataFormat !== "NHWC" || x!.dtype !== "float32" || attrs.dimRoundingMode != null
    ) return original(args);
    const backend = args.backend as unknown as NodeBackend;
    const b = backend.binding;
    const [strideHeight, strideWidth] = pair(attrs.strides);
    const [dilationHeight, dilationWidth] = pair(attrs.dilations);
    const convAttrs: OpAttr[] = [
      floatType(backend),
      { name: "strides", type: b.TF_ATTR_INT, value: [1, strideHeight, strideWidth, 1] },
      { name: "padding", type: b.TF_ATTR_STRING, value: padding },
      { name: "data_format", type: b.TF_ATTR_STRING, value: "NHWC" },
      { name: "dilations", type: b.TF_ATTR_INT, value: [1, dilationHeight, dilationWidth, 1] },
      mklLabel(backend),
    ];
    const withBias = tryOneDnn(() =>
      backend.executeSingleOutput("_MklNativeConv2DWithBias", convAttrs, [x!, filter!, bias])
    );
    if (!withBias) return original(args);
    if (activation === "linear") return withBias;
    const out = backend.executeSingleOutput("Relu", [floatType(backend)], [withBias]);
    tf.dispose(withBias as tf.Tensor);
    return out;
  });
  replaceReluGradient();
  registerBatchNormKernels();
  registered = true;
}

/** tfjs kernel running libtensorflow's `ReluGrad`, for the Relu gradient below. */
const RELU_GRAD = "DigitkitReluGrad";

function replaceReluGradient(): void {
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: BACKEND,
    kernelFunc: ({ inputs, backend }) => {
      const node = backend as unknown as NodeBackend;
      return node.executeSingleOutput("ReluGrad", [floatType(node)], [
        inputs.dy as tf.TensorInfo,
        inputs.x as tf.TensorInfo,
      ]);
    },
  });
  useReluGradientKernel(BACKEND, RELU_GRAD);
}

/** Whether {@link registerTensorflowKernels} has run in this process. */
export function tensorflowKernelsRegistered(): boolean {
  return registered;
}

function replaceKernel(
  name: string,
  make: (original: tf.KernelFunc) => tf.KernelFunc,
): void {
  const config = tf.getKernel(name, BACKEND);
  if (!config) throw new Error(`tensorflow backend has no '${name}' kernel to replace`);
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...config, kernelFunc: make(config.kernelFunc) });
}

const MKL_POOL = "_MklNativeMaxPool";

/** Runs a oneDNN op; on failure (libtensorflow without oneDNN) remembers it and returns null. */
function tryOneDnn<T>(run: () => T): T | null {
  if (oneDnnMissing) return null;
  try {
    return run();
  } catch {
    oneDnnMissing = true;
    return null;
  }
}

/** Attributes of the oneDNN max-pool ops, or null for padding they do not take. */
function oneDnnPoolAttrs(
  backend: NodeBackend,
  attrs: tf.MaxPoolAttrs,
  workspace: boolean,
): OpAttr[] | null {
  const padding = attrs.pad === "valid" ? "VALID" : attrs.pad === "same" ? "SAME" : null;
  if (padding === null || attrs.dimRoundingMode != null) return null;
  const [filterHeight, filterWidth] = pair(attrs.filterSize);
  const [strideHeight, strideWidth] = pair(attrs.strides);
  const b = backend.binding;
  return [
    floatType(backend),
    { name: "ksize", type: b.TF_ATTR_INT, value: [1, filterHeight, filterWidth, 1] },
    { name: "strides", type: b.TF_ATTR_INT, value: [1, strideHeight, strideWidth, 1] },
    { name: "padding", type: b.TF_ATTR_STRING, value: padding },
    { name: "data_format", type: b.TF_ATTR_STRING, value: "NHWC" },
    { name: "workspace_enabled", type: b.TF_ATTR_BOOL, value: workspace },
    mklLabel(backend),
  ];
}

/** Selects libtensorflow's oneDNN kernel of an `_MklNative*` op, as its graph rewrite does. */
function mklLabel(backend: NodeBackend): OpAttr {
  return { name: "_kernel", type: backend.binding.TF_ATTR_STRING, value: "MklNameChangeOp" };
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : v;
}
