/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 lacks (so Conv2D
 * models could not train on wasm).
 *
 * Fast path: the filter gradient is itself a convolution. With x as [B,H,W,Ci] and dy as
 * [B,oh,ow,Co], dW[i,j,c,o] = Σ_b,y,x x[b, y·s+i−pad, x·s+j−pad, c] · dy[b,y,x,o], which is a
 * Conv2D of x transposed to [Ci,H,W,B] (batch as channels) with dy transposed to
 * [oh,ow,B,Co] as the filter, dilated by the forward stride. That runs on XNNPACK.
 * (An im2col-patches × dy matrix product was tried: with a fresh dy every step, as in
 * training, XNNPACK's packing of dy makes it 1.4× slower on both layers of the Keras CNN.)
 * Fallback (channels-first data): a direct loop over the wasm heap.
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
import { conv2DBackpropFilterBySimd, simdFilterGradientMissing } from "./filter_gradient_simd.ts";

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const conv2DBackpropFilterPathLog: { last: "simd" | "conv" | "loop" | null } = {
  last: null,
};

/**
 * The filter gradient as one XNNPACK convolution (channels-last data only).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { conv2DBackpropFilterByConv, conv2DBackpropFilterByLoop } from "./conv2d_backprop_filter.ts";
 * import { conv2DInfoFromAttrs, float32View, type WasmBackendLike } from "./kernel_call.ts";
 * import { relativeError } from "./testing.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.randomUniform([1, 6, 6, 2], -1, 1, "float32", 1);
 * const dy = tf.randomUniform([1, 4, 4, 4], -1, 1, "float32", 2);
 * const info = conv2DInfoFromAttrs(x.shape, [3, 3, 2, 4], { strides: 1, pad: "valid",
 *   dataFormat: "NHWC" });
 * const dW = conv2DBackpropFilterByConv(x, dy, info, backend);
 * const byLoop = conv2DBackpropFilterByLoop(x, dy, info, backend); // the reference path
 * ok(relativeError(float32View(backend, dW), float32View(backend, byLoop)) <= 1e-5);
 * ```
 */
export function conv2DBackpropFilterByConv(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: Conv2DInfo,
  backend: WasmBackendLike,
): tf.TensorInfo {
  const { inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth } = info;
  const padTop = info.padInfo.top, padLeft = info.padInfo.left;
  // Rows of padded x the forward pass actually read; extra trailing rows/cols are cropped.
  const usedHeight = filterHeight + (outHeight - 1) * info.strideHeight;
  const usedWidth = filterWidth + (outWidth - 1) * info.strideWidth;
  const padBottom = usedHeight - inHeight - padTop;
  const padRight = usedWidth - inWidth - padLeft;

  const intermediates: tf.TensorInfo[] = [];
  let xT = runWasmKernel("Transpose", { x }, { perm: [3, 1, 2, 0] }, backend);
  intermediates.push(xT);
  if (padBottom < 0 || padRight < 0) {
    const size = [
      inChannels,
      inHeight + Math.min(0, padBottom),
      inWidth + Math.min(0, padRight),
      info.batchSize,
    ];
    xT = runWasmKernel("Slice", { x: xT }, { begin: [0, 0, 0, 0], size }, backend);
    intermediates.push(xT);
  }
  const dyT = runWasmKernel("Transpose", { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const pad = [[0, 0], [padTop, Math.max(0, padBottom)], [padLeft, Math.max(0, padRight)], [
    0,
    0,
  ]];
  const conv = runWasmKernel("Conv2D", { x: xT, filter: dyT }, {
    strides: [1, 1],
    dilations: [info.strideHeight, info.strideWidth],
    pad,
    dataFormat: "NHWC",
  }, backend);
  intermediates.push(dyT, conv);
  const dW = runWasmKernel("Transpose", { x: conv }, { perm: [1, 2, 0, 3] }, backend);
  disposeIntermediates(backend, ...intermediates);
  return dW;
}

/**
 * The filter gradient by a direct loop over the heap: slow but covers every layout.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { conv2DBackpropFilterByConv, conv2DBackpropFilterByLoop } from "./conv2d_backprop_filter.ts";
 * import { conv2DInfoFromAttrs, float32View, type WasmBackendLike } from "./kernel_call.ts";
 * import { relativeError } from "./testing.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.randomUniform([1, 6, 6, 2], -1, 1, "float32", 1);
 * const dy = tf.randomUniform([1, 4, 4, 4], -1, 1, "float32", 2);
 * const info = conv2DInfoFromAttrs(x.shape, [3, 3, 2, 4], { strides: 1, pad: "valid",
 *   dataFormat: "NHWC" });
 * const dW = conv2DBackpropFilterByLoop(x, dy, info, backend);
 * const byConv = conv2DBackpropFilterByConv(x, dy, info, backend); // the fast path agrees
 * ok(relativeError(float32View(backend, dW), float32View(backend, byConv)) <= 1e-5);
 * ```
 */
export function conv2DBackpropFilterByLoop(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: Conv2DInfo,
  backend: WasmBackendLike,
): tf.TensorInfo {
  const channelsLast = info.dataFormat === "channelsLast";
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = info;
  const { inChannels: CI, outChannels: CO, filterHeight: FH, filterWidth: FW } = info;
  const sH = info.strideHeight, sW = info.strideWidth;
  const top = info.padInfo.top, left = info.padInfo.left;
  // Element strides of (batch, row, col, channel) in each layout.
  const xs = channelsLast ? [H * W * CI, W * CI, CI, 1] : [CI * H * W, W, 1, H * W];
  const ys = channelsLast ? [OH * OW * CO, OW * CO, CO, 1] : [CO * OH * OW, OW, 1, OH * OW];
  return outputFromHeap(backend, [FH, FW, CI, CO], [x, dy], (out, [xv, dyv]) => {
    for (let i = 0; i < FH; i++) {
      const yMin = Math.max(0, Math.ceil((top - i) / sH));
      const yMax = Math.min(OH, Math.floor((H - 1 + top - i) / sH) + 1);
      for (let j = 0; j < FW; j++) {
        const xMin = Math.max(0, Math.ceil((left - j) / sW));
        const xMax = Math.min(OW, Math.floor((W - 1 + left - j) / sW) + 1);
        for (let c = 0; c < CI; c++) {
          for (let o = 0; o < CO; o++) {
            let sum = 0;
            for (let b = 0; b < info.batchSize; b++) {
              for (let y = yMin; y < yMax; y++) {
                const row = y * sH + i - top;
                for (let col = xMin; col < xMax; col++) {
                  const xCol = col * sW + j - left;
                  sum += xv[b * xs[0] + row * xs[1] + xCol * xs[2] + c * xs[3]] *
                    dyv[b * ys[0] + y * ys[1] + col * ys[2] + o * ys[3]];
                }
              }
            }
            out[((i * FW + j) * CI + c) * CO + o] = sum;
          }
        }
      }
    }
  });
}

/**
 * The Conv2DBackpropFilter kernel: XNNPACK convolution for channels-last data, loop otherwise.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm",
 * //     kernelFunc: conv2DBackpropFilter });
 * const r = new Random(1);
 * const inputs = { x: randomTensor(r, [2, 8, 9, 3]), dy: randomTensor(r, [2, 3, 4, 2]) };
 * const attrs = { strides: [2, 2], pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 3, 2] };
 * ok(await compareWithCpu("Conv2DBackpropFilter", inputs, attrs) <= 1e-5);
 * ```
 */
export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const info = conv2DInfoFromAttrs(inputs.x.shape, attrs.filterShape as number[], attrs);
  const simd = simdFilterGradientMissing(info) === undefined
    ? conv2DBackpropFilterBySimd(inputs.x, inputs.dy, info, backend)
    : undefined;
  if (simd) {
    conv2DBackpropFilterPathLog.last = "simd";
    return simd;
  }
  if (info.dataFormat === "channelsLast") {
    conv2DBackpropFilterPathLog.last = "conv";
    return conv2DBackpropFilterByConv(inputs.x, inputs.dy, info, backend);
  }
  conv2DBackpropFilterPathLog.last = "loop";
  return conv2DBackpropFilterByLoop(inputs.x, inputs.dy, info, backend);
}
