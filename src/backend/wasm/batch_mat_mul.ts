/**
 * Transposed matrix products for the wasm backend. tfjs-backend-wasm 4.22 hands XNNPACK only
 * untransposed operands and multiplies transposed ones in a slow path: a Dense layer's weight
 * and input gradients (`xᵀ·dy`, `dy·wᵀ`, 128×1568 by 128 in `mdsist-cnn`) took ~34 ms each
 * against ~1.4 ms untransposed. Here a transposed operand is first copied transposed (~0.3 ms)
 * and the product runs untransposed. Applies to `BatchMatMul` and `_FusedMatMul`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { disposeIntermediates, type KernelArgs, runWasmKernel } from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const matMulPathLog: { last: "transposed-first" | "direct" | null } = { last: null };

/**
 * The permutation swapping the last two axes of a rank-`rank` tensor.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { swapLastTwoAxes } from "./batch_mat_mul.ts";
 * deepStrictEqual(swapLastTwoAxes(3), [0, 2, 1]);
 * ```
 */
export function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Builds the kernel function for `BatchMatMul` or `_FusedMatMul`; `fallback` is the kernel it
 * replaces, which then always runs with untransposed float32 operands.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "BatchMatMul", backendName: "wasm",
 * //     kernelFunc: makeTransposeFirstMatMul(original) });
 * const r = new Random(1);
 * const inputs = { a: randomTensor(r, [2, 3, 4]), b: randomTensor(r, [2, 3, 5]) };
 * ok(await compareWithCpu("BatchMatMul", inputs, { transposeA: true, transposeB: false }) <= 1e-5);
 * ```
 */
export function makeTransposeFirstMatMul(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { a, b } = inputs;
    const transposeA = attrs.transposeA === true, transposeB = attrs.transposeB === true;
    if ((!transposeA && !transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
      matMulPathLog.last = "direct";
      return fallback(args);
    }
    matMulPathLog.last = "transposed-first";
    const flip = (x: tf.TensorInfo) =>
      runWasmKernel("Transpose", { x }, { perm: swapLastTwoAxes(x.shape.length) }, backend);
    const intermediates: tf.TensorInfo[] = [];
    const operands = { ...inputs };
    if (transposeA) intermediates.push(operands.a = flip(a));
    if (transposeB) intermediates.push(operands.b = flip(b));
    const out = fallback({
      inputs: operands,
      attrs: { ...attrs, transposeA: false, transposeB: false },
      backend,
    });
    disposeIntermediates(backend, ...intermediates);
    return out;
  };
}
