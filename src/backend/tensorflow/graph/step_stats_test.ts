/**
 * The RunMetadata decoder on hand-made messages: nesting, several devices and nodes, fields it
 * does not read (of every wire type) skipped, nanosecond times, and truncated input refused.
 */
import assert from "node:assert/strict";
import { decodeRunMetadata } from "./step_stats.ts";

const utf8 = (s: string) => [...new TextEncoder().encode(s)];

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const message = (field: number, bytes: number[]) => [
  ...varint(field * 8 + 2),
  ...varint(bytes.length),
  ...bytes,
];
const number = (field: number, value: number) => [...varint(field * 8), ...varint(value)];

function node(name: string, label: string, start: number, opStart: number, opEnd: number) {
  return message(2, [
    ...message(1, utf8(name)),
    ...number(3, 17), // op_start_rel_micros: read from the nanosecond fields instead
    ...[0x31, 1, 2, 3, 4, 5, 6, 7, 8], // field 6, fixed64: skipped
    ...[0x3d, 1, 2, 3, 4], // field 7, fixed32: skipped
    ...message(8, utf8(label)),
    ...number(13, start),
    ...number(14, opStart),
    ...number(15, opEnd),
  ]);
}

Deno.test("decodeRunMetadata reads every node of every device, in order", () => {
  const cpu = [
    ...message(1, utf8("/job:localhost/replica:0/task:0/device:CPU:0")),
    ...node("conv", "conv = _MklNativeConv2D(x, w)", 1_700_000_000_000_000, 2_000, 1_502_000),
    ...node("x", "", 1_700_000_000_000_500, 0, 1_000),
  ];
  const other = node("loss", "loss = Neg(mean)", 1_700_000_000_002_000, 500, 2_500);
  const metadata = new Uint8Array([
    ...message(1, [...message(1, cpu), ...message(1, other)]),
    ...message(2, utf8("cost graph: skipped")),
  ]);
  assert.deepEqual(decodeRunMetadata(metadata), [
    { node: "conv", op: "_MklNativeConv2D", startMicros: 1_700_000_000_000, micros: 1500 },
    { node: "x", op: "x", startMicros: 1_700_000_000_000, micros: 1 },
    { node: "loss", op: "Neg", startMicros: 1_700_000_000_002, micros: 2 },
  ]);
});

Deno.test("decodeRunMetadata refuses a truncated message", () => {
  const whole = message(1, message(1, node("a", "a = Relu(b)", 0, 0, 10)));
  assert.throws(() => decodeRunMetadata(new Uint8Array(whole.slice(0, -3))), /truncated/);
  assert.deepEqual(decodeRunMetadata(new Uint8Array()), []);
});
