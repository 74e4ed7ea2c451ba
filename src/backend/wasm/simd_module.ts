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
 * import { strictEqual } from "node:assert";
 * import { relaxedSimdSupported } from "./simd_module.ts";
 * strictEqual(typeof relaxedSimdSupported(), "boolean");
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
 * import { strictEqual } from "node:assert";
 * import { Code } from "./wasm_encoder.ts";
 * import { multiplyAdd } from "./simd_module.ts";
 * // local.get ×3 (2 bytes each), f32x4.mul and f32x4.add (0xfd + 2-byte LEB128 opcode), local.set
 * strictEqual(multiplyAdd(new Code(), 0, 1, 2, false).bytes.length, 14);
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
   * Runs `count` ≥ 1 items (images, rows, vectors) in two halves at once: `args(first, n)`
   * gives `run`'s arguments for items first … first+n−1; the first half runs here, the second
   * on the helper thread when the backend runs threaded (else here too); see simd_threads.ts.
   */
  splitRange(count: number, args: (first: number, n: number) => number[]): void;
}

/** The loop locals of {@link windowLoops}: a window pointer and a counter per level. */
export interface WindowLocals {
  image: number;
  row: number;
  column: number;
  images: number;
  rows: number;
  columns: number;
}

/** The NHWC shape {@link windowLoops} walks: x's (padded) size and the windows over it. */
export interface WindowShape {
  height: number;
  width: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
}

/**
 * Emits the loops over `count` images × output rows × output columns of a windowed kernel
 * (convolution, pooling): `locals.column` holds the byte address in x of the current window's
 * first element, starting from the address in local `x`; `body` emits the work at one output
 * position (advancing any other pointer it keeps). Every count must be ≥ 1 (do-while loops).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Code } from "./wasm_encoder.ts";
 * import { windowLoops } from "./simd_module.ts";
 * const shape = { height: 4, width: 4, channels: 1, outHeight: 2, outWidth: 2, strideHeight: 2,
 *   strideWidth: 2 };
 * const locals = { image: 2, row: 3, column: 4, images: 5, rows: 6, columns: 7 };
 * ok(windowLoops(new Code(), 0, 1, locals, shape, () => {}).bytes.length > 0);
 * ```
 */
export function windowLoops(
  c: Code,
  x: number,
  count: number,
  locals: WindowLocals,
  shape: WindowShape,
  body: () => void,
): Code {
  const { image, row, column, images, rows, columns } = locals;
  const pixel = shape.channels * 4;
  c.get(x).set(image).get(count).set(images);
  c.op(Op.loop, 0x40);
  c.get(image).set(row).const(shape.outHeight).set(rows);
  c.op(Op.loop, 0x40);
  c.get(row).set(column).const(shape.outWidth).set(columns);
  c.op(Op.loop, 0x40);
  body();
  c.addConst(column, shape.strideWidth * pixel).countDown(columns);
  c.addConst(row, shape.strideHeight * shape.width * pixel).countDown(rows);
  return c.addConst(image, shape.height * shape.width * pixel).countDown(images);
}

const compiled = new WeakMap<object, Map<string, CompiledKernel>>();

/**
 * The module `build` describes (its entry point exported as `run`), instantiated on `backend`'s
 * memory and cached under `key` (which must name everything `build` bakes in), or undefined
 * when the backend does not expose its memory.
 *
 * @example
 * ```ts ignore
 * // A step inside the SIMD kernels (needs a WebAssembly builder and heap pointers); the
 * // MaxPoolGrad and Sum examples run it.
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
      splitRange: (count, args) => {
        const half = Math.ceil(count / 2);
        const rest = count > half ? args(half, count - half) : null;
        runSplit(memory, threads, wasm, run, args(0, half), rest);
      },
    };
    cache.set(fullKey, kernel);
  }
  return kernel;
}

/**
 * The backend's memory, for tests of the helper thread.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { backendMemory } from "./simd_module.ts";
 * await initBackend("wasm");
 * ok(backendMemory(tf.backend()) instanceof WebAssembly.Memory);
 * strictEqual(backendMemory({}), undefined); // not a wasm backend
 * ```
 */
export function backendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
