/**
 * Smoke test `tools/setup.sh` runs after building the addon: loads the tensorflow backend,
 * runs a small conv + matMul + gradient, compares with hand-computed values, and prints one
 * line. Exits 1 with the reason when anything is off.
 *
 * @example
 * ```sh
 * deno run --allow-all src/backend/tensorflow/check.ts
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "./mod.ts";

/**
 * Runs ops on the tensorflow backend whose results are known exactly; returns the first
 * mismatch, or undefined when all agree.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { initBackend } from "../mod.ts";
 * import { checkTensorflowOps } from "./check.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * strictEqual(checkTensorflowOps(), undefined); // undefined: every op gave the right answer
 * ```
 */
export function checkTensorflowOps(): string | undefined {
  return tf.tidy(() => {
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const product = Array.from(tf.matMul(a, a).dataSync());
    if (product.join() !== "7,10,15,22") return `matMul gave ${product}`;
    // A 3x3 all-ones kernel over a 4x4 ramp, valid padding: sums of 3x3 windows.
    const image = tf.range(0, 16).reshape([1, 4, 4, 1]) as tf.Tensor4D;
    const conv = Array.from(tf.conv2d(image, tf.ones([3, 3, 1, 1]), 1, "valid").dataSync());
    if (conv.join() !== "45,54,81,90") return `conv2d gave ${conv}`;
    const grad = Array.from(tf.grad((x: tf.Tensor) => x.square().sum())(a).dataSync());
    if (grad.join() !== "2,4,6,8") return `gradient of sum(x²) gave ${grad}`;
    return undefined;
  });
}

if (import.meta.main) {
  try {
    const backend = await loadTensorflowBackend();
    const problem = tf.getBackend() !== "tensorflow"
      ? `active backend is ${tf.getBackend()}`
      : checkTensorflowOps();
    if (problem) throw new Error(problem);
    console.log(
      `tensorflow backend OK: libtensorflow ${backend.libtensorflow}, tfjs-node ` +
        `${backend.tfjsNode}, ${backend.threads.intraOp} intra-op threads (${backend.bindingPath})`,
    );
  } catch (error) {
    console.error(`tensorflow backend check failed: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
