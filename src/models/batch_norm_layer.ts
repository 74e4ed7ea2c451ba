/**
 * The kit's `BatchNormalization` layer: tfjs-layers' own, except that a training-mode call on
 * an NHWC batch on the `tensorflow` backend normalises with libtensorflow's fused batch-norm
 * ops (see `backend/tensorflow/batch_norm.ts`; ~20 full-size ops fewer per layer and step).
 * Inference, other backends and other layouts run the stock code unchanged.
 *
 * It is registered under tfjs' class name `BatchNormalization`, so saved models keep the
 * standard Keras layer format and load back into this class.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormTraining } from "../backend/mod.ts";

/** The members of tfjs-layers' BatchNormalization a training call reads and updates. */
interface StockBatchNormalization extends tf.layers.Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

// tfjs exports the class only through its factory; the serialization map holds it by name.
const Stock = tf.serialization.SerializationMap.getMap().classNameMap
  .BatchNormalization[0] as unknown as new (
    args?: BatchNormalizationArgs,
  ) => StockBatchNormalization;

/**
 * tfjs' BatchNormalization with fused training-mode normalisation on the `tensorflow` backend.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { FusedBatchNormalization } from "./batch_norm_layer.ts";
 * await tf.setBackend("cpu");
 * const layer = new FusedBatchNormalization({ name: "bn" });
 * const y = layer.apply(tf.ones([2, 3, 3, 4]), { training: true }) as tf.Tensor;
 * deepStrictEqual(y.shape, [2, 3, 3, 4]);
 * strictEqual(layer.getClassName(), "BatchNormalization");
 * ```
 */
export class FusedBatchNormalization extends Stock {
  /** The stock class name, so model.json stays the standard Keras format. */
  static className = "BatchNormalization";

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown>,
  ): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = this.axis === -1 || this.axis === input.rank - 1;
    if (kwargs.training === true && input.rank === 4 && lastAxis && this.center && this.scale) {
      const result = batchNormTraining(
        input as tf.Tensor4D,
        this.gamma.read() as tf.Tensor1D,
        this.beta.read() as tf.Tensor1D,
        this.epsilon,
      );
      if (result) {
        // The same update as tfjs-layers: moving ← moving − (moving − batch)·(1 − momentum).
        for (
          const [variable, batch] of [
            [this.movingMean, result.mean],
            [this.movingVariance, result.variance],
          ] as const
        ) {
          tf.tidy(() => {
            const moving = variable.read();
            variable.write(tf.sub(moving, tf.mul(tf.sub(moving, batch), 1 - this.momentum)));
          });
        }
        tf.dispose([result.mean, result.variance]);
        return result.normalized;
      }
    }
    return super.call(inputs, kwargs);
  }
}
// `fromConfig` is inherited at run time; the constructor type above does not declare it.
tf.serialization.registerClass(
  FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
);
