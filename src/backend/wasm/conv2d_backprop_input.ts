/**
 * A faster Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm 4.22 computes it with a
 * scalar C loop; the input gradient is a convolution of dy (zero-stuffed by the forward stride)
 * with the filter rotated 180° and its channel axes swapped, which runs on XNNPACK.
 * Cases the convolution does not cover (channels-first data, padding larger than the filter)
 * fall back to the original 4.22 kernel.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  conv2DInfoFromAttrs,
  disposeIntermediates,
  type KernelArgs,
  outputFromHeap,
  runWasmKernel,
  type WasmBackendLike,
} from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const conv2DBackpropInputPathLog: { last: "conv" | "fallback" | null } = { last: null };

/**
 * dy with (stride − 1) zeros inserted between rows and between columns (NHWC).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { zeroStuff } from "./conv2d_backprop_input.ts";
 * import { float32View, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
 * const stuffed = zeroStuff(dy, 2, 2, backend); // [B,oh,ow,C] → [B,2oh−1,2ow−1,C]
 * deepStrictEqual(stuffed.shape, [1, 3, 3, 1]);
 * deepStrictEqual(Array.from(float32View(backend, stuffed)), [1, 0, 2, 0, 0, 0, 3, 0, 4]);
 * ```
 */
export function zeroStuff(
  dy: tf.TensorInfo,
  strideHeight: number,
  strideWidth: number,
  backend: WasmBackendLike,
): tf.TensorInfo {
  const [batch, rows, cols, channels] = dy.shape;
  const outRows = (rows - 1) * strideHeight + 1, outCols = (cols - 1) * strideWidth + 1;
  return outputFromHeap(backend, [batch, outRows, outCols, channels], [dy], (out, [src]) => {
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const from = ((b * rows + r) * cols + c) * channels;
          const to = ((b * outRows + r * strideHeight) * outCols + c * strideWidth) * channels;
          out.set(src.subarray(from, from + channels), to);
        }
      }
    }
  });
}

/**
 * Builds the kernel function; `fallback` is the kernel it replaces (used for uncovered cases).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Conv2DBackpropInput", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Conv2DBackpropInput", backendName: "wasm",
 * //     kernelFunc: makeConv2DBackpropInput(original) });
 * const r = new Random(1);
 * const inputs = { dy: randomTensor(r, [1, 3, 3, 2]), filter: randomTensor(r, [3, 3, 1, 2]) };
 * const attrs = { strides: 2, pad: "valid", dataFormat: "NHWC", inputShape: [1, 7, 7, 1] };
 * ok(await compareWithCpu("Conv2DBackpropInput", inputs, attrs) <= 1e-5);
 * ```
 */
export function makeConv2DBackpropInput(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { dy, filter } = inputs;
    const info = conv2DInfoFromAttrs(attrs.inputShape as number[], filter.shape, attrs);
    const { filterHeight: FH, filterWidth: FW, strideHeight: sH, strideWidth: sW } = info;
    const stuffedRows = (info.outHeight - 1) * sH + 1, stuffedCols = (info.outWidth - 1) * sW + 1;
    // Padding of the "full" convolution that maps stuffed dy back onto x.
    const top = FH - 1 - info.padInfo.top, left = FW - 1 - info.padInfo.left;
    const bottom = info.inHeight + FH - 1 - stuffedRows - top;
    const right = info.inWidth + FW - 1 - stuffedCols - left;
    if (info.dataFormat !== "channelsLast" || Math.min(top, left, bottom, right) < 0) {
      conv2DBackpropInputPathLog.last = "fallback";
      return fallback(args);
    }
    conv2DBackpropInputPathLog.last = "conv";
    const intermediates: tf.TensorInfo[] = [];
    let source = dy;
    if (sH > 1 || sW > 1) {
      source = zeroStuff(dy, sH, sW, backend);
      intermediates.push(source);
    }
    const flipped = runWasmKernel("Reverse", { x: filter }, { dims: [0, 1] }, backend);
    const rotated = runWasmKernel("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] }, backend);
    intermediates.push(flipped, rotated);
    const dx = runWasmKernel("Conv2D", { x: source, filter: rotated }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: "NHWC",
    }, backend);
    disposeIntermediates(backend, ...intermediates);
    return dx;
  };
}
