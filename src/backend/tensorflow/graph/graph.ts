/**
 * A small builder over libtensorflow's graph C API: operations by type name with typed
 * attributes, symbolic gradients (`TF_AddGradients`, TensorFlow's own C++ gradient functions)
 * and host tensors in and out; {@link ./session.ts} runs it. The graph is what Keras'
 * `tf.function` would trace, written from a model spec instead of traced from Python.
 *
 * @module
 */
import {
  cString,
  DataType,
  type Output,
  outputsBuffer,
  readOutputs,
  tensorflowCApi,
  withStatus,
} from "./capi.ts";

/** An attribute value of a graph operation. */
export type Attr =
  | { type: number }
  | { int: number }
  | { ints: number[] }
  | { float: number }
  | { bool: boolean }
  | { string: string }
  | { shape: number[] }
  | { tensor: HostTensor };

/** Element types of {@link HostTensor}s. */
export type HostDtype = "float32" | "int32" | "int64" | "uint8";

/** A dense host array with its shape, as fed to or fetched from a session. */
export interface HostTensor {
  dtype: HostDtype;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

const DTYPE_CODE: Record<HostDtype, number> = {
  float32: DataType.float,
  int32: DataType.int32,
  int64: DataType.int64,
  uint8: DataType.uint8,
};

/**
 * A libtensorflow `TF_Tensor` holding a copy of `tensor`; the caller deletes it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { tensorflowCApi } from "./capi.ts";
 * import { toTfTensor } from "./graph.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * const t = toTfTensor({ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) });
 * strictEqual(Number(tensorflowCApi().TF_TensorByteSize(t)), 8);
 * tensorflowCApi().TF_DeleteTensor(t);
 * ```
 */
export function toTfTensor(tensor: HostTensor): Deno.PointerObject {
  const c = tensorflowCApi();
  const dims = new BigInt64Array(tensor.shape.map(BigInt));
  const bytes = tensor.data.byteLength;
  const handle = c.TF_AllocateTensor(DTYPE_CODE[tensor.dtype], dims, dims.length, BigInt(bytes));
  if (!handle) throw new Error("TF_AllocateTensor failed");
  if (bytes > 0) {
    const target = Deno.UnsafePointerView.getArrayBuffer(c.TF_TensorData(handle)!, bytes);
    new Uint8Array(target).set(
      new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, bytes),
    );
  }
  return handle;
}

/**
 * Copies a float32 `TF_Tensor` into a new Float32Array (the tensor stays the caller's).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { tensorflowCApi } from "./capi.ts";
 * import { fromTfTensor, toTfTensor } from "./graph.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * const t = toTfTensor({ dtype: "float32", shape: [1], data: new Float32Array([3]) });
 * deepStrictEqual(fromTfTensor(t), new Float32Array([3]));
 * tensorflowCApi().TF_DeleteTensor(t);
 * ```
 */
export function fromTfTensor(handle: Deno.PointerObject): Float32Array {
  const c = tensorflowCApi();
  const bytes = Number(c.TF_TensorByteSize(handle));
  const out = new Float32Array(bytes / 4);
  if (bytes > 0) {
    new Uint8Array(out.buffer).set(
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(c.TF_TensorData(handle)!, bytes)),
    );
  }
  return out;
}

/** Inputs of one operation: single outputs, and lists for list-typed inputs (`ConcatV2`). */
export type OpInput = Output | Output[];

/**
 * Builds a TensorFlow graph operation by operation.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { Graph } from "./graph.ts";
 * import { Session } from "./session.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`; loads libtensorflow
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [-1, 2]);
 * const y = g.op("Square", [x], { T: { type: 1 } })[0];
 * const s = new Session(g, { intraOp: 1, interOp: 1 });
 * const [out] = s.run([[x, { dtype: "float32", shape: [1, 2], data: new Float32Array([2, 3]) }]], [y]);
 * deepStrictEqual(out, new Float32Array([4, 9]));
 * ```
 */
export class Graph {
  readonly handle: Deno.PointerObject;
  #names = new Map<string, number>();

  constructor() {
    this.handle = tensorflowCApi().TF_NewGraph()!;
  }

  /** A unique operation name from `base` (`base`, `base_1`, …). */
  uniqueName(base: string): string {
    const n = this.#names.get(base) ?? 0;
    this.#names.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  /** Adds an operation and returns it; `control` operations must run before it. */
  operation(
    type: string,
    inputs: OpInput[],
    attrs: Record<string, Attr> = {},
    options: { name?: string; control?: Deno.PointerObject[] } = {},
  ): Deno.PointerObject {
    const c = tensorflowCApi();
    const name = this.uniqueName(options.name ?? type);
    const desc = c.TF_NewOperation(this.handle, cString(type), cString(name))!;
    for (const input of inputs) {
      if (Array.isArray(input)) c.TF_AddInputList(desc, outputsBuffer(input), input.length);
      else c.TF_AddInput(desc, outputsBuffer([input]));
    }
    for (const op of options.control ?? []) c.TF_AddControlInput(desc, op);
    const tensors: Deno.PointerObject[] = [];
    try {
      for (const [key, value] of Object.entries(attrs)) {
        tensors.push(...setAttr(desc, key, value));
      }
      return withStatus(`${type} '${name}'`, (status) => c.TF_FinishOperation(desc, status))!;
    } finally {
      for (const t of tensors) c.TF_DeleteTensor(t);
    }
  }

  /** Adds an operation and returns its first `outputs` outputs (1 by default). */
  op(
    type: string,
    inputs: OpInput[],
    attrs: Record<string, Attr> = {},
    options: { name?: string; outputs?: number } = {},
  ): Output[] {
    const op = this.operation(type, inputs, attrs, options);
    return Array.from({ length: options.outputs ?? 1 }, (_, index) => ({ op, index }));
  }

  /** A graph input of `dtype` and `shape` (−1 for an unknown dimension). */
  placeholder(name: string, dtype: HostDtype, shape: number[]): Output {
    return this.op("Placeholder", [], { dtype: { type: DTYPE_CODE[dtype] }, shape: { shape } }, {
      name,
    })[0];
  }

  /** A constant float32, int32 or uint8 tensor. */
  constant(
    data: number[],
    shape: number[],
    dtype: "float32" | "int32" | "uint8" = "float32",
  ): Output {
    const array = dtype === "float32"
      ? new Float32Array(data)
      : dtype === "int32"
      ? new Int32Array(data)
      : new Uint8Array(data);
    return this.op("Const", [], {
      dtype: { type: DTYPE_CODE[dtype] },
      value: { tensor: { dtype, shape, data: array } },
    }, { name: "const" })[0];
  }

  /** d`ys[0]`/d`xs[i]` for each i, by TensorFlow's registered C++ gradient functions. */
  gradients(y: Output, xs: Output[]): Output[] {
    const c = tensorflowCApi();
    const dy = new Uint8Array(16 * xs.length);
    withStatus(
      "gradients",
      (status) =>
        c.TF_AddGradients(
          this.handle,
          outputsBuffer([y]),
          1,
          outputsBuffer(xs),
          xs.length,
          null,
          status,
          dy,
        ),
    );
    return readOutputs(dy, xs.length);
  }

  /** Frees the graph (after every session on it is closed). */
  dispose(): void {
    tensorflowCApi().TF_DeleteGraph(this.handle);
  }
}

function setAttr(desc: Deno.PointerObject, key: string, value: Attr): Deno.PointerObject[] {
  const c = tensorflowCApi();
  const name = cString(key);
  if ("type" in value) c.TF_SetAttrType(desc, name, value.type);
  else if ("int" in value) c.TF_SetAttrInt(desc, name, BigInt(value.int));
  else if ("ints" in value) {
    c.TF_SetAttrIntList(desc, name, new BigInt64Array(value.ints.map(BigInt)), value.ints.length);
  } else if ("float" in value) c.TF_SetAttrFloat(desc, name, value.float);
  else if ("bool" in value) c.TF_SetAttrBool(desc, name, value.bool ? 1 : 0);
  else if ("string" in value) {
    const bytes = new TextEncoder().encode(value.string);
    c.TF_SetAttrString(desc, name, bytes, BigInt(bytes.length));
  } else if ("shape" in value) {
    c.TF_SetAttrShape(desc, name, new BigInt64Array(value.shape.map(BigInt)), value.shape.length);
  } else {
    const tensor = toTfTensor(value.tensor);
    withStatus(`attr ${key}`, (status) => c.TF_SetAttrTensor(desc, name, tensor, status));
    return [tensor];
  }
  return [];
}
