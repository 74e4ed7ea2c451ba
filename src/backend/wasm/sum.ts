/**
 * A faster Sum over leading axes for the wasm backend. A conv layer's bias gradient sums dy
 * [B,H,W,C] over its first three axes; tfjs-backend-wasm 4.22 first transposes the reduced
 * axes to the end (a full copy) and then sums with a scalar loop. Summing the leading axes of
 * a row-major tensor is a matrix product onesᵀ [1, M] × x [M, N], which runs on XNNPACK with no
 * copy. Other reductions (trailing or interleaved axes, non-float32, small inputs) fall back
 * to the 4.22 kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  disposeIntermediates,
  type KernelArgs,
  outputFromHeap,
  runWasmKernel,
} from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const sumPathLog: { last: "matmul" | "fallback" | null } = { last: null };

/** Below this many summed rows the 4.22 kernel's set-up is cheaper than a matrix product. */
const MIN_ROWS = 256;

/**
 * How many leading axes `axis` reduces, or -1 when it is not exactly a leading run of axes
 * (leaving at least one axis).
 *
 * @example
 * ```ts
 * import { leadingAxesCount } from "./sum.ts";
 * console.assert(leadingAxesCount([2, 0, 1], 4) === 3);
 * console.assert(leadingAxesCount([1, 2], 4) === -1);
 * ```
 */
export function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) =>
    a - b
  );
  if (axes.length === 0 || axes.length >= rank) return -1;
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

/**
 * Builds the kernel function; `fallback` is the kernel it replaces.
 *
 * @example
 * ```ts ignore
 * const original = tf.getKernel("Sum", "wasm")!.kernelFunc;
 * tf.registerKernel({ kernelName: "Sum", backendName: "wasm", kernelFunc: makeSum(original) });
 * ```
 */
export function makeSum(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs;
    const leading = leadingAxesCount(attrs.axis as number | number[], x.shape.length);
    const rows = leading < 0 ? 0 : tf.util.sizeFromShape(x.shape.slice(0, leading));
    if (x.dtype !== "float32" || rows < MIN_ROWS) {
      sumPathLog.last = "fallback";
      return fallback(args);
    }
    sumPathLog.last = "matmul";
    const kept = x.shape.slice(leading);
    const columns = tf.util.sizeFromShape(kept);
    const ones = outputFromHeap(backend, [1, rows], [], (out) => out.fill(1));
    const matrix = { dataId: x.dataId, shape: [rows, columns], dtype: x.dtype };
    const product = runWasmKernel("BatchMatMul", { a: ones, b: matrix }, {
      transposeA: false,
      transposeB: false,
    }, backend);
    disposeIntermediates(backend, ones);
    const shape = attrs.keepDims ? [...new Array(leading).fill(1), ...kept] : kept;
    return { dataId: product.dataId, shape, dtype: product.dtype };
  };
}
