/**
 * Conv2D for layers with few input channels (a model's first layer sees one) as a SIMD loop of
 * our own (see simd_module.ts): each output position keeps 32 output channels in registers and
 * adds splat(x at tap k) · W[k, o₀…o₀+32] over the FH·FW·Ci taps. XNNPACK's convolution ran the
 * Keras CNN's first layer (1 input channel) at ~5 GFLOP/s, its packed micro-kernels being
 * made for many input channels; wider layers keep XNNPACK (4.22's kernel), which is handed
 * "same" padding explicitly to avoid a 4.22 bug ({@link explicitSamePadding}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  conv2DInfoFromAttrs,
  disposeIntermediates,
  type KernelArgs,
  type WasmBackendLike,
} from "./kernel_call.ts";
import { type ConvGeometry, convKernel, paddedInput } from "./conv_geometry.ts";
import { Code, type FunctionSpec, SimdOp, ValueType } from "./wasm_encoder.ts";
import { multiplyAdd, windowLoops } from "./simd_module.ts";

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** Which path computed the last call (tests use it to prove both paths ran). */
export const conv2DPathLog: { last: "simd" | "fallback" | null } = { last: null };

/** Widest input this path takes: beyond it XNNPACK is as fast. */
const MAX_IN_CHANNELS = 4;
const CHUNK_VECTORS = 8;

/** `run(x, w, out, images)`: the convolution of `images` padded images (byte addresses). */
function convFunction(g: ConvGeometry, relaxed: boolean): FunctionSpec {
  const [x, w, out, images] = [0, 1, 2, 3];
  const loops = { image: 4, row: 5, column: 6, images: 7, rows: 8, columns: 9 };
  const outP = 10;
  const [splat, weight] = [11, 12];
  const acc = (v: number) => 13 + v;
  const ci = g.inChannels, co = g.outChannels;
  const taps: number[] = [];
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) {
      for (let c = 0; c < ci; c++) taps.push(((i * g.width + j) * ci + c) * 4);
    }
  }
  const c = new Code();
  c.get(out).set(outP);
  windowLoops(c, x, images, loops, { ...g, channels: ci }, () => {
    for (let first = 0; first < co / 4; first += CHUNK_VECTORS) {
      const vectors = Math.min(CHUNK_VECTORS, co / 4 - first);
      for (let v = 0; v < vectors; v++) c.zeroV128().set(acc(v));
      taps.forEach((offset, k) => {
        c.get(loops.column).simd(SimdOp.v128Load32Splat, { align: 2, offset }).set(splat);
        for (let v = 0; v < vectors; v++) {
          const wOffset = (k * co + (first + v) * 4) * 4;
          c.get(w).simd(SimdOp.v128Load, { align: 2, offset: wOffset }).set(weight);
          multiplyAdd(c, splat, weight, acc(v), relaxed);
        }
      });
      for (let v = 0; v < vectors; v++) {
        c.get(outP).get(acc(v)).simd(SimdOp.v128Store, { align: 2, offset: (first + v) * 16 });
      }
    }
    c.addConst(outP, co * 4);
  });
  return {
    name: "run",
    params: 4,
    locals: [
      { type: ValueType.i32, count: 7 },
      { type: ValueType.v128, count: 2 + CHUNK_VECTORS },
    ],
    body: c,
  };
}

/**
 * The attributes with `pad: "same"` replaced by the explicit padding it means. 4.22's XNNPACK
 * convolution returns wrong values (often zeros) for some strided "same" convolutions
 * (tensorflow/tfjs#8405; 17 of 300 random geometries here) and right ones for the same padding
 * given explicitly.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { explicitSamePadding } from "./conv2d_simd.ts";
 * const attrs = explicitSamePadding([1, 6, 8, 1], [2, 1, 1, 4], { strides: [2, 3], pad: "same" });
 * deepStrictEqual(attrs.pad, [ [ 0, 0 ], [ 0, 0 ], [ 0, 0 ], [ 0, 0 ] ]);
 * ```
 */
export function explicitSamePadding(
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
): Record<string, unknown> {
  if (attrs.pad !== "same") return attrs;
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  const dilations = attrs.dilations as number | [number, number] | undefined;
  const p = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    dilations ?? 1,
    "same",
    undefined,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat as "NHWC" | "NCHW"),
  ).padInfo;
  const spatial = [[p.top, p.bottom], [p.left, p.right]];
  return {
    ...attrs,
    pad: dataFormat === "NHWC" ? [[0, 0], ...spatial, [0, 0]] : [[0, 0], [0, 0], ...spatial],
  };
}

/**
 * Wraps 4.22's XNNPACK convolution (`Conv2D` or `FusedConv2D`) so that "same" padding reaches
 * it explicitly (see {@link explicitSamePadding}).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const fused = withExplicitSamePadding(tf.getKernel("FusedConv2D", "wasm")!.kernelFunc);
 * const r = new Random(1);
 * const inputs = { x: randomTensor(r, [1, 6, 6, 2]), filter: randomTensor(r, [3, 3, 2, 4]) };
 * const attrs = { strides: 2, pad: "same", dataFormat: "NHWC", dilations: 1, activation: "linear" };
 * ok(await compareWithCpu("FusedConv2D", inputs, attrs) <= 1e-5);
 * ```
 */
export function withExplicitSamePadding(kernel: KernelFunc): KernelFunc {
  return (args) =>
    kernel({
      ...args,
      attrs: explicitSamePadding(args.inputs.x.shape, args.inputs.filter.shape, args.attrs),
    });
}

/**
 * Builds the Conv2D kernel function; `fallback` is the kernel it replaces (XNNPACK, given
 * explicit padding), used for wide inputs, channels-first data, dilation and output channels
 * not a multiple of 4.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   const original = tf.getKernel("Conv2D", "wasm")!.kernelFunc;
 * //   tf.registerKernel({ kernelName: "Conv2D", backendName: "wasm",
 * //     kernelFunc: makeNarrowConv2D(original) });
 * const r = new Random(1);
 * const inputs = { x: randomTensor(r, [2, 8, 8, 1]), filter: randomTensor(r, [3, 3, 1, 8]) };
 * const attrs = { strides: 1, pad: "same", dataFormat: "NHWC", dilations: 1 };
 * ok(await compareWithCpu("Conv2D", inputs, attrs) <= 1e-5);
 * ```
 */
export function makeNarrowConv2D(xnnpack: KernelFunc): KernelFunc {
  const fallback = withExplicitSamePadding(xnnpack);
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { x, filter } = inputs;
    const dilations = attrs.dilations ?? 1;
    const dilated = Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1;
    const info = conv2DInfoFromAttrs(x.shape, filter.shape, attrs);
    if (
      dilated || info.dataFormat !== "channelsLast" || info.inChannels > MAX_IN_CHANNELS ||
      info.outChannels % 4 !== 0 || x.dtype !== "float32" || filter.dtype !== "float32"
    ) {
      conv2DPathLog.last = "fallback";
      return fallback(args);
    }
    const out = narrowConv2D(x, filter, info, backend);
    conv2DPathLog.last = out ? "simd" : "fallback";
    return out ?? fallback(args);
  };
}

function narrowConv2D(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const compiled = convKernel(backend, "narrow-conv2d", info, (g, relaxed) => [
    convFunction(g, relaxed),
  ]);
  if (!compiled) return undefined;
  const { geometry, kernel } = compiled;
  const padded = paddedInput(x, info, backend);
  const out = backend.makeOutput(info.outShape, "float32");
  // Addresses after the last allocation, which may have grown the heap.
  const address = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
  if (info.batchSize * info.outHeight * info.outWidth > 0) {
    const [xAt, wAt, outAt] = [padded, filter, out].map(address);
    const xImage = geometry.height * geometry.width * geometry.inChannels * 4;
    const outImage = info.outHeight * info.outWidth * info.outChannels * 4;
    kernel.splitRange(info.batchSize, (first, n) => [
      xAt + first * xImage,
      wAt,
      outAt + first * outImage,
      n,
    ]);
  }
  if (padded !== x) disposeIntermediates(backend, padded);
  return out;
}
