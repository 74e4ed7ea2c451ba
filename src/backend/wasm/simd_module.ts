/**
 * Compiling our own SIMD kernels next to tfjs-backend-wasm: each module imports the backend's
 * memory (shared in the threaded build), so kernels read and write tensors in place, and is
 * compiled once per backend and geometry.
 *
 * @module
 */
import { Code, encodeModule, type FunctionSpec, Op, SimdOp } from "./wasm_encoder.ts";
import type { WasmBackendLike } from "./kernel_call.ts";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import { runSplit } from "./simd_threads.ts";

/** The part of tfjs-backend-wasm's Emscripten module that holds its memory. */
interface EmscriptenModule {
  /** The threaded build's shared memory. */
  wasmMemory?: WebAssembly.Memory;
  /** The single-threaded build's exported memory. */
  asm?: { memory?: WebAssembly.Memory };
}

let relaxedSimd: boolean | undefined;

/** Test hook: `relaxed: false` makes kernels compiled after it use separate multiply and add. */
export const simdSettings: { relaxed?: boolean } = {};

/**
 * Whether kernels use relaxed SIMD's fused multiply-add: where the engine has it (V8 does by
 * default), unless {@link simdSettings} says not to.
 *
 * @example
 * ```ts
 * import { relaxedSimdSupported } from "./simd_module.ts";
 * console.log(typeof relaxedSimdSupported()); // "boolean"
 * ```
 */
export function relaxedSimdSupported(): boolean {
  const probe = new Code().zeroV128().zeroV128().zeroV128().simd(SimdOp.f32x4RelaxedMadd)
    .op(Op.drop);
  relaxedSimd ??= WebAssembly.validate(
    encodeModule([{ name: "probe", params: 0, locals: [], body: probe }], false),
  );
  return relaxedSimd && simdSettings.relaxed !== false;
}

/**
 * Emits `acc ← a · b + acc` on f32x4 locals: one fused multiply-add where relaxed SIMD has it.
 *
 * @example
 * ```ts
 * import { Code } from "./wasm_encoder.ts";
 * import { multiplyAdd } from "./simd_module.ts";
 * console.log(multiplyAdd(new Code(), 0, 1, 2, false).bytes.length); // 12
 * ```
 */
export function multiplyAdd(c: Code, a: number, b: number, acc: number, relaxed: boolean): Code {
  if (relaxed) c.get(a).get(b).get(acc).simd(SimdOp.f32x4RelaxedMadd);
  else c.get(acc).get(a).get(b).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Add);
  return c.set(acc);
}

/** A compiled kernel module: its `run` export, here or split with the helper thread. */
export interface CompiledKernel {
  /** Calls `run` on this thread. */
  run(...args: number[]): void;
  /**
   * Calls `run(...mainArgs)` here and `run(...helperArgs)` on the helper thread at once, when
   * the backend runs threaded (else both here); see simd_threads.ts.
   */
  split(mainArgs: number[], helperArgs: number[] | null): void;
}

const compiled = new WeakMap<object, Map<string, CompiledKernel>>();

/**
 * The module `build` describes (its entry point exported as `run`), instantiated on `backend`'s
 * memory and cached under `key` (which must name everything `build` bakes in), or undefined
 * when the backend does not expose its memory.
 *
 * @example
 * ```ts ignore
 * compiledKernel(backend, `pool ${JSON.stringify(geometry)}`, build)?.run(x, dy, dx, images);
 * ```
 */
export function compiledKernel(
  backend: WasmBackendLike,
  key: string,
  build: (relaxed: boolean) => FunctionSpec[],
): CompiledKernel | undefined {
  const memory = backendMemory(backend);
  if (!memory) return undefined;
  const cache = compiled.get(memory) ?? compiled.set(memory, new Map()).get(memory)!;
  const relaxed = relaxedSimdSupported();
  const fullKey = `${key} relaxed=${relaxed}`;
  let kernel = cache.get(fullKey);
  if (!kernel) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const wasm = new WebAssembly.Module(encodeModule(build(relaxed), shared));
    const run = new WebAssembly.Instance(wasm, { env: { memory } }).exports.run as (
      ...args: number[]
    ) => void;
    const threads = shared ? tfWasm.getThreadsCount() : 1;
    kernel = {
      run,
      split: (mainArgs, helperArgs) => runSplit(memory, threads, wasm, run, mainArgs, helperArgs),
    };
    cache.set(fullKey, kernel);
  }
  return kernel;
}

/**
 * The backend's memory, for tests of the helper thread.
 *
 * @example
 * ```ts ignore
 * const memory = backendMemory(tf.backend());
 * ```
 */
export function backendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
