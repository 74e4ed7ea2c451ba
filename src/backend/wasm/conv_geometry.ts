/**
 * What the SIMD convolution loops (conv2d_simd.ts, filter_gradient_simd.ts) bake into their code,
 * and the padded copy of x they read, so that every tap of every window is inside it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackendLike } from "./kernel_call.ts";
import { type CompiledKernel, compiledKernel } from "./simd_module.ts";
import type { FunctionSpec } from "./wasm_encoder.ts";

/** A convolution's shape as constants for generated code (x after padding). */
export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Rows and columns of x after padding. */
  height: number;
  width: number;
}

/** The padding of x the loops need: the convolution's own, plus any windows past the end. */
function padding(info: tf.backend_util.Conv2DInfo) {
  const top = info.padInfo.top, left = info.padInfo.left;
  const usedHeight = info.filterHeight + (info.outHeight - 1) * info.strideHeight;
  const usedWidth = info.filterWidth + (info.outWidth - 1) * info.strideWidth;
  const bottom = Math.max(0, usedHeight - info.inHeight - top);
  const right = Math.max(0, usedWidth - info.inWidth - left);
  return { top, bottom, left, right };
}

/**
 * The geometry of `info` (NHWC, no dilation) with x padded as {@link paddedInput} pads it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { convGeometry } from "./conv_geometry.ts";
 * const info = tf.backend_util.computeConv2DInfo([1, 5, 5, 1], [3, 3, 1, 8], 1, 1, "same");
 * strictEqual(convGeometry(info).height, 7);
 * ```
 */
export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  const p = padding(info);
  return {
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    height: info.inHeight + p.top + p.bottom,
    width: info.inWidth + p.left + p.right,
  };
}

/**
 * x zero-padded for the loops (x itself when no padding is needed; else a new tensor the caller
 * disposes). Rows and columns past the last window stay unread.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { paddedInput } from "./conv_geometry.ts";
 * import { conv2DInfoFromAttrs, disposeIntermediates, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.ones([1, 4, 4, 1]);
 * const info = conv2DInfoFromAttrs(x.shape, [3, 3, 1, 1], { strides: 1, pad: "same" });
 * const padded = paddedInput(x, info, backend);
 * deepStrictEqual(padded.shape, [1, 6, 6, 1]); // one zero row/column on each side
 * if (padded !== x) disposeIntermediates(backend, padded);
 * ```
 */
export function paddedInput(
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: WasmBackendLike,
): tf.TensorInfo {
  const { top, bottom, left, right } = padding(info);
  if (top + bottom + left + right === 0) return x;
  return runWasmKernel("PadV2", { x }, {
    paddings: [[0, 0], [top, bottom], [left, right], [0, 0]],
    constantValue: 0,
  }, backend);
}

/**
 * A convolution's geometry and the SIMD kernel `build` makes for it, compiled once per geometry
 * and `label`; undefined when the backend does not expose its memory.
 *
 * @example
 * ```ts ignore
 * // A step inside the Conv2D and filter-gradient kernels (needs their WebAssembly builders);
 * // the Conv2D example in conv2d_simd.ts runs it.
 * const compiled = convKernel(backend, "narrow-conv2d", info, (g, relaxed) => [conv(g, relaxed)]);
 * compiled?.kernel.splitRange(info.batchSize, (first, n) => [x, w, out, n]);
 * ```
 */
export function convKernel(
  backend: WasmBackendLike,
  label: string,
  info: tf.backend_util.Conv2DInfo,
  build: (geometry: ConvGeometry, relaxed: boolean) => FunctionSpec[],
): { geometry: ConvGeometry; kernel: CompiledKernel } | undefined {
  const geometry = convGeometry(info);
  const key = `${label} ${JSON.stringify(geometry)}`;
  const kernel = compiledKernel(backend, key, (relaxed) => build(geometry, relaxed));
  return kernel && { geometry, kernel };
}
