/**
 * Per-backend replacements of tfjs' ReLU gradient. tfjs computes it as `dy · Cast(Step(x))`,
 * three full-size ops; a backend with a one-pass kernel (`dx = x > 0 ? dy : 0`) registers it
 * here. The gradient registry is global, so each replacement wraps the one registered before
 * it and applies only on its own backend. Like libtensorflow's `ReluGrad`, the one-pass kernels
 * give 0 rather than NaN where x is NaN (the loss is NaN by then and training stops).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Makes the Relu gradient run `kernelName` (inputs `dy`, `x`; float32) on `backendName`,
 * keeping the gradient registered before for every other backend and dtype.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "./mod.ts";
 * import { useReluGradientKernel } from "./relu_gradient.ts";
 * await initBackend("wasm"); // registers DigitkitWasmReluGrad and calls this
 * useReluGradientKernel("wasm", "DigitkitWasmReluGrad");
 * const dx = tf.grad((x: tf.Tensor) => tf.relu(x).sum())(tf.tensor1d([-1, 2]));
 * deepStrictEqual(Array.from(dx.dataSync()), [0, 1]);
 * ```
 */
export function useReluGradientKernel(backendName: string, kernelName: string): void {
  const previous = tf.getGradient(tf.Relu);
  tf.registerGradient({
    ...previous,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (tf.getBackend() !== backendName || x.dtype !== "float32" || Array.isArray(dy)) {
        return previous.gradFunc(dy, saved, attrs);
      }
      return { x: () => tf.engine().runKernel(kernelName, { dy, x }) as tf.Tensor };
    },
  });
}
