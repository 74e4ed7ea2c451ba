/**
 * A Dropout layer whose mask comes from libtensorflow on the `tensorflow` backend. tfjs' Dropout
 * draws its uniform noise in JavaScript (`tf.randomUniform` with a seeded PRNG, one value at a
 * time) and uploads it, which cost ~3.6 ms of a ~43 ms Keras-CNN training step; here
 * libtensorflow's `StatelessRandomUniform` (Philox, keyed by the layer's seed) draws it natively.
 * The mask is then made exactly as tfjs does (`floor(u + keep) / keep`), so each element is kept
 * with probability `1 − rate` and scaled by `1 / (1 − rate)`.
 *
 * The layer keeps the class name `Dropout` and tfjs' config, so saved models are unchanged and
 * `tf.loadLayersModel` builds this layer for them too (a resumed run draws the same masks as an
 * uninterrupted one). On other backends, without a seed, or with a `noiseShape` it is tfjs'
 * Dropout. Masks differ from tfjs' for the same seed (another generator), so `tensorflow` runs are
 * reproducible among themselves but not mask-for-mask equal to `cpu`/`wasm` runs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** tfjs kernel drawing `StatelessRandomUniform` float32 noise on the `tensorflow` backend. */
const UNIFORM_KERNEL = "DigitkitStatelessRandomUniform";

/** The slice of tfjs-node's backend this kernel uses. */
interface NodeBackend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.TensorInfo;
}

tf.registerKernel({
  kernelName: UNIFORM_KERNEL,
  backendName: "tensorflow",
  kernelFunc: ({ backend, attrs }) => {
    const node = backend as unknown as NodeBackend;
    const { shape, seed } = attrs as unknown as { shape: number[]; seed: number };
    const b = node.binding;
    const shapeTensor = tf.tensor1d(shape, "int32");
    // Philox takes a 64-bit key as two int32s; the second word is fixed.
    const seedTensor = tf.tensor1d([seed | 0, 0x5eed], "int32");
    const out = node.executeSingleOutput("StatelessRandomUniform", [
      { name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_INT32 },
      { name: "Tseed", type: b.TF_ATTR_TYPE, value: b.TF_INT32 },
    ], [shapeTensor, seedTensor]);
    tf.dispose([shapeTensor, seedTensor]);
    return out;
  },
});

/**
 * Uniform [0, 1) float32 noise of `shape` from libtensorflow's stateless Philox generator keyed
 * by `seed` (same seed, same noise). Only on the `tensorflow` backend.
 *
 * @example
 * ```ts ignore
 * import { statelessUniform } from "./dropout.ts";
 * const u = statelessUniform([2, 3], 42); // needs the tensorflow backend
 * ```
 */
export function statelessUniform(shape: number[], seed: number): tf.Tensor {
  return tf.engine().runKernel(UNIFORM_KERNEL, {}, { shape, seed } as never) as tf.Tensor;
}

type DropoutArgs = Parameters<typeof tf.layers.dropout>[0];

interface StockDropout extends tf.layers.Layer {
  rate: number;
  seed?: number;
  noiseShape?: number[];
}

/** tfjs' Dropout class, which `@tensorflow/tfjs` exports only through its factory. */
const StockDropout = tf.layers.dropout({ rate: 0.5 }).constructor as unknown as {
  new (args: DropoutArgs): StockDropout;
  className: string;
};

/**
 * tfjs' Dropout with the mask drawn by libtensorflow on the `tensorflow` backend (see the module
 * docs). Registered under the class name `Dropout`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { NativeDropout } from "./dropout.ts";
 * await tf.setBackend("cpu");
 * const layer = new NativeDropout({ rate: 0.5, seed: 1 });
 * console.log(layer.getClassName()); // "Dropout"
 * ```
 */
export class NativeDropout extends StockDropout {
  /** Same name as tfjs' Dropout so saved models stay loadable everywhere. */
  static override className = "Dropout";

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const rate = this.rate, seed = this.seed;
    if (
      kwargs["training"] !== true || tf.getBackend() !== "tensorflow" || seed == null ||
      this.noiseShape != null || !(rate > 0 && rate < 1)
    ) return super.call(inputs, kwargs) as tf.Tensor;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const keep = 1 - rate;
      const multiplier = tf.div(tf.floor(tf.add(statelessUniform(x.shape, seed), keep)), keep);
      return tf.mul(x, multiplier);
    });
  }
}
// Inherits tfjs Dropout's static fromConfig, which the constructor type above leaves out.
tf.serialization.registerClass(NativeDropout as never);

/**
 * A {@link NativeDropout} layer, with `tf.layers.dropout`'s arguments.
 *
 * @example
 * ```ts
 * import { nativeDropout } from "./dropout.ts";
 * const layer = nativeDropout({ name: "drop1", rate: 0.25 });
 * console.log(layer.name); // "drop1"
 * ```
 */
export function nativeDropout(args: DropoutArgs): tf.layers.Layer {
  return new NativeDropout(args);
}
