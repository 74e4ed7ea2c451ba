/**
 * The convolution filter gradient as a SIMD loop of our own, in a small wasm module that shares
 * the backend's memory. dW[i,j,c,o] = Σ_b,y,x x[b, y·s+i, x·s+j, c] · dy[b,y,x,o] (x padded):
 * a pass keeps a block of dW in registers, K taps (i,j,c) × 4V output channels, and adds
 * splat(x at tap k) · dy[n, o₀…o₀+4V] over the output positions n of a few images; all passes
 * run over those images while they are in cache, then the next few.
 *
 * Why not XNNPACK: written as an XNNPACK convolution (batch as channels, see
 * conv2d_backprop_filter.ts) the filter is dy itself, which XNNPACK repacks on every call, and
 * its output is only FH×FW pixels; the first layer of the Keras CNN (one input channel) ran at
 * 1.6 GFLOP/s that way.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Code, type FunctionSpec, Op, SimdOp, unsignedLeb, ValueType } from "./wasm_encoder.ts";
import { multiplyAdd, windowLoops } from "./simd_module.ts";
import { disposeIntermediates, type WasmBackendLike } from "./kernel_call.ts";
import { type ConvGeometry, convKernel, paddedInput } from "./conv_geometry.ts";

/** Taps per pass (K); with V = 2 vectors of output channels that is 10 accumulators. */
const MAX_TAPS = 5;
/** x and dy bytes of the images one call runs over (they stay in L2 for all passes). */
const BLOCK_BYTES = 192 * 1024;

/**
 * The functions of the kernel for one geometry. `run(x, dy, out, images)` (byte addresses and
 * an image count) adds the filter gradient of `images` images to `out` by calling one function
 * per group of taps, each looping over the output channels 4V at a time. Tap offsets, strides
 * and loop counts are constants in the code, so the inner loop is loads and multiply-adds.
 * Many small functions rather than one long one: V8 compiles each with its baseline compiler
 * first and optimises it once it is hot, which a single long function reached only after ~12
 * calls (and took a second to optimise).
 */
function kernelFunctions(g: ConvGeometry, relaxed: boolean): FunctionSpec[] {
  const ci = g.inChannels, co = g.outChannels;
  const vectors = co % 8 === 0 ? 2 : 1;
  const taps = g.filterHeight * g.filterWidth * ci;
  const tapOffset = (t: number) => {
    const c = t % ci, j = Math.floor(t / ci) % g.filterWidth;
    const i = Math.floor(t / (ci * g.filterWidth));
    return ((i * g.width + j) * ci + c) * 4;
  };
  const groups: FunctionSpec[] = [];
  for (let t = 0; t < taps; t += MAX_TAPS) {
    groups.push(tapGroupFunction(g, t, Math.min(MAX_TAPS, taps - t), tapOffset, vectors, relaxed));
  }
  const block = new Code();
  groups.forEach((_, i) => block.get(0).get(1).get(2).get(3).op(Op.call, ...unsignedLeb(i)));
  return [
    ...groups,
    { name: "block", params: 4, locals: [], body: block },
    blocksFunction(g, groups.length),
  ];
}

/**
 * `run(x, dy, out, images)`: `block` over a few images at a time (they stay in L2 for all
 * passes), `images` ≥ 1.
 */
function blocksFunction(g: ConvGeometry, blockIndex: number): FunctionSpec {
  const [x, dy, out, images, n] = [0, 1, 2, 3, 4];
  const xImage = g.height * g.width * g.inChannels * 4;
  const dyImage = g.outHeight * g.outWidth * g.outChannels * 4;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / (xImage + dyImage)));
  const c = new Code();
  c.op(Op.loop, 0x40);
  c.minConst(n, images, perBlock);
  c.get(x).get(dy).get(out).get(n).op(Op.call, ...unsignedLeb(blockIndex));
  for (const [pointer, bytes] of [[x, xImage], [dy, dyImage]]) {
    c.get(pointer).get(n).const(bytes).op(Op.i32Mul).op(Op.i32Add).set(pointer);
  }
  c.get(images).get(n).op(Op.i32Sub).op(Op.localTee, images).op(Op.brIf, 0).op(Op.end);
  return { name: "run", params: 4, locals: [{ type: ValueType.i32, count: 1 }], body: c };
}

/** `group_t(x, dy, out, images)`: the taps t … t+k−1, all output channels. */
function tapGroupFunction(
  g: ConvGeometry,
  t: number,
  k: number,
  tapOffset: (tap: number) => number,
  vectors: number,
  relaxed: boolean,
): FunctionSpec {
  const [x, dy, out, images] = [0, 1, 2, 3];
  const loops = { image: 4, row: 5, column: 6, images: 7, rows: 8, columns: 9 };
  const [dyP, o] = [10, 11];
  const d = (v: number) => 12 + v;
  const splat = 12 + vectors;
  const acc = (m: number, v: number) => splat + 1 + m * vectors + v;
  const co = g.outChannels;
  const c = new Code();
  const outAt = (m: number, v: number) => ((t + m) * co) * 4 + 16 * v;
  // o counts the bytes of the output-channel block: 0, 16V, … < 4·co.
  c.const(0).set(o);
  c.op(Op.loop, 0x40); // blocks of output channels
  for (let m = 0; m < k; m++) {
    for (let v = 0; v < vectors; v++) {
      c.get(out).get(o).op(Op.i32Add).simd(SimdOp.v128Load, { align: 2, offset: outAt(m, v) })
        .set(acc(m, v));
    }
  }
  c.get(dy).get(o).op(Op.i32Add).set(dyP);
  windowLoops(c, x, images, loops, { ...g, channels: g.inChannels }, () => {
    for (let v = 0; v < vectors; v++) {
      c.get(dyP).simd(SimdOp.v128Load, { align: 2, offset: 16 * v }).set(d(v));
    }
    for (let m = 0; m < k; m++) {
      c.get(loops.column).simd(SimdOp.v128Load32Splat, { align: 2, offset: tapOffset(t + m) })
        .set(splat);
      for (let v = 0; v < vectors; v++) multiplyAdd(c, splat, d(v), acc(m, v), relaxed);
    }
    c.addConst(dyP, co * 4);
  });
  for (let m = 0; m < k; m++) {
    for (let v = 0; v < vectors; v++) {
      c.get(out).get(o).op(Op.i32Add).get(acc(m, v))
        .simd(SimdOp.v128Store, { align: 2, offset: outAt(m, v) });
    }
  }
  c.addConst(o, 16 * vectors);
  c.get(o).const(co * 4).op(Op.i32LtU).op(Op.brIf, 0).op(Op.end);
  return {
    name: `group_${t}`,
    params: 4,
    locals: [
      { type: ValueType.i32, count: 8 },
      { type: ValueType.v128, count: vectors + 1 + k * vectors },
    ],
    body: c,
  };
}

/**
 * Why the SIMD loop cannot compute this filter gradient (output channels not a multiple of 4,
 * channels-first data), or undefined when it can.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conv2DInfoFromAttrs } from "./kernel_call.ts";
 * import { simdFilterGradientMissing } from "./filter_gradient_simd.ts";
 * const info = (outChannels: number) =>
 *   conv2DInfoFromAttrs([1, 6, 6, 2], [3, 3, 2, outChannels], { strides: 1, pad: "valid" });
 * strictEqual(simdFilterGradientMissing(info(4)), undefined); // the SIMD path applies
 * strictEqual(simdFilterGradientMissing(info(3)), "output channels not a multiple of 4");
 * ```
 */
export function simdFilterGradientMissing(info: tf.backend_util.Conv2DInfo): string | undefined {
  if (info.dataFormat !== "channelsLast") return "channels-first data";
  if (info.outChannels % 4 !== 0) return "output channels not a multiple of 4";
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return "dilation";
  return undefined;
}

/**
 * The filter gradient by the SIMD loop (see the module doc), or undefined when the backend's
 * memory is not reachable. Check {@link simdFilterGradientMissing} first.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { conv2DBackpropFilterByLoop } from "./conv2d_backprop_filter.ts";
 * import { conv2DBackpropFilterBySimd } from "./filter_gradient_simd.ts";
 * import { conv2DInfoFromAttrs, float32View, type WasmBackendLike } from "./kernel_call.ts";
 * import { relativeError } from "./testing.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as WasmBackendLike;
 * const x = tf.randomUniform([1, 6, 6, 2], -1, 1, "float32", 1);
 * const dy = tf.randomUniform([1, 4, 4, 4], -1, 1, "float32", 2);
 * const info = conv2DInfoFromAttrs(x.shape, [3, 3, 2, 4], { strides: 1, pad: "valid",
 *   dataFormat: "NHWC" });
 * const dW = conv2DBackpropFilterBySimd(x, dy, info, backend)!;
 * const byLoop = conv2DBackpropFilterByLoop(x, dy, info, backend); // the reference path
 * ok(relativeError(float32View(backend, dW), float32View(backend, byLoop)) <= 1e-5);
 * ```
 */
export function conv2DBackpropFilterBySimd(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const compiled = convKernel(backend, "filter-gradient", info, kernelFunctions);
  if (!compiled) return undefined;
  const { geometry, kernel } = compiled;
  const { inChannels: ci, outChannels: co, filterHeight: fh, filterWidth: fw } = geometry;
  const { outHeight: oh, outWidth: ow, height, width } = geometry;
  const batchSize = info.batchSize;
  const padded = paddedInput(x, info, backend);
  const out = backend.makeOutput([fh, fw, ci, co], "float32");
  // The helper thread's half of the sum goes to its own buffer, added to out at the end.
  const helperOut = backend.makeOutput([fh, fw, ci, co], "float32");
  // Addresses are taken after the last allocation, which may have grown the heap.
  const address = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
  const [xAt, dyAt, outAt, helperAt] = [padded, dy, out, helperOut].map(address);
  const [sums, helperSums] = [out, helperOut].map((t) =>
    backend.typedArrayFromHeap(t) as Float32Array
  );
  sums.fill(0);
  helperSums.fill(0);
  const xImage = height * width * ci * 4, dyImage = oh * ow * co * 4;
  // The wasm loops run at least once, so no output position means no call (dW stays zero).
  if (oh * ow > 0 && batchSize > 0) {
    kernel.splitRange(batchSize, (first, n) => [
      xAt + first * xImage,
      dyAt + first * dyImage,
      first === 0 ? outAt : helperAt,
      n,
    ]);
    for (let i = 0; i < sums.length; i++) sums[i] += helperSums[i];
  }
  disposeIntermediates(backend, helperOut);
  if (padded !== x) disposeIntermediates(backend, padded);
  return out;
}
