/**
 * The compute floor: the fastest a model could possibly train or infer on this machine, from its
 * multiply-accumulates per image and the machine's measured single-precision matmul throughput.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Forward-pass multiply-accumulates per image: for each layer with a `kernel` weight, the kernel
 * size times the number of output positions (H×W for convolutions, 1 for dense layers).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { forwardMacsPerImage } from "./compute_floor.ts";
 * await tf.setBackend("cpu");
 * const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
 * strictEqual(forwardMacsPerImage(m), 7840);
 * ```
 */
export function forwardMacsPerImage(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    for (const weight of layer.getWeights()) {
      // Only kernels multiply; biases, batch-norm statistics and the like are O(outputs).
      if (!/kernel/.test(weightName(layer, weight)) || weight.rank < 2) continue;
      const kernelSize = weight.shape.reduce((a, b) => a * b, 1);
      const out = layer.outputShape as number[];
      const positions = weight.rank === 4 ? (out[1] ?? 1) * (out[2] ?? 1) : 1;
      macs += kernelSize * positions;
    }
  }
  return macs;
}

function weightName(layer: tf.layers.Layer, weight: tf.Tensor): string {
  const index = layer.getWeights().indexOf(weight);
  return layer.weights[index]?.originalName ?? layer.weights[index]?.name ?? "";
}

/**
 * FLOPs to train on one image: forward + the two backward products (input and weight
 * gradients), each as costly as the forward pass, at 2 FLOPs per multiply-accumulate.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { trainingFlopsPerImage } from "./compute_floor.ts";
 * strictEqual((trainingFlopsPerImage(2_440_960) / 1e6).toFixed(1), "14.6"); // MFLOP (keras-mnist-convnet)
 * ```
 */
export function trainingFlopsPerImage(forwardMacs: number): number {
  return 3 * 2 * forwardMacs;
}

/**
 * Measures single-precision matmul GFLOP/s on the current backend (median of `repeats` runs of
 * an n×n product): the machine's practical peak for dense work.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { measureSgemmGflops } from "./compute_floor.ts";
 * await tf.setBackend("cpu");
 * ok(measureSgemmGflops(64, 3) > 0);
 * ```
 */
export function measureSgemmGflops(n = 1024, repeats = 10): number {
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  try {
    const multiply = () => {
      // Not tf.tidy(() => ….dataSync()): tidy walks a returned typed array element by element.
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    };
    multiply(); // warm-up
    const seconds: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      multiply();
      seconds.push((performance.now() - start) / 1000);
    }
    seconds.sort((x, y) => x - y);
    return (2 * n ** 3) / seconds[Math.floor(seconds.length / 2)] / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}
