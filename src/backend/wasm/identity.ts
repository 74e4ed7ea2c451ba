/**
 * Identity for the wasm backend without a copy: the output shares the input's memory (by
 * reference count), as Reshape already does in 4.22 and Identity does on the cpu backend.
 * 4.22 copied every tensor it passed through (gradients pass several full-size activations
 * through Identity: ~8 ms of a Keras CNN training step). String tensors keep 4.22's kernel.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { KernelArgs } from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/**
 * Builds the kernel function; `fallback` is the kernel it replaces (used for strings).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Identity", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Identity", backendName: "wasm",
 * //     kernelFunc: makeSharedIdentity(original) });
 * const r = new Random(1);
 * ok(await compareWithCpu("Identity", { x: randomTensor(r, [3, 5]) }, {}) === 0);
 * ```
 */
export function makeSharedIdentity(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype === "string") return fallback(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
