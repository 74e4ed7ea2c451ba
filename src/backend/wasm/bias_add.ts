/**
 * Add of a bias row to every row (x [..., C] + b [C], either order) for the wasm backend, as a
 * SIMD loop of our own (see simd_module.ts): up to 32 bias values stay in registers while the
 * rows stream through. tfjs-layers adds a conv layer's bias this way, and 4.22's general
 * broadcasting Add took ~5 ms for the Keras CNN's first layer. Other adds (other broadcasts,
 * non-float32, C not a multiple of 4) run 4.22's kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelArgs, outputFromHeap } from "./kernel_call.ts";
import { Code, type FunctionSpec, Op, SimdOp, ValueType } from "./wasm_encoder.ts";
import { compiledKernel } from "./simd_module.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const biasAddPathLog: { last: "simd" | "fallback" | null } = { last: null };

/** Below this many values 4.22's kernel is as fast. */
const MIN_SIZE = 4096;
const CHUNK_VECTORS = 8;

/** `run(x, bias, out, rows)`: out = x + bias on every row (byte addresses; columns baked in). */
function biasAddFunction(columns: number): FunctionSpec {
  const [x, bias, out, rows] = [0, 1, 2, 3];
  const [p, q, n] = [4, 5, 6];
  const b = (v: number) => 7 + v;
  const c = new Code();
  const rowBytes = columns * 4;
  for (let first = 0; first < columns / 4; first += CHUNK_VECTORS) {
    const vectors = Math.min(CHUNK_VECTORS, columns / 4 - first);
    for (let v = 0; v < vectors; v++) {
      c.get(bias).simd(SimdOp.v128Load, { align: 2, offset: (first + v) * 16 }).set(b(v));
    }
    c.get(x).const(first * 16).op(Op.i32Add).set(p);
    c.get(out).const(first * 16).op(Op.i32Add).set(q).get(rows).set(n);
    c.op(Op.loop, 0x40);
    for (let v = 0; v < vectors; v++) {
      c.get(q);
      c.get(p).simd(SimdOp.v128Load, { align: 2, offset: 16 * v }).get(b(v))
        .simd(SimdOp.f32x4Add);
      c.simd(SimdOp.v128Store, { align: 2, offset: 16 * v });
    }
    c.addConst(p, rowBytes);
    c.addConst(q, rowBytes);
    c.countDown(n);
  }
  return {
    name: "run",
    params: 4,
    locals: [
      { type: ValueType.i32, count: 3 },
      { type: ValueType.v128, count: CHUNK_VECTORS },
    ],
    body: c,
  };
}

/**
 * Builds the Add kernel function; `fallback` is the kernel it replaces.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Add", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Add", backendName: "wasm", kernelFunc: makeBiasAdd(original) });
 * const r = new Random(1);
 * const inputs = { a: randomTensor(r, [4, 6]), b: randomTensor(r, [6]) }; // a bias row
 * ok(await compareWithCpu("Add", inputs, {}) <= 1e-5);
 * ```
 */
export function makeBiasAdd(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    // Add is commutative: the bias may come first.
    const [x, bias] = b.shape.length === 1 ? [a, b] : [b, a];
    const columns = bias.shape.length === 1 ? bias.shape[0] : -1;
    const size = tf.util.sizeFromShape(x.shape);
    if (
      x.dtype !== "float32" || bias.dtype !== "float32" || x.shape.at(-1) !== columns ||
      columns % 4 !== 0 || size < MIN_SIZE
    ) {
      biasAddPathLog.last = "fallback";
      return fallback(args);
    }
    const kernel = compiledKernel(
      args.backend,
      `bias-add ${columns}`,
      () => [biasAddFunction(columns)],
    );
    if (!kernel) {
      biasAddPathLog.last = "fallback";
      return fallback(args);
    }
    biasAddPathLog.last = "simd";
    return outputFromHeap(args.backend, x.shape, [x, bias], (out, [xv, bv]) => {
      const [xAt, bAt, outAt] = [xv.byteOffset, bv.byteOffset, out.byteOffset];
      const rowBytes = columns * 4;
      kernel.splitRange(size / columns, (first, n) => [
        xAt + first * rowBytes,
        bAt,
        outAt + first * rowBytes,
        n,
      ]);
    });
  };
}
