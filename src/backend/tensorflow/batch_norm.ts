/**
 * Batch normalisation in training mode as two libtensorflow ops on the `tensorflow` backend.
 *
 * tfjs-layers normalises a training batch with `tf.moments` and `tf.batchNorm`, whose gradients
 * tfjs builds from ~20 full-size elementwise ops per layer (Multiply, Sum, Sub, Tile, Reshape…):
 * in a training step of `strong-cnn` (7 batch-norm layers) they took ~40% of the time, more
 * than the convolutions. libtensorflow's `FusedBatchNormV3` (training mode) computes the
 * normalised output with the batch mean and biased variance in one pass, and
 * `FusedBatchNormGradV3` returns the gradients of x, scale and offset in one more.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { floatType, type NodeBackend, type OpAttr } from "./node_backend.ts";

const BACKEND = "tensorflow";
const FORWARD = "DigitkitBatchNormTraining";
const BACKWARD = "DigitkitBatchNormTrainingGrad";
let registered = false;

/** The batch statistics and normalised output of one training-mode batch normalisation. */
export interface BatchNormTrainingResult {
  /** `scale · (x − mean) / sqrt(variance + ε) + offset`, with gradients to x, scale, offset. */
  normalized: tf.Tensor4D;
  /** Per-channel batch mean (no gradient; for the moving averages). */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance, as `tf.moments` gives it (no gradient). */
  variance: tf.Tensor1D;
}

/**
 * Registers the two kernels behind {@link batchNormTraining} on the `tensorflow` backend.
 * Idempotent; call once tfjs-node has registered the backend.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { registerBatchNormKernels } from "./batch_norm.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * registerBatchNormKernels();
 * ok(tf.getKernel("DigitkitBatchNormTraining", "tensorflow") !== undefined);
 * ```
 */
export function registerBatchNormKernels(): void {
  if (registered) return;
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: BACKEND,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const node = backend as unknown as NodeBackend;
      const { x, scale, offset, empty } = inputs as Record<string, tf.TensorInfo>;
      const opAttrs = [
        ...batchNormAttrs(node, (attrs as { epsilon: number }).epsilon),
        { name: "exponential_avg_factor", type: node.binding.TF_ATTR_FLOAT, value: 1 },
      ];
      // Outputs: y, batch mean, Bessel-corrected variance, and three reserve spaces (on CPU:
      // the mean, the biased variance, and an empty tensor) that the gradient op takes.
      const [y, mean, corrected, saved1, saved2, saved3] = node.executeMultipleOutputs(
        "FusedBatchNormV3",
        opAttrs,
        [x, scale, offset, empty, empty],
        6,
      );
      tf.dispose([mean, corrected] as tf.Tensor[]);
      return [y, saved1, saved2, saved3];
    },
  });
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: BACKEND,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const node = backend as unknown as NodeBackend;
      const { dy, x, scale, saved1, saved2, saved3 } = inputs as Record<string, tf.TensorInfo>;
      const outputs = node.executeMultipleOutputs(
        "FusedBatchNormGradV3",
        batchNormAttrs(node, (attrs as { epsilon: number }).epsilon),
        [dy, x, scale, saved1, saved2, saved3],
        5,
      );
      tf.dispose(outputs.slice(3) as tf.Tensor[]);
      return outputs.slice(0, 3);
    },
  });
  registered = true;
}

/**
 * Training-mode batch normalisation over the batch, height and width of an NHWC float32
 * tensor on the `tensorflow` backend, or `null` where it does not apply (another backend or
 * dtype, or the kernels are not registered): callers then use tfjs' own ops.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { batchNormTraining, registerBatchNormKernels } from "./batch_norm.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * registerBatchNormKernels();
 * const x = tf.randomNormal([8, 4, 4, 3]) as tf.Tensor4D;
 * const out = batchNormTraining(x, tf.ones([3]), tf.zeros([3]), 1e-3);
 * deepStrictEqual(out?.mean.shape, [3]);
 * ```
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  epsilon: number,
): BatchNormTrainingResult | null {
  if (!registered || tf.getBackend() !== BACKEND || x.dtype !== "float32") return null;
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const normalize = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const [input, gamma, beta] = args as tf.Tensor[];
    const save = args[3] as (tensors: tf.Tensor[]) => void;
    const empty = tf.zeros([0]);
    const [y, saved1, saved2, saved3] = tf.engine().runKernel(
      FORWARD,
      { x: input, scale: gamma, offset: beta, empty },
      { epsilon } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    empty.dispose();
    // The reserve spaces hold the batch mean and biased variance on CPU. Kept, as the
    // forward function runs inside a tidy; moved to the caller's scope below.
    mean = tf.keep(saved1.clone()) as tf.Tensor1D;
    variance = tf.keep(saved2.clone()) as tf.Tensor1D;
    save([input, gamma, saved1, saved2, saved3]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sGamma, s1, s2, s3] = saved;
        return tf.engine().runKernel(
          BACKWARD,
          { dy: dy as tf.Tensor, x: sx, scale: sGamma, saved1: s1, saved2: s2, saved3: s3 },
          { epsilon } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      },
    };
  });
  const normalized = normalize(x, scale, offset) as tf.Tensor4D;
  const result = { normalized, mean: mean!.clone(), variance: variance!.clone() };
  tf.dispose([mean!, variance!]);
  return result;
}

function batchNormAttrs(node: NodeBackend, epsilon: number): OpAttr[] {
  const b = node.binding;
  return [
    floatType(node),
    floatType(node, "U"),
    { name: "epsilon", type: b.TF_ATTR_FLOAT, value: epsilon },
    { name: "data_format", type: b.TF_ATTR_STRING, value: "NHWC" },
    { name: "is_training", type: b.TF_ATTR_BOOL, value: true },
  ];
}
