/**
 * Slice and SplitV for the wasm backend that copy only the slice. 4.22's Slice reads its input
 * with `readSync`, which copies the whole tensor out of the heap first (~0.6 ms for 0.8 MB on
 * the threaded build, however small the slice), and its SplitV slices once per piece: FlatAdam's
 * split of an `mdsist-cnn` update into its 8 weights took ~4 ms, the whole update ~0.1 ms.
 * Contiguous slices (every dimension before the first sliced one taken whole, or of size 1) are
 * copied heap to heap; other slices and string tensors go to 4.22's kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelArgs, WasmBackendLike } from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;
type MultiOutputKernelFunc = (args: KernelArgs) => tf.TensorInfo[];

const COPYABLE = new Set<tf.DataType>(["float32", "int32", "bool"]);

/** A new tensor holding `size` elements of `x` from flat offset `offset` on. */
function copyRange(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  offset: number,
  shape: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  // Views are taken after the allocation, which may have grown (and moved) the heap.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  target.set(source.subarray(offset, offset + tf.util.sizeFromShape(shape)));
  return out;
}

/**
 * The Slice kernel: contiguous slices copied heap to heap, others by `fallback` (4.22's).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Slice", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Slice", backendName: "wasm",
 * //     kernelFunc: makeContiguousSlice(original) });
 * const r = new Random(1);
 * const attrs = { begin: [1, 0], size: [2, 4] }; // whole rows: a contiguous view
 * ok(await compareWithCpu("Slice", { x: randomTensor(r, [4, 4]) }, attrs) === 0);
 * ```
 */
export function makeContiguousSlice(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    if (!COPYABLE.has(x.dtype)) return fallback(args);
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.TensorInfo & tf.Tensor,
      args.attrs.begin as number | number[],
      args.attrs.size as number | number[],
    );
    if (!tf.slice_util.isSliceContinous(x.shape, begin, size)) return fallback(args);
    const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    return copyRange(args.backend, x, offset, size);
  };
}

/**
 * The SplitV kernel: where every piece is contiguous (the dimensions before `axis` are all 1),
 * each is copied heap to heap; otherwise `fallback` (4.22's) splits.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * // setupWasmBackend registers it on wasm:
 * //   const original = tf.getKernel("SplitV", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "SplitV", backendName: "wasm",
 * //     kernelFunc: makeContiguousSplitV(original) });
 * await initBackend("wasm");
 * const [top, bottom] = tf.split(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), [1, 2]); // whole rows
 * deepStrictEqual(top.arraySync(), [[1, 2]]);
 * deepStrictEqual(bottom.arraySync(), [[3, 4], [5, 6]]);
 * ```
 */
export function makeContiguousSplitV(fallback: MultiOutputKernelFunc): MultiOutputKernelFunc {
  return (args) => {
    const { x } = args.inputs;
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    if (!COPYABLE.has(x.dtype) || outer !== 1) return fallback(args);
    const sizes = tf.backend_util.prepareSplitSize(
      x as tf.TensorInfo & tf.Tensor,
      args.attrs.numOrSizeSplits as number | number[],
      axis,
    );
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    let offset = 0;
    return sizes.map((s) => {
      const shape = [...x.shape];
      shape[axis] = s;
      const piece = copyRange(args.backend, x, offset, shape);
      offset += s * inner;
      return piece;
    });
  };
}
