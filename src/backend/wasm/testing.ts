/**
 * Test support for wasm kernels: run one kernel on `cpu` and on `wasm` with the same data and
 * measure their disagreement.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import type { Random } from "../../util/random.ts";
import { setupWasmBackend } from "./mod.ts";
import { conv2DInfoFromAttrs } from "./kernel_call.ts";

/**
 * Threads the wasm tests run with: `DIGITKIT_WASM_THREADS` (set by `threads_test.ts` to rerun
 * every wasm test on the threaded build), else 1.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { testThreads } from "./testing.ts";
 * ok(testThreads() >= 1);
 * ```
 */
export function testThreads(): number {
  return Number(Deno.env.get("DIGITKIT_WASM_THREADS") ?? "1");
}

/** A kernel input: shape, values and dtype. */
export interface HostTensor {
  shape: number[];
  values: Float32Array | Int32Array;
  dtype: "float32" | "int32";
}

/**
 * Uniform random float32 values in [-1, 1) from a seeded generator.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { randomTensor } from "./testing.ts";
 * strictEqual(randomTensor(new Random(1), [2, 3]).values.length, 6);
 * ```
 */
export function randomTensor(random: Random, shape: number[]): HostTensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.uniform(-1, 1);
  return { shape, values, dtype: "float32" };
}

/**
 * Runs `kernelName` on `backend` and returns the output values.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { runKernelOn } from "./testing.ts";
 * const x = { shape: [3], values: new Float32Array([-1, 0, 2]), dtype: "float32" as const };
 * deepStrictEqual(await runKernelOn("cpu", "Relu", { x }, {}), new Float32Array([0, 0, 2]));
 * ```
 */
export async function runKernelOn(
  backend: "cpu" | "wasm",
  kernelName: string,
  inputs: Record<string, HostTensor>,
  attrs: Record<string, unknown>,
): Promise<Float32Array> {
  if (backend === "wasm") await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) {
    tensors[name] = tf.tensor(t.values, t.shape, t.dtype);
  }
  // deno-lint-ignore no-explicit-any
  const out = tf.engine().runKernel(kernelName, tensors as any, attrs as any) as tf.Tensor;
  const values = await out.data() as Float32Array;
  tf.dispose([out, ...Object.values(tensors)]);
  return values;
}

/**
 * max |actual − expected| / max |expected| (0 when both are all zero).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { relativeError } from "./testing.ts";
 * strictEqual(relativeError(new Float32Array([1, 2]), new Float32Array([1, 2])), 0);
 * ```
 */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= diff)) diff = d; // NaN propagates as a failure
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * Runs a kernel on cpu and wasm and returns the relative error of wasm against cpu.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * const random = new Random(1);
 * const inputs = { x: randomTensor(random, [1, 5, 5, 2]), dy: randomTensor(random, [1, 3, 3, 4]) };
 * const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 2, 4] };
 * const err = await compareWithCpu("Conv2DBackpropFilter", inputs, attrs);
 * ok(err <= 1e-5);
 * ```
 */
export async function compareWithCpu(
  kernelName: string,
  inputs: Record<string, HostTensor>,
  attrs: Record<string, unknown>,
): Promise<number> {
  const expected = await runKernelOn("cpu", kernelName, inputs, attrs);
  const actual = await runKernelOn("wasm", kernelName, inputs, attrs);
  return relativeError(actual, expected);
}

/**
 * Random integer in [lo, hi].
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { randomInt } from "./testing.ts";
 * const n = randomInt(new Random(3), 1, 4);
 * ok(n >= 1 && n <= 4);
 * ```
 */
export function randomInt(random: Random, lo: number, hi: number): number {
  return lo + random.int(hi - lo + 1);
}

/** Explicit, "same" or "valid" padding as tfjs conv attributes take it. */
export type ConvPad = "same" | "valid" | number[][];

/** A random convolution: shapes, strides, padding and layout. */
export interface ConvGeometry {
  xShape: number[];
  filterShape: number[];
  outShape: number[];
  strides: [number, number];
  pad: ConvPad;
  dataFormat: "NHWC" | "NCHW";
}

/**
 * A random small convolution (batch 1–3, 1–4 input channels, up to `maxOutChannels` output
 * channels, filters 1–4, strides 1–3, inputs up to 10×10). `padFor` picks the padding; by
 * default "same", "valid" or explicit 0–2 per side.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { randomConvGeometry } from "./testing.ts";
 * const g = randomConvGeometry(new Random(1), "NHWC");
 * ok(g.xShape.length === 4 && g.outShape.length === 4);
 * ```
 */
export function randomConvGeometry(
  random: Random,
  dataFormat: "NHWC" | "NCHW",
  maxOutChannels = 12,
  padFor: (fh: number, fw: number) => ConvPad = () => randomPad(random),
): ConvGeometry {
  const batch = randomInt(random, 1, 3), ci = randomInt(random, 1, 4);
  const co = randomInt(random, 1, maxOutChannels);
  const fh = randomInt(random, 1, 4), fw = randomInt(random, 1, 4);
  const h = randomInt(random, fh, 10), w = randomInt(random, fw, 10);
  const strides: [number, number] = [randomInt(random, 1, 3), randomInt(random, 1, 3)];
  const pad = padFor(fh, fw);
  const xShape = dataFormat === "NHWC" ? [batch, h, w, ci] : [batch, ci, h, w];
  const filterShape = [fh, fw, ci, co];
  // computeConv2DInfo takes explicit padding in NHWC order whatever the data format.
  const { outShape } = conv2DInfoFromAttrs(xShape, filterShape, { strides, pad, dataFormat });
  return { xShape, filterShape, outShape, strides, pad, dataFormat };
}

/**
 * "same", "valid" or explicit padding of 0–2 per side, equally likely.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { randomPad } from "./testing.ts";
 * strictEqual(randomPad(new Random(2)), "valid");
 * ```
 */
export function randomPad(random: Random): ConvPad {
  const choice = random.int(3);
  if (choice === 0) return "same";
  if (choice === 1) return "valid";
  const p = () => randomInt(random, 0, 2);
  return [[0, 0], [p(), p()], [p(), p()], [0, 0]];
}
