/**
 * libtensorflow's C API for graphs and sessions, through Deno's FFI. tfjs-node only exposes
 * eager, op-by-op execution; a whole training step as one `TF_SessionRun` needs the graph half
 * of the same library, which the tfjs-node addon has already loaded (the same file is opened
 * again, so both share one TensorFlow runtime).
 *
 * Only what {@link ./graph.ts} needs is bound. Pointers stay opaque; `TF_Output` structs are
 * written into byte buffers by {@link outputsBuffer}.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { tensorflowBindingPath } from "../mod.ts";

const SESSION_RUN_PARAMETERS = [
  "pointer", // session
  "pointer", // run options
  "buffer", // input TF_Outputs
  "buffer", // input tensors
  "i32",
  "buffer", // output TF_Outputs
  "buffer", // output tensors (filled)
  "i32",
  "buffer", // target operations
  "i32",
  "pointer", // run metadata
  "pointer", // status
] as const;

const SYMBOLS = {
  TF_NewStatus: { parameters: [], result: "pointer" },
  TF_DeleteStatus: { parameters: ["pointer"], result: "void" },
  TF_GetCode: { parameters: ["pointer"], result: "i32" },
  TF_Message: { parameters: ["pointer"], result: "pointer" },
  TF_NewGraph: { parameters: [], result: "pointer" },
  TF_DeleteGraph: { parameters: ["pointer"], result: "void" },
  TF_NewOperation: { parameters: ["pointer", "buffer", "buffer"], result: "pointer" },
  TF_AddInput: { parameters: ["pointer", { struct: ["pointer", "i32"] }], result: "void" },
  TF_AddInputList: { parameters: ["pointer", "buffer", "i32"], result: "void" },
  TF_AddControlInput: { parameters: ["pointer", "pointer"], result: "void" },
  TF_SetAttrType: { parameters: ["pointer", "buffer", "i32"], result: "void" },
  TF_SetAttrInt: { parameters: ["pointer", "buffer", "i64"], result: "void" },
  TF_SetAttrIntList: { parameters: ["pointer", "buffer", "buffer", "i32"], result: "void" },
  TF_SetAttrFloat: { parameters: ["pointer", "buffer", "f32"], result: "void" },
  TF_SetAttrBool: { parameters: ["pointer", "buffer", "u8"], result: "void" },
  TF_SetAttrString: { parameters: ["pointer", "buffer", "buffer", "usize"], result: "void" },
  TF_SetAttrShape: { parameters: ["pointer", "buffer", "buffer", "i32"], result: "void" },
  TF_SetAttrTensor: { parameters: ["pointer", "buffer", "pointer", "pointer"], result: "void" },
  TF_FinishOperation: { parameters: ["pointer", "pointer"], result: "pointer" },
  TF_AddGradients: {
    parameters: ["pointer", "buffer", "i32", "buffer", "i32", "pointer", "pointer", "buffer"],
    result: "void",
  },
  TF_NewBufferFromString: { parameters: ["buffer", "usize"], result: "pointer" },
  TF_NewBuffer: { parameters: [], result: "pointer" },
  TF_DeleteBuffer: { parameters: ["pointer"], result: "void" },
  TF_NewSessionOptions: { parameters: [], result: "pointer" },
  TF_DeleteSessionOptions: { parameters: ["pointer"], result: "void" },
  TF_SetConfig: { parameters: ["pointer", "buffer", "usize", "pointer"], result: "void" },
  TF_NewSession: { parameters: ["pointer", "pointer", "pointer"], result: "pointer" },
  TF_CloseSession: { parameters: ["pointer", "pointer"], result: "void" },
  TF_DeleteSession: { parameters: ["pointer", "pointer"], result: "void" },
  TF_SessionRun: { parameters: SESSION_RUN_PARAMETERS, result: "void" },
  // The same function on a worker thread (a Promise), so JavaScript can prepare the next batch.
  TF_SessionRunNonblocking: {
    name: "TF_SessionRun",
    parameters: SESSION_RUN_PARAMETERS,
    result: "void",
    nonblocking: true,
  },
  TF_AllocateTensor: { parameters: ["i32", "buffer", "i32", "usize"], result: "pointer" },
  TF_DeleteTensor: { parameters: ["pointer"], result: "void" },
  TF_TensorData: { parameters: ["pointer"], result: "pointer" },
  TF_TensorByteSize: { parameters: ["pointer"], result: "usize" },
} as const;

/** The bound C functions. */
export type TensorflowCApi = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** `TF_DataType` values used here. */
export const DataType = {
  float: 1,
  int32: 3,
  uint8: 4,
  int64: 9,
  bool: 10,
  resource: 20,
  uint32: 22,
} as const;

let library: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;

/**
 * Path of the libtensorflow that tools/setup.sh linked beside the tfjs-node addon (its rpath
 * `$ORIGIN/../../deps/lib`), so this process opens the very file tfjs-node loaded.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { libtensorflowPath } from "./capi.ts";
 * ok(libtensorflowPath().endsWith("libtensorflow.so"));
 * ```
 */
export function libtensorflowPath(): string {
  const addonDir = dirname(tensorflowBindingPath());
  return join(addonDir, "..", "..", "deps", "lib", "libtensorflow.so");
}

/**
 * Opens libtensorflow (once per process) and returns its C functions.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { tensorflowCApi } from "./capi.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * const c = tensorflowCApi();
 * const status = c.TF_NewStatus();
 * strictEqual(c.TF_GetCode(status), 0); // TF_OK
 * c.TF_DeleteStatus(status);
 * ```
 */
export function tensorflowCApi(): TensorflowCApi {
  if (!library) {
    const path = libtensorflowPath();
    if (!existsSync(path)) {
      throw new Error(`libtensorflow not found at ${path}: run 'deno task setup'`);
    }
    library = Deno.dlopen(path, SYMBOLS);
  }
  return library.symbols;
}

/**
 * Why the graph C API cannot be used here, or undefined when libtensorflow opened and made a
 * graph. Loads the library (once).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { graphApiMissingReason } from "./capi.ts";
 * const reason = graphApiMissingReason(); // undefined once the native addon is built
 * ok(reason === undefined || reason.length > 0);
 * ```
 */
export function graphApiMissingReason(): string | undefined {
  try {
    const c = tensorflowCApi();
    const graph = c.TF_NewGraph();
    if (graph === null) return "TF_NewGraph returned null";
    c.TF_DeleteGraph(graph);
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

const encoder = new TextEncoder();

/**
 * A NUL-terminated C string.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { cString } from "./capi.ts";
 * deepStrictEqual(cString("ab"), new Uint8Array([97, 98, 0]));
 * ```
 */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** One output of a graph operation (`TF_Output`). */
export interface Output {
  op: Deno.PointerObject;
  index: number;
}

/**
 * `TF_Output` structs (pointer, int, 4 bytes padding) laid out in one buffer, for the C calls
 * that take arrays of them.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { outputsBuffer } from "./capi.ts";
 * strictEqual(outputsBuffer([]).byteLength, 0);
 * ```
 */
export function outputsBuffer(outputs: readonly Output[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(16 * outputs.length);
  const view = new DataView(bytes.buffer);
  outputs.forEach((o, i) => {
    view.setBigUint64(16 * i, BigInt(Deno.UnsafePointer.value(o.op)), true);
    view.setInt32(16 * i + 8, o.index, true);
  });
  return bytes;
}

/**
 * Reads back `count` `TF_Output` structs that a C call wrote into `bytes`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readOutputs } from "./capi.ts";
 * deepStrictEqual(readOutputs(new Uint8Array(0), 0), []);
 * ```
 */
export function readOutputs(bytes: Uint8Array, count: number): Output[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Output[] = [];
  for (let i = 0; i < count; i++) {
    const op = Deno.UnsafePointer.create(view.getBigUint64(16 * i, true));
    if (op === null) throw new Error(`TF_Output ${i} has a null operation`);
    out.push({ op, index: view.getInt32(16 * i + 8, true) });
  }
  return out;
}

/**
 * Calls `body` with a fresh `TF_Status` and throws the status message if it reports an error.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { tensorflowCApi, withStatus } from "./capi.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * const c = tensorflowCApi();
 * const options = withStatus("new session options", () => c.TF_NewSessionOptions());
 * ok(options !== null);
 * c.TF_DeleteSessionOptions(options);
 * ```
 */
export function withStatus<T>(what: string, body: (status: Deno.PointerObject) => T): T {
  const c = tensorflowCApi();
  const status = c.TF_NewStatus()!;
  try {
    const result = body(status);
    throwIfFailed(what, status);
    return result;
  } finally {
    c.TF_DeleteStatus(status);
  }
}

/**
 * {@link withStatus} for a call that returns a Promise (a nonblocking FFI call): the status
 * lives until the call has finished.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { withStatusAsync } from "./capi.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * let ran = false;
 * await withStatusAsync("run", () => Promise.resolve(void (ran = true)));
 * ok(ran);
 * ```
 */
export async function withStatusAsync(
  what: string,
  body: (status: Deno.PointerObject) => Promise<void>,
): Promise<void> {
  const c = tensorflowCApi();
  const status = c.TF_NewStatus()!;
  try {
    await body(status);
    throwIfFailed(what, status);
  } finally {
    c.TF_DeleteStatus(status);
  }
}

function throwIfFailed(what: string, status: Deno.PointerObject): void {
  const c = tensorflowCApi();
  const code = c.TF_GetCode(status);
  if (code !== 0) {
    const message = Deno.UnsafePointerView.getCString(c.TF_Message(status)!);
    throw new Error(`libtensorflow: ${what}: ${message} (code ${code})`);
  }
}
