/**
 * MaxPoolGrad as a SIMD loop of our own (see simd_module.ts), four channels at a time: each
 * window keeps the running maximum and the index of the tap that set it, updated only where a
 * value is strictly greater, so the first maximum in row-major order wins, NaN never wins and a
 * window of −∞ passes no gradient, as in the scalar kernel (max_pool_grad.ts). dy is then added
 * at the winning tap, so overlapping windows accumulate.
 *
 * Covers NHWC pooling whose windows lie inside the input, with channels a multiple of 4 (the
 * zoo's 2×2 pools); the scalar kernel takes the rest.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Code, type FunctionSpec, Op, SimdOp, ValueType } from "./wasm_encoder.ts";
import { compiledKernel, windowLoops } from "./simd_module.ts";
import type { WasmBackendLike } from "./kernel_call.ts";

type PoolInfo = tf.backend_util.Conv2DInfo;

/** Everything the generated code bakes in as constants. */
interface PoolGeometry {
  height: number;
  width: number;
  channels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Why the SIMD loop cannot compute this pooling's gradient, or undefined when it can.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { simdMaxPoolGradMissing } from "./max_pool_grad_simd.ts";
 * const info = tf.backend_util.computePool2DInfo([1, 4, 4, 8], 2, 2, 1, "valid");
 * strictEqual(simdMaxPoolGradMissing(info), undefined);
 * ```
 */
export function simdMaxPoolGradMissing(info: PoolInfo): string | undefined {
  if (info.dataFormat !== "channelsLast") return "channels-first data";
  if (info.inChannels % 4 !== 0) return "channels not a multiple of 4";
  const p = info.padInfo;
  if (p.top || p.bottom || p.left || p.right) return "padding";
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return "dilation";
  // Numeric padding with rounding can place the last windows partly past the input.
  const lastRow = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight;
  const lastCol = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth;
  if (lastRow > info.inHeight || lastCol > info.inWidth) return "windows past the input";
  return undefined;
}

/**
 * `run(x, dy, dx, images)`: adds the gradient of `images` images to `dx` (byte addresses).
 * Loops over images, output rows, output columns and channel vectors; taps are unrolled.
 */
function poolGradFunction(g: PoolGeometry): FunctionSpec {
  const [x, dy, dx, images] = [0, 1, 2, 3];
  const loops = { image: 4, row: 5, column: 6, images: 7, rows: 8, columns: 9 };
  const [p, dyP, delta, cc, dxAt] = [10, 11, 12, 13, 14];
  const [best, winner, value, greater, grad] = [15, 16, 17, 18, 19];
  const rowBytes = g.width * g.channels * 4;
  const taps: number[] = [];
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) taps.push(i * rowBytes + j * g.channels * 4);
  }
  const c = new Code();
  // dx has x's layout: a tap's dx address is its x address plus (dx − x).
  c.get(dx).get(x).op(Op.i32Sub).set(delta);
  c.get(dy).set(dyP);
  windowLoops(c, x, images, loops, g, () => {
    c.get(loops.column).set(p).const(g.channels / 4).set(cc);
    c.op(Op.loop, 0x40); // channel vectors
    c.splatConst(-Infinity, "f32").set(best).splatConst(-1, "i32").set(winner);
    taps.forEach((offset, k) => {
      c.get(p).simd(SimdOp.v128Load, { align: 2, offset }).set(value);
      c.get(value).get(best).simd(SimdOp.f32x4Gt).set(greater);
      c.get(value).get(best).get(greater).simd(SimdOp.v128Bitselect).set(best);
      c.splatConst(k, "i32").get(winner).get(greater).simd(SimdOp.v128Bitselect).set(winner);
    });
    c.get(dyP).simd(SimdOp.v128Load, { align: 2, offset: 0 }).set(grad);
    c.get(p).get(delta).op(Op.i32Add).set(dxAt);
    taps.forEach((offset, k) => {
      c.get(dxAt);
      c.get(dxAt).simd(SimdOp.v128Load, { align: 2, offset });
      c.get(grad).get(winner).splatConst(k, "i32").simd(SimdOp.i32x4Eq).simd(SimdOp.v128And);
      c.simd(SimdOp.f32x4Add).simd(SimdOp.v128Store, { align: 2, offset });
    });
    c.addConst(p, 16).addConst(dyP, 16).countDown(cc);
  });
  return {
    name: "run",
    params: 4,
    locals: [{ type: ValueType.i32, count: 11 }, { type: ValueType.v128, count: 5 }],
    body: c,
  };
}

/**
 * Adds the max pooling gradient of `x` (float32 NHWC) and `dy` into `dx` (zeroed, x's shape),
 * all three views into the backend's heap, by the SIMD loop; false when the backend's memory
 * is not reachable. Check {@link simdMaxPoolGradMissing} first.
 *
 * @example
 * ```ts ignore
 * // A step inside the MaxPoolGrad kernel: x, dy and dx must be views of the wasm heap; the
 * // MaxPoolGrad example in max_pool_grad.ts runs it.
 * if (!simdMaxPoolGradMissing(info)) done = maxPoolGradBySimd(x, dy, dx, info, backend);
 * ```
 */
export function maxPoolGradBySimd(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: PoolInfo,
  backend: WasmBackendLike,
): boolean {
  const geometry: PoolGeometry = {
    height: info.inHeight,
    width: info.inWidth,
    channels: info.inChannels,
    filterHeight: info.effectiveFilterHeight,
    filterWidth: info.effectiveFilterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
  const kernel = compiledKernel(
    backend,
    `max-pool-grad ${JSON.stringify(geometry)}`,
    () => [poolGradFunction(geometry)],
  );
  if (!kernel) return false;
  // The wasm loops run at least once, so an empty pooling makes no call (dx stays zero).
  if (info.batchSize * info.outHeight * info.outWidth === 0) return true;
  const xImage = info.inHeight * info.inWidth * info.inChannels * 4;
  const dyImage = info.outHeight * info.outWidth * info.inChannels * 4;
  const [xAt, dyAt, dxAt] = [x.byteOffset, dy.byteOffset, dx.byteOffset];
  kernel.splitRange(info.batchSize, (first, n) => [
    xAt + first * xImage,
    dyAt + first * dyImage,
    dxAt + first * xImage,
    n,
  ]);
  return true;
}
