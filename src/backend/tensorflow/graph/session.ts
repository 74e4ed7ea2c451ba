/**
 * A session over a {@link ./graph.ts} graph: thread pools and optional bfloat16 mixed
 * precision, blocking and nonblocking runs (a whole training step per call, in call order), and
 * runs traced by libtensorflow for a per-op profile.
 *
 * @module
 */
import {
  type Output,
  outputsBuffer,
  type TensorflowCApi,
  tensorflowCApi,
  withStatus,
  withStatusAsync,
} from "./capi.ts";
import { fromTfTensor, type Graph, type HostTensor, toTfTensor } from "./graph.ts";
import { decodeRunMetadata, FULL_TRACE_RUN_OPTIONS, type OpTiming } from "./step_stats.ts";

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
 * import { ok } from "node:assert";
 * import { bfloat16MissingReason } from "./session.ts";
 * const reason = bfloat16MissingReason(); // undefined when the CPU has the instructions
 * ok(reason === undefined || reason.length > 0);
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
 * import { deepStrictEqual } from "node:assert";
 * import { configProto } from "./session.ts";
 * deepStrictEqual(configProto({ intraOp: 2, interOp: 1 }), new Uint8Array([16, 2, 40, 1]));
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
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { Graph } from "./graph.ts";
 * import { Session } from "./session.ts";
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [2]);
 * const y = g.op("Square", [x], { T: { type: 1 } })[0];
 * const s = new Session(g, { intraOp: 1, interOp: 1 });
 * const [out] = s.run([[x, { dtype: "float32", shape: [2], data: new Float32Array([2, 3]) }]], [y]);
 * deepStrictEqual(out, new Float32Array([4, 9]));
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
