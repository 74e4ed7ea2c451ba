/**
 * The per-op timings of one traced `TF_SessionRun`: the `RunMetadata` protocol buffer that
 * libtensorflow fills when a run asks for `RunOptions.trace_level = FULL_TRACE`, decoded down to
 * what a profile needs (node name, op type, time spent in the op). Only the wire format is
 * parsed, so no protobuf library or generated code is needed.
 *
 * Fields read (tensorflow/core/framework/step_stats.proto, config.proto):
 * `RunMetadata.step_stats` (1) → `StepStats.dev_stats` (1) → `DeviceStepStats.node_stats` (2) →
 * `NodeExecStats` { node_name 1, timeline_label 8, all_start_nanos 13, op_start_rel_nanos 14,
 * op_end_rel_nanos 15 }.
 *
 * @module
 */

/** One op's execution in a traced run. */
export interface OpTiming {
  /** Graph node name (`gradients/Conv2DBackpropFilter`). */
  node: string;
  /** Op type as the executor ran it, after grappler's rewrites (`_MklNativeConv2D`). */
  op: string;
  /** Start, in microseconds since the epoch. */
  startMicros: number;
  /** Time inside the op's kernel, in microseconds. */
  micros: number;
}

/** `RunOptions { trace_level: FULL_TRACE }` serialised (field 1, varint 3). */
export const FULL_TRACE_RUN_OPTIONS: Uint8Array = new Uint8Array([0x08, 0x03]);

type Field = { number: number; varint?: bigint; bytes?: Uint8Array };

/** The top-level fields of one serialised message, in order. */
function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): bigint => {
    let value = 0n, shift = 0n;
    for (;;) {
      if (at >= bytes.length) throw new Error("step stats: truncated varint");
      const b = bytes[at++];
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return value;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3, wire = key & 7;
    if (wire === 0) yield { number, varint: varint() };
    else if (wire === 2) {
      const length = Number(varint());
      if (at + length > bytes.length) throw new Error("step stats: truncated field");
      yield { number, bytes: bytes.subarray(at, at += length) };
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`step stats: unsupported wire type ${wire}`);
  }
}

const text = new TextDecoder();

/**
 * Every op timing in a serialised `RunMetadata`, in the order recorded.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeRunMetadata } from "./step_stats.ts";
 * // RunMetadata { step_stats { dev_stats { node_stats { node_name: "m"
 * //   timeline_label: "m = MatMul(a, b)" op_start_rel_nanos: 1000 op_end_rel_nanos: 4000 } } } }
 * const node = [0x0a, 1, 0x6d, 0x42, 16, ...new TextEncoder().encode("m = MatMul(a, b)"),
 *   0x70, 0xe8, 0x07, 0x78, 0xa0, 0x1f];
 * const dev = [0x12, node.length, ...node];
 * const stats = [0x0a, dev.length, ...dev];
 * const metadata = new Uint8Array([0x0a, stats.length, ...stats]);
 * deepStrictEqual(decodeRunMetadata(metadata), [ { node: "m", op: "MatMul", startMicros: 0, micros: 3 } ]);
 * ```
 */
export function decodeRunMetadata(metadata: Uint8Array): OpTiming[] {
  const timings: OpTiming[] = [];
  for (const stats of fields(metadata)) {
    if (stats.number !== 1 || !stats.bytes) continue;
    for (const device of fields(stats.bytes)) {
      if (device.number !== 1 || !device.bytes) continue;
      for (const node of fields(device.bytes)) {
        if (node.number === 2 && node.bytes) timings.push(nodeTiming(node.bytes));
      }
    }
  }
  return timings;
}

function nodeTiming(bytes: Uint8Array): OpTiming {
  let node = "", label = "", start = 0n, opStart = 0n, opEnd = 0n;
  for (const f of fields(bytes)) {
    if (f.number === 1 && f.bytes) node = text.decode(f.bytes);
    else if (f.number === 8 && f.bytes) label = text.decode(f.bytes);
    else if (f.number === 13) start = f.varint ?? 0n;
    else if (f.number === 14) opStart = f.varint ?? 0n;
    else if (f.number === 15) opEnd = f.varint ?? 0n;
  }
  // The timeline label reads "name = OpType(inputs)"; nodes without one are named after the op.
  const op = /^[^=]*= ([^(\s]+)\(/.exec(label)?.[1] ?? node;
  return {
    node,
    op,
    startMicros: Number(start / 1000n),
    micros: Number(opEnd - opStart) / 1000,
  };
}
