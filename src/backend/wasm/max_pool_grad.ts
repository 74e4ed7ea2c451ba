/**
 * A faster MaxPoolGrad for the wasm backend: one pass over the pooling windows that finds each
 * window's first maximum and adds dy there, channels innermost so memory is read in order —
 * as a SIMD loop (max_pool_grad_simd.ts) where it applies, else the scalar loop below.
 * Semantics match the cpu backend exactly: the first maximum in row-major window order wins
 * (ties go to one position only), padding never wins, and a window whose values are all NaN
 * or −∞ passes no gradient. It covers every pooling tfjs has (NHWC only; any window, stride,
 * padding, rounding); input that is not float32 is cast first.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  disposeIntermediates,
  type KernelArgs,
  outputFromHeap,
  runWasmKernel,
} from "./kernel_call.ts";
import { maxPoolGradBySimd, simdMaxPoolGradMissing } from "./max_pool_grad_simd.ts";

/** Which path computed the last call (tests use it to prove both paths ran). */
export const maxPoolGradPathLog: { last: "simd" | "loop" | null } = { last: null };

/**
 * Scatters dy onto the first maximum of each pooling window of x (NHWC), into `dx` (zeroed).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { scatterToWindowMaxima } from "./max_pool_grad.ts";
 * const info = tf.backend_util.computePool2DInfo([1, 2, 2, 1], 2, 2, 1, "valid");
 * const dx = new Float32Array(4);
 * scatterToWindowMaxima(new Float32Array([1, 5, 3, 5]), new Float32Array([7]), dx, info);
 * ok(dx[1] === 7 && dx[3] === 0);
 * ```
 */
export function scatterToWindowMaxima(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const fh = info.effectiveFilterHeight, fw = info.effectiveFilterWidth;
  const sH = info.strideHeight, sW = info.strideWidth;
  const top = info.padInfo.top, left = info.padInfo.left;
  const maxValue = new Float32Array(C);
  const maxIndex = new Int32Array(C);
  for (let b = 0; b < info.batchSize; b++) {
    const xBase = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const rowStart = Math.max(0, oy * sH - top), rowEnd = Math.min(H, oy * sH - top + fh);
      for (let ox = 0; ox < OW; ox++) {
        const colStart = Math.max(0, ox * sW - left), colEnd = Math.min(W, ox * sW - left + fw);
        maxValue.fill(-Infinity);
        maxIndex.fill(-1);
        for (let r = rowStart; r < rowEnd; r++) {
          for (let col = colStart; col < colEnd; col++) {
            const at = xBase + (r * W + col) * C;
            for (let c = 0; c < C; c++) {
              const v = x[at + c];
              if (v > maxValue[c]) {
                maxValue[c] = v;
                maxIndex[c] = at + c;
              }
            }
          }
        }
        const dyAt = ((b * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) {
          if (maxIndex[c] >= 0) dx[maxIndex[c]] += dy[dyAt + c];
        }
      }
    }
  }
}

/**
 * The MaxPoolGrad kernel function.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { Random } from "../../util/random.ts";
 * import { compareWithCpu, randomTensor } from "./testing.ts";
 * // setupWasmBackend (run by compareWithCpu) registers it on wasm:
 * //   tf.registerKernel({ kernelName: "MaxPoolGrad", backendName: "wasm", kernelFunc: maxPoolGrad });
 * const r = new Random(1);
 * const inputs = { dy: randomTensor(r, [1, 3, 3, 2]), input: randomTensor(r, [1, 6, 6, 2]) };
 * ok(await compareWithCpu("MaxPoolGrad", inputs, { filterSize: 2, strides: 2, pad: "valid" }) <= 1e-5);
 * ```
 */
export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const casts = [inputs.input, inputs.dy].map((t) =>
    t.dtype === "float32" ? t : runWasmKernel("Cast", { x: t }, { dtype: "float32" }, backend)
  );
  const [input, dy] = casts;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const dx = outputFromHeap(backend, input.shape, [input, dy], (dx, [x, dyValues]) => {
    const simd = simdMaxPoolGradMissing(info) === undefined &&
      maxPoolGradBySimd(x, dyValues, dx, info, backend);
    maxPoolGradPathLog.last = simd ? "simd" : "loop";
    if (!simd) scatterToWindowMaxima(x, dyValues, dx, info);
  });
  disposeIntermediates(backend, ...casts.filter((t, i) => t !== [inputs.input, inputs.dy][i]));
  return dx;
}
