/**
 * A faster Sum over leading axes for the wasm backend. A conv layer's bias gradient sums dy
 * [B,H,W,C] over its first three axes; tfjs-backend-wasm 4.22 first transposes the reduced
 * axes to the end (a full copy) and then sums. Summing the leading axes of a row-major tensor
 * is a stream of row additions into one float64 accumulator row, done here in one pass over
 * the wasm heap (as a SIMD loop, sum_simd.ts, when the kept size is a multiple of 4) (an XNNPACK matrix product onesᵀ × x was tried and is slower: XNNPACK packs x
 * as weights on every call). Other reductions (trailing or interleaved axes, non-float32,
 * small inputs) fall back to the 4.22 kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelArgs, outputFromHeap } from "./kernel_call.ts";
import { sumColumnsBySimd } from "./sum_simd.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const sumPathLog: { last: "simd" | "rows" | "fallback" | null } = { last: null };

/** Below this many summed rows the 4.22 kernel is as fast. */
const MIN_ROWS = 256;

/**
 * How many leading axes `axis` reduces, or -1 when it is not exactly a leading run of axes
 * (leaving at least one axis).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { leadingAxesCount } from "./sum.ts";
 * strictEqual(leadingAxesCount([2, 0, 1], 4), 3);
 * strictEqual(leadingAxesCount([1, 2], 4), -1);
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
 * Column sums of a row-major `rows` × `columns` matrix, accumulated in float64.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { sumLeadingRows } from "./sum.ts";
 * const sums = sumLeadingRows(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2);
 * ok(sums[0] === 9 && sums[1] === 12);
 * ```
 */
export function sumLeadingRows(values: Float32Array, rows: number, columns: number): Float64Array {
  const sums = new Float64Array(columns);
  for (let r = 0, at = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, at++) sums[c] += values[at];
  }
  return sums;
}

/**
 * Builds the kernel function; `fallback` is the kernel it replaces.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Sum", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Sum", backendName: "wasm", kernelFunc: makeSum(original) });
 * const r = new Random(1);
 * const x = randomTensor(r, [8, 3, 3, 4]);
 * ok(await compareWithCpu("Sum", { x }, { axis: [0, 1, 2], keepDims: false }) <= 1e-5);
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
    const kept = x.shape.slice(leading);
    const columns = tf.util.sizeFromShape(kept);
    const shape = attrs.keepDims ? [...new Array(leading).fill(1), ...kept] : kept;
    return outputFromHeap(backend, shape, [x], (out, [values]) => {
      const simd = columns % 4 === 0 && sumColumnsBySimd(values, rows, columns, out, backend);
      sumPathLog.last = simd ? "simd" : "rows";
      if (!simd) out.set(sumLeadingRows(values, rows, columns));
    });
  };
}
