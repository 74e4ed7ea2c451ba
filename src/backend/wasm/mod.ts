/**
 * The `wasm` backend made able to train: tfjs-backend-wasm 4.22 loaded from node_modules in
 * Deno, plus digitkit's training kernels (see `register_kernels.ts`), optionally on the
 * multi-threaded SIMD build (see `threads.ts`).
 *
 * Measured on the 2-core dev machine (cores shared with other jobs), keras-mnist-convnet,
 * batch 128, Adam, 1 thread: ~800 images/s with these kernels against ~280 with 4.22's own
 * plus only the missing Conv2DBackpropFilter (`bench/wasm_bench.ts`). That is ~160 CPU-ms a
 * step for ~1 G multiply-adds, near XNNPACK's single-thread wasm SIMD rate, so more speed has
 * to come from threads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import { type CustomKernel, registerWasmGradientKernels } from "./register_kernels.ts";
import { settlePthreadWorkers, withThreadedWasm } from "./threads.ts";
import { wasmBinaryDirectory } from "./wasm_files.ts";

export type { CustomKernel } from "./register_kernels.ts";

/** Options for {@link setupWasmBackend}. */
export interface WasmSetupOptions {
  /**
   * Threads for XNNPACK; 1 (the default) loads the single-threaded SIMD build, more loads the
   * threaded SIMD build (see `threads.ts`). Fixed once the backend has initialised.
   */
  threads?: number;
}

/** What {@link setupWasmBackend} set up. */
export interface WasmBackendInfo {
  /** Kernels digitkit registered for `wasm`. */
  customKernels: CustomKernel[];
  /** Threads the wasm module actually runs with (-1 before the backend initialised). */
  threads: number;
  /** Whether the SIMD build is in use. */
  simd: boolean;
  /** Version of tfjs-backend-wasm. */
  version: string;
}

let customKernels: CustomKernel[] = [];

/**
 * Registers the wasm backend's binaries and custom kernels and initialises it, so that
 * `tf.setBackend("wasm")` (which this call does not do) is ready and able to train.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { setupWasmBackend } from "./mod.ts";
 * await setupWasmBackend();
 * await tf.setBackend("wasm");
 * strictEqual(tf.getBackend(), "wasm");
 * ```
 */
export async function setupWasmBackend(options: WasmSetupOptions = {}): Promise<void> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }
  customKernels = registerWasmGradientKernels();
  if (isWasmInitialised()) return;
  tfWasm.setWasmPaths(wasmBinaryDirectory());
  tfWasm.setThreadsCount(threads);
  // Initialise now (then restore the active backend) so errors surface here, not mid-training.
  const active: string | null = tf.engine().backendName;
  const initialise = () => tf.setBackend("wasm");
  const ok = threads > 1 ? await withThreadedWasm(threads, initialise) : await initialise();
  if (!ok) throw new Error(`tfjs wasm backend failed to initialise (threads: ${threads})`);
  settlePthreadWorkers(tf.engine().registry["wasm"]);
  if (active != null && active !== "wasm") await tf.setBackend(active);
}

// tf.findBackend would start initialising the backend as a side effect; the registry does not.
function isWasmInitialised(): boolean {
  return tf.engine().registry["wasm"] !== undefined;
}

/**
 * Which kernels digitkit registered and how many threads wasm runs with.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { setupWasmBackend, wasmBackendInfo } from "./mod.ts";
 * await setupWasmBackend();
 * await tf.setBackend("wasm");
 * const info = await wasmBackendInfo();
 * strictEqual(info.threads, 1); // the default single-threaded SIMD build
 * ok(info.customKernels.some((k) => k.kernelName === "Conv2DBackpropFilter"));
 * ```
 */
export async function wasmBackendInfo(): Promise<WasmBackendInfo> {
  return {
    customKernels: customKernels.map((k) => ({ ...k })),
    threads: !isWasmInitialised() ? -1 : tfWasm.getThreadsCount(),
    simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
    version: tfWasm.version_wasm,
  };
}
