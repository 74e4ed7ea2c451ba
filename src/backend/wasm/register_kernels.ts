/**
 * Registers digitkit's training kernels for the wasm backend, adding to or replacing
 * tfjs-backend-wasm 4.22's own:
 *
 * | kernel | action | why |
 * |---|---|---|
 * | Conv2DBackpropFilter | added | 4.22 has none, so Conv2D models could not train |
 * | Conv2DBackpropInput | replaced | 4.22's scalar loop: ~7× slower (Keras CNN, layer 2) |
 * | MaxPoolGrad | replaced | ~2–3× slower in 4.22 |
 * | Sum | replaced | bias gradients (leading axes) ~3–4× slower in 4.22 |
 * | BatchMatMul, _FusedMatMul | replaced | transposed operands (Dense gradients) ~25× slower |
 * | Conv2D | replaced | 1–4 input channels: SIMD loop, ~4× faster than XNNPACK (first layers); |
 * | | | wider: XNNPACK with "same" padding made explicit (4.22 gets some strided "same" wrong) |
 * | FusedConv2D | replaced | XNNPACK with "same" padding made explicit (the same 4.22 bug) |
 * | Add | replaced | a bias row added to every row: SIMD, ~5× faster than 4.22's broadcast |
 * | DigitkitWasmReluGrad | added | the ReLU gradient in one SIMD pass (tfjs: Step, Cast, Multiply) |
 * | Identity | replaced | 4.22 copies; ours shares the input's memory (~8 ms a Keras CNN step) |
 * | Slice, SplitV | replaced | contiguous: copy only the slice (4.22 copies the whole input each) |
 *
 * Replaced kernels that do not cover every case fall back to 4.22's version.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.ts";
import { makeConv2DBackpropInput } from "./conv2d_backprop_input.ts";
import { maxPoolGrad } from "./max_pool_grad.ts";
import { makeSum } from "./sum.ts";
import { makeTransposeFirstMatMul } from "./batch_mat_mul.ts";
import { makeSharedIdentity } from "./identity.ts";
import { makeContiguousSlice, makeContiguousSplitV } from "./slice.ts";
import { makeBiasAdd } from "./bias_add.ts";
import { makeNarrowConv2D, withExplicitSamePadding } from "./conv2d_simd.ts";
import { reluGrad, WASM_RELU_GRAD } from "./relu_grad.ts";
import { useReluGradientKernel } from "../relu_gradient.ts";
import type { KernelArgs } from "./kernel_call.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** What digitkit did to one wasm kernel. */
export interface CustomKernel {
  /** tfjs kernel name. */
  kernelName: string;
  /** `added`: 4.22 lacks it; `replaced`: ours runs instead of 4.22's. */
  action: "added" | "replaced";
}

const OURS = Symbol.for("digitkit.wasmKernel");
const registered: CustomKernel[] = [];

function register(
  kernelName: string,
  build: (fallback: KernelFunc | undefined) => KernelFunc,
): void {
  const existing = tf.getKernel(kernelName, "wasm");
  // deno-lint-ignore no-explicit-any
  if (existing !== undefined && (existing as any)[OURS]) return;
  const fallback = existing?.kernelFunc as KernelFunc | undefined;
  if (existing !== undefined) tf.unregisterKernel(kernelName, "wasm");
  const config = {
    kernelName,
    backendName: "wasm",
    // The replaced kernel's setup binds its C function, which the fallback path needs.
    setupFunc: existing?.setupFunc,
    kernelFunc: build(fallback) as unknown as tf.KernelFunc,
    [OURS]: true,
  };
  tf.registerKernel(config);
  registered.push({ kernelName, action: existing === undefined ? "added" : "replaced" });
}

function requireFallback(name: string, fallback: KernelFunc | undefined): KernelFunc {
  if (fallback === undefined) {
    throw new Error(`tfjs-backend-wasm has no '${name}' kernel to fall back to`);
  }
  return fallback;
}

/**
 * Registers the custom kernels (idempotent). Call after importing tfjs-backend-wasm and
 * before or after `tf.setBackend("wasm")`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmGradientKernels } from "./register_kernels.ts";
 * const kernels = registerWasmGradientKernels();
 * ok(kernels.some((k) => k.kernelName === "Conv2DBackpropFilter"));
 * ```
 */
export function registerWasmGradientKernels(): CustomKernel[] {
  register("Conv2DBackpropFilter", () => conv2DBackpropFilter);
  register(
    "Conv2DBackpropInput",
    (fallback) => makeConv2DBackpropInput(requireFallback("Conv2DBackpropInput", fallback)),
  );
  register("MaxPoolGrad", () => maxPoolGrad);
  register("Sum", (fallback) => makeSum(requireFallback("Sum", fallback)));
  for (const name of ["BatchMatMul", "_FusedMatMul"]) {
    register(name, (fallback) => makeTransposeFirstMatMul(requireFallback(name, fallback)));
  }
  register("Identity", (fallback) => makeSharedIdentity(requireFallback("Identity", fallback)));
  register("Slice", (fallback) => makeContiguousSlice(requireFallback("Slice", fallback)));
  register("SplitV", (fallback) =>
    // SplitV returns one tensor per piece; the registry's type says one.
    makeContiguousSplitV(
      requireFallback("SplitV", fallback) as unknown as (args: KernelArgs) => tf.TensorInfo[],
    ) as unknown as KernelFunc);
  register("Add", (fallback) => makeBiasAdd(requireFallback("Add", fallback)));
  register("Conv2D", (fallback) => makeNarrowConv2D(requireFallback("Conv2D", fallback)));
  if (tf.getKernel(WASM_RELU_GRAD, "wasm") === undefined) {
    register(WASM_RELU_GRAD, () => reluGrad);
    useReluGradientKernel("wasm", WASM_RELU_GRAD);
  }
  register(
    "FusedConv2D",
    (fallback) => withExplicitSamePadding(requireFallback("FusedConv2D", fallback)),
  );
  return registered.map((k) => ({ ...k }));
}
