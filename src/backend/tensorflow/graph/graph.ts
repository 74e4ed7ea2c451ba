/**
 * A small builder over libtensorflow's graph C API: operations by type name with typed
 * attributes, symbolic gradients (`TF_AddGradients`, TensorFlow's own C++ gradient functions)
 * and a session that runs a whole step per call. The graph is what Keras' `tf.function` would
 * trace, written from a model spec instead of traced from Python.
 *
 * @module
 */
import { decodeRunMetadata, FULL_TRACE_RUN_OPTIONS, type OpTiming } from "./step_stats.ts";
import {
  cString,
  DataType,
  type Output,
  outputsBuffer,
  readOutputs,
  type TensorflowCApi,
  tensorflowCApi,
  withStatus,
  withStatusAsync,
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
 * ```ts ignore
 * import { toTfTensor } from "./graph.ts";
 * const t = toTfTensor({ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) });
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
 * ```ts ignore
 * import { fromTfTensor, toTfTensor } from "./graph.ts";
 * const t = toTfTensor({ dtype: "float32", shape: [1], data: new Float32Array([3]) });
 * console.log(fromTfTensor(t)); // Float32Array [3]
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

/** A `TF_SessionRun`'s arguments, laid out, and what to do with its results. */
interface PreparedRun {
  args: (status: Deno.PointerObject) => Parameters<TensorflowCApi["TF_SessionRun"]>;
  results: () => Float32Array[];
  trace: () => OpTiming[];
  free: () => void;
}

/** A copy of a `TF_Buffer`'s bytes (the struct is { data, length, deallocator }). */
function bufferBytes(buffer: Deno.PointerObject): Uint8Array {
  const view = new Deno.UnsafePointerView(buffer);
  const data = view.getPointer(0);
  const length = Number(view.getBigUint64(8));
  if (!data || length === 0) return new Uint8Array(0);
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, length).slice(0));
}

/** Inputs of one operation: single outputs, and lists for list-typed inputs (`ConcatV2`). */
export type OpInput = Output | Output[];

/**
 * Builds a TensorFlow graph operation by operation.
 *
 * @example
 * ```ts ignore
 * import { Graph } from "./graph.ts";
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [-1, 2]);
 * const y = g.op("Square", [x], { T: { type: 1 } })[0];
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

/** How a {@link Session} runs: thread pools, and optionally bfloat16 mixed precision. */
export interface SessionOptions {
  intraOp: number;
  interOp: number;
  /**
   * Grappler's oneDNN bfloat16 rewrite (`auto_mixed_precision_onednn_bfloat16`): matrix
   * products and convolutions in bfloat16 (AMX / AVX512-BF16), variables kept in float32.
   */
  bfloat16?: boolean;
}

/**
 * Why this CPU cannot run bfloat16 mixed precision (no AVX512-BF16 or AMX-BF16 in
 * `/proc/cpuinfo`), or undefined when it can. Without them grappler's rewrite would silently
 * leave the graph in float32.
 *
 * @example
 * ```ts
 * import { bfloat16MissingReason } from "./graph.ts";
 * console.log(bfloat16MissingReason() ?? "bfloat16 instructions present");
 * ```
 */
export function bfloat16MissingReason(): string | undefined {
  let flags: string;
  try {
    flags = Deno.readTextFileSync("/proc/cpuinfo").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return "cannot read /proc/cpuinfo to look for bfloat16 instructions";
  }
  const features = new Set(flags.trim().split(/\s+/));
  return features.has("avx512_bf16") || features.has("amx_bf16")
    ? undefined
    : "this CPU has neither AVX512-BF16 nor AMX-BF16 instructions";
}

/**
 * Session options as a serialised `ConfigProto`: thread pool sizes (fields 2 and 5) and, for
 * bfloat16, `graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 = ON`
 * (fields 10, 10, 25).
 *
 * @example
 * ```ts
 * import { configProto } from "./graph.ts";
 * console.log(configProto({ intraOp: 2, interOp: 1 })); // Uint8Array(4) [ 16, 2, 40, 1 ]
 * ```
 */
export function configProto(options: SessionOptions): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  const rewriter = [0xc8, 0x01, 0x01]; // field 25, varint: Toggle ON
  const graphOptions = [0x52, rewriter.length, ...rewriter]; // field 10: rewrite_options
  return new Uint8Array([
    0x10,
    ...varint(options.intraOp),
    0x28,
    ...varint(options.interOp),
    ...(options.bfloat16 ? [0x52, graphOptions.length, ...graphOptions] : []), // graph_options
  ]);
}

/**
 * A session over a {@link Graph}: feeds host tensors, fetches float32 outputs, runs targets.
 *
 * @example
 * ```ts ignore
 * import { Graph, Session } from "./graph.ts";
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [2]);
 * const y = g.op("Square", [x], { T: { type: 1 } })[0];
 * const s = new Session(g, { intraOp: 1, interOp: 1 });
 * console.log(s.run([[x, { dtype: "float32", shape: [2], data: new Float32Array([2, 3]) }]], [y]));
 * ```
 */
export class Session {
  readonly handle: Deno.PointerObject;
  /** Settles when the last {@link runAsync} has finished. */
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;

  constructor(readonly graph: Graph, options: SessionOptions) {
    const c = tensorflowCApi();
    const handle = c.TF_NewSessionOptions()!;
    try {
      const config = configProto(options) as Uint8Array<ArrayBuffer>;
      withStatus(
        "session config",
        (s) => c.TF_SetConfig(handle, config, BigInt(config.length), s),
      );
      this.handle = withStatus("new session", (s) => c.TF_NewSession(graph.handle, handle, s))!;
    } finally {
      c.TF_DeleteSessionOptions(handle);
    }
  }

  /** Runs once: `feeds` in, `fetches` (float32) out, `targets` executed for their effects. */
  run(
    feeds: [Output, HostTensor][],
    fetches: Output[],
    targets: Deno.PointerObject[] = [],
  ): Float32Array[] {
    if (this.#inFlight > 0) throw new Error("session run: a nonblocking run is in flight");
    const call = this.#prepare(feeds, fetches, targets, false);
    try {
      withStatus("session run", (status) => tensorflowCApi().TF_SessionRun(...call.args(status)));
      return call.results();
    } finally {
      call.free();
    }
  }

  /**
   * {@link run} on a worker thread. The feeds are copied before this returns, so the caller
   * may reuse its arrays at once; runs start in call order, each after the previous one ended
   * (steps update the same variables).
   */
  runAsync(
    feeds: [Output, HostTensor][],
    fetches: Output[],
    targets: Deno.PointerObject[] = [],
  ): Promise<Float32Array[]> {
    return this.#enqueue(this.#prepare(feeds, fetches, targets, false)).then((r) => r.outputs);
  }

  /**
   * {@link runAsync} with libtensorflow's full trace: also returns how long each op ran
   * (`RunOptions.trace_level = FULL_TRACE`; tracing itself adds a little time to every op).
   */
  traceAsync(
    feeds: [Output, HostTensor][],
    fetches: Output[],
    targets: Deno.PointerObject[] = [],
  ): Promise<{ outputs: Float32Array[]; ops: OpTiming[] }> {
    return this.#enqueue(this.#prepare(feeds, fetches, targets, true));
  }

  #enqueue(call: PreparedRun): Promise<{ outputs: Float32Array[]; ops: OpTiming[] }> {
    const previous = this.#queue;
    this.#inFlight++;
    const done = (async () => {
      try {
        await previous;
        await withStatusAsync(
          "session run",
          (status) => tensorflowCApi().TF_SessionRunNonblocking(...call.args(status)),
        );
        return { outputs: call.results(), ops: call.trace() };
      } finally {
        call.free();
        this.#inFlight--;
      }
    })();
    this.#queue = done.catch(() => {});
    return done;
  }

  /** Copies the feeds into TF tensors and lays out the C arrays of one `TF_SessionRun`. */
  #prepare(
    feeds: [Output, HostTensor][],
    fetches: Output[],
    targets: Deno.PointerObject[],
    trace: boolean,
  ): PreparedRun {
    const c = tensorflowCApi();
    const options = trace
      ? c.TF_NewBufferFromString(
        FULL_TRACE_RUN_OPTIONS as Uint8Array<ArrayBuffer>,
        BigInt(FULL_TRACE_RUN_OPTIONS.length),
      )
      : null;
    const metadata = trace ? c.TF_NewBuffer() : null;
    const inputs = feeds.map(([, value]) => toTfTensor(value));
    const pointers = (list: Deno.PointerObject[]) =>
      new BigUint64Array(list.map((p) => BigInt(Deno.UnsafePointer.value(p))));
    const inputHandles = pointers(inputs);
    const targetHandles = pointers(targets);
    const inputOutputs = outputsBuffer(feeds.map(([o]) => o));
    const fetchOutputs = outputsBuffer(fetches);
    const results = new BigUint64Array(fetches.length);
    return {
      args: (status: Deno.PointerObject) =>
        [
          this.handle,
          options,
          inputOutputs,
          inputHandles,
          feeds.length,
          fetchOutputs,
          results,
          fetches.length,
          targetHandles,
          targets.length,
          metadata,
          status,
        ] as const,
      results: () =>
        Array.from(results, (value) => {
          const handle = Deno.UnsafePointer.create(value)!;
          try {
            return fromTfTensor(handle);
          } finally {
            c.TF_DeleteTensor(handle);
          }
        }),
      trace: () => metadata ? decodeRunMetadata(bufferBytes(metadata)) : [],
      free: () => {
        if (options) c.TF_DeleteBuffer(options);
        if (metadata) c.TF_DeleteBuffer(metadata);
        for (const t of inputs) c.TF_DeleteTensor(t);
      },
    };
  }

  /** Resolves when every {@link runAsync} started so far has finished. */
  whenIdle(): Promise<void> {
    return this.#queue.then(() => {});
  }

  /** Closes and frees the session, once runs still in flight have finished. */
  dispose(): void {
    const close = () => {
      const c = tensorflowCApi();
      withStatus("close session", (s) => c.TF_CloseSession(this.handle, s));
      withStatus("delete session", (s) => c.TF_DeleteSession(this.handle, s));
    };
    if (this.#inFlight === 0) close();
    else this.#queue = this.#queue.then(close);
  }
}
