/**
 * The ReLU gradient for the wasm backend in one SIMD pass of our own (see simd_module.ts):
 * dx = x > 0 ? dy : 0, four lanes at a time (a compare mask and a bitwise and), split with the
 * helper thread on the threaded build. tfjs' own gradient, `dy · Cast(Step(x))`, took three
 * full-size passes (~8 ms of a Keras CNN step). Registered through relu_gradient.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelArgs, outputFromHeap } from "./kernel_call.ts";
import { Code, type FunctionSpec, Op, SimdOp } from "./wasm_encoder.ts";
import { compiledKernel } from "./simd_module.ts";

/** The kernel's name (wasm only). */
export const WASM_RELU_GRAD = "DigitkitWasmReluGrad";

/** `run(dy, x, dx, vectors)`: dx = x > 0 ? dy : 0 over `vectors` ≥ 1 groups of 4 floats. */
function reluGradFunction(): FunctionSpec {
  const [dy, x, dx, n] = [0, 1, 2, 3];
  const c = new Code();
  c.op(Op.loop, 0x40);
  c.get(dx);
  c.get(dy).simd(SimdOp.v128Load, { align: 2, offset: 0 });
  c.get(x).simd(SimdOp.v128Load, { align: 2, offset: 0 }).zeroV128().simd(SimdOp.f32x4Gt);
  c.simd(SimdOp.v128And).simd(SimdOp.v128Store, { align: 2, offset: 0 });
  for (const pointer of [dy, x, dx]) c.addConst(pointer, 16);
  c.countDown(n);
  return { name: "run", params: 4, locals: [], body: c };
}

/**
 * The kernel function: inputs `dy` and `x` (float32, same shape).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * // setupWasmBackend registers it and routes Relu's gradient to it on wasm:
 * //   tf.registerKernel({ kernelName: WASM_RELU_GRAD, backendName: "wasm", kernelFunc: reluGrad });
 * await initBackend("wasm");
 * const dx = tf.grad((x: tf.Tensor) => tf.relu(x).sum())(tf.tensor1d([-2, 3, 0.5]));
 * deepStrictEqual(Array.from(dx.dataSync()), [0, 1, 1]);
 * ```
 */
export function reluGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs;
  const size = tf.util.sizeFromShape(x.shape);
  const kernel = compiledKernel(args.backend, "relu-grad", () => [reluGradFunction()]);
  return outputFromHeap(args.backend, x.shape, [dy, x], (dx, [dyv, xv]) => {
    const vectors = Math.floor(size / 4);
    if (kernel && vectors > 0) {
      const [dyAt, xAt, dxAt] = [dyv.byteOffset, xv.byteOffset, dx.byteOffset];
      kernel.splitRange(vectors, (first, n) => [
        dyAt + first * 16,
        xAt + first * 16,
        dxAt + first * 16,
        n,
      ]);
    }
    // The tail (and everything, without the kernel) in plain JavaScript.
    for (let i = kernel ? vectors * 4 : 0; i < size; i++) dx[i] = xv[i] > 0 ? dyv[i] : 0;
  });
}
