/**
 * Just enough of the WebAssembly binary format to write SIMD kernels from TypeScript: a module
 * that imports the tfjs backend's memory and exports functions of i32 parameters. No compiler
 * to wasm is reachable on these machines (no clang, no Rust wasm target), and the kernels are
 * small enough that emitting their instructions is clearer than shipping a prebuilt binary.
 *
 * @module
 */

/** Opcodes the kernels use (core, then SIMD after the 0xfd prefix). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32LtU: 0x49,
} as const;

/** SIMD opcodes (encoded as 0xfd, then the number as unsigned LEB128). */
export const SimdOp = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f32x4Gt: 0x44,
  i32x4Eq: 0x37,
  v128And: 0x4e,
  v128Bitselect: 0x52,
  i8x16Shuffle: 0x0d,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Add: 0xf0,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f32x4RelaxedMadd: 0x105,
} as const;

/** Value types. */
export const ValueType = { i32: 0x7f, v128: 0x7b } as const;

/**
 * Unsigned LEB128.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { unsignedLeb } from "./wasm_encoder.ts";
 * deepStrictEqual(unsignedLeb(624485), [ 229, 142, 38 ]);
 * ```
 */
export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/**
 * Signed LEB128 (32-bit values).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { signedLeb } from "./wasm_encoder.ts";
 * deepStrictEqual(signedLeb(-123456), [ 192, 187, 120 ]);
 * ```
 */
export function signedLeb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A function body under construction: instructions appended in order. */
export class Code {
  readonly bytes: number[] = [];

  /** A core instruction with its immediate bytes. */
  op(opcode: number, ...immediates: number[]): this {
    this.bytes.push(opcode, ...immediates);
    return this;
  }

  /** A SIMD instruction; `memory` gives a load/store's alignment (log2) and byte offset. */
  simd(opcode: number, memory?: { align: number; offset: number }): this {
    this.bytes.push(0xfd, ...unsignedLeb(opcode));
    if (memory) this.bytes.push(...unsignedLeb(memory.align), ...unsignedLeb(memory.offset));
    return this;
  }

  get(local: number): this {
    return this.op(Op.localGet, ...unsignedLeb(local));
  }

  set(local: number): this {
    return this.op(Op.localSet, ...unsignedLeb(local));
  }

  const(value: number): this {
    return this.op(Op.i32Const, ...signedLeb(value));
  }

  /** `local += bytes` for an i32 local and a constant. */
  addConst(local: number, bytes: number): this {
    return this.get(local).const(bytes).op(Op.i32Add).set(local);
  }

  /** `into = min(local, bound)` for an i32 local and a constant (unsigned). */
  minConst(into: number, local: number, bound: number): this {
    return this.get(local).const(bound).get(local).const(bound).op(Op.i32LtU).op(Op.select)
      .set(into);
  }

  /** Ends a do-while loop on an i32 counter: `counter -= 1`, back to the loop's start unless 0. */
  countDown(counter: number): this {
    return this.get(counter).const(1).op(Op.i32Sub).op(Op.localTee, counter).op(Op.brIf, 0)
      .op(Op.end);
  }

  /** A v128 zero constant. */
  zeroV128(): this {
    return this.#v128Bytes(new Uint8Array(16));
  }

  /** A v128 constant of four equal float32 or int32 lanes. */
  splatConst(value: number, lane: "f32" | "i32"): this {
    const lanes = lane === "f32" ? new Float32Array(4).fill(value) : new Int32Array(4).fill(value);
    return this.#v128Bytes(new Uint8Array(lanes.buffer));
  }

  #v128Bytes(bytes: Uint8Array): this {
    this.simd(SimdOp.v128Const);
    this.bytes.push(...bytes);
    return this;
  }
}

/** One exported function: i32 parameters, no results, extra locals by type. */
export interface FunctionSpec {
  name: string;
  params: number;
  locals: { type: number; count: number }[];
  body: Code;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...unsignedLeb(payload.length), ...payload];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

/**
 * A module importing memory `env.memory` (shared or not, to match the backend's) and exporting
 * `functions`. Every function has the same type: `params` i32 parameters, no result.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Code, encodeModule } from "./wasm_encoder.ts";
 * const bytes = encodeModule([{ name: "noop", params: 0, locals: [], body: new Code() }], false);
 * ok(WebAssembly.validate(bytes));
 * ```
 */
export function encodeModule(
  functions: FunctionSpec[],
  sharedMemory: boolean,
): Uint8Array<ArrayBuffer> {
  const params = new Set(functions.map((f) => f.params));
  const types = [...params].map((n) => [0x60, ...vector(new Array(n).fill([ValueType.i32])), 0]);
  const typeIndex = [...params];
  // Shared memories must declare a maximum; 65,536 pages is wasm32's limit, so any matches.
  const limits = sharedMemory ? [0x03, 1, ...unsignedLeb(65536)] : [0x00, 1];
  const memoryImport = [...name("env"), ...name("memory"), 0x02, ...limits];
  const bodies = functions.map((f) => {
    const locals = vector(f.locals.map((l) => [...unsignedLeb(l.count), l.type]));
    const body = [...locals, ...f.body.bytes, Op.end];
    return [...unsignedLeb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((f) => unsignedLeb(typeIndex.indexOf(f.params))))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb(i)]))),
    ...section(10, vector(bodies)),
  ]);
}
