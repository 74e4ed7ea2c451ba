/**
 * Compiling our own SIMD kernels next to tfjs-backend-wasm: each module imports the backend's
 * memory (shared in the threaded build), so kernels read and write tensors in place, and is
 * compiled once per backend and geometry.
 *
 * @module
 */
import { Code, encodeModule, type FunctionSpec, Op, SimdOp } from "./wasm_encoder.ts";
import type { WasmBackendLike } from "./kernel_call.ts";

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

const compiled = new WeakMap<object, Map<string, WebAssembly.Exports>>();

/**
 * The exports of the module `build` describes, instantiated on `backend`'s memory and cached
 * under `key` (which must name everything `build` bakes in), or undefined when the backend
 * does not expose its memory.
 *
 * @example
 * ```ts ignore
 * const run = compiledKernel(backend, `pool ${JSON.stringify(geometry)}`, build)?.run;
 * ```
 */
export function compiledKernel(
  backend: WasmBackendLike,
  key: string,
  build: (relaxed: boolean) => FunctionSpec[],
): WebAssembly.Exports | undefined {
  const module = (backend as unknown as { wasm?: EmscriptenModule }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  if (!module || !(memory instanceof WebAssembly.Memory)) return undefined;
  const cache = compiled.get(module) ?? compiled.set(module, new Map()).get(module)!;
  const relaxed = relaxedSimdSupported();
  const fullKey = `${key} relaxed=${relaxed}`;
  let exports = cache.get(fullKey);
  if (!exports) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const bytes = encodeModule(build(relaxed), shared);
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    cache.set(fullKey, exports);
  }
  return exports;
}
