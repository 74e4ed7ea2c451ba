/**
 * Helpers for writing wasm kernels out of other wasm kernels: run a registered kernel on
 * `TensorInfo`s, free intermediates, and view tensor data in the wasm heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The subset of tfjs-backend-wasm's `BackendWasm` our kernels use. */
export interface WasmBackendLike {
  /** Allocates an output tensor in the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a tensor's bytes in the wasm heap (invalid after the heap grows). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** Frees a tensor's data (once no other tensor shares it, unless forced). */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  /** Counts one more tensor sharing `dataId`'s memory. */
  incRef(dataId: tf.DataId): void;
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  attrs: Record<string, unknown>;
  backend: WasmBackendLike;
}

/**
 * Runs the kernel currently registered under `kernelName` for the wasm backend.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { float32View, runWasmKernel, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.tensor2d([[1, 2], [3, 4]]);
 * const t = runWasmKernel("Transpose", { x }, { perm: [1, 0] }, backend);
 * deepStrictEqual(Array.from(float32View(backend, t)), [1, 3, 2, 4]);
 * ```
 */
export function runWasmKernel(
  kernelName: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
  backend: WasmBackendLike,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, "wasm");
  if (kernel === undefined) {
    throw new Error(`wasm kernel '${kernelName}' is not registered`);
  }
  // deno-lint-ignore no-explicit-any
  return kernel.kernelFunc({ inputs, attrs, backend } as any) as tf.TensorInfo;
}

/**
 * Frees intermediate results of a composed kernel (never pass a kernel's inputs or output).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { disposeIntermediates, runWasmKernel, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.tensor2d([[1, 2], [3, 4]]);
 * const before = tf.memory().numBytes;
 * const transposed = runWasmKernel("Transpose", { x }, { perm: [1, 0] }, backend);
 * disposeIntermediates(backend, transposed); // a kernel's scratch tensor, never seen by tfjs
 * strictEqual(tf.memory().numBytes, before);
 * ```
 */
export function disposeIntermediates(
  backend: WasmBackendLike,
  ...infos: tf.TensorInfo[]
): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A Float32Array view of a float32 tensor in the wasm heap. Take views only after the last
 * allocation of the kernel: allocating may grow (and so detach) the heap.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { disposeIntermediates, float32View, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const out = backend.makeOutput([2, 2], "float32");
 * const view = float32View(backend, out);
 * strictEqual(view.length, 4);
 * disposeIntermediates(backend, out);
 * ```
 */
export function float32View(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new Error(`expected a float32 tensor, found ${info.dtype}`);
  }
  return view;
}

/**
 * Makes a float32 output filled by `fill`, which receives heap views of the output and of
 * each input (views are taken after the output is allocated, so they stay valid).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { float32View, outputFromHeap, type WasmBackendLike } from "./kernel_call.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.tensor1d([1, 2, 3]);
 * const out = outputFromHeap(backend, x.shape, [x], (o, [xv]) => o.set(xv.map((v) => 2 * v)));
 * deepStrictEqual(Array.from(float32View(backend, out)), [2, 4, 6]);
 * ```
 */
export function outputFromHeap(
  backend: WasmBackendLike,
  shape: number[],
  inputs: tf.TensorInfo[],
  fill: (out: Float32Array, inputViews: Float32Array[]) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  const outView = float32View(backend, out);
  outView.fill(0);
  fill(outView, inputs.map((info) => float32View(backend, info)));
  return out;
}

/**
 * The Conv2DInfo of a convolution gradient kernel's attributes (`strides`, `pad`,
 * `dataFormat`, `dimRoundingMode`; gradients have no dilations).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conv2DInfoFromAttrs } from "./kernel_call.ts";
 * const info = conv2DInfoFromAttrs([1, 5, 5, 1], [3, 3, 1, 2], { strides: 1, pad: "valid" });
 * strictEqual(info.outHeight, 3);
 * ```
 */
export function conv2DInfoFromAttrs(
  inShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as "NHWC" | "NCHW") ?? "NHWC"),
  );
}
