import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { setupWasmBackend } from "./mod.ts";
import { randomTensor, relativeError, testThreads } from "./testing.ts";

/** The gradient of sum(relu(x) · w) with respect to x, on `backend`. */
async function reluGradient(backend: "cpu" | "wasm", x: Float32Array, w: Float32Array) {
  if (backend === "wasm") await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend(backend);
  const g = tf.tidy(() => {
    const weights = tf.tensor1d(w);
    return tf.grad((t: tf.Tensor) => tf.relu(t).mul(weights).sum())(tf.tensor1d(x));
  });
  const values = await g.data() as Float32Array;
  g.dispose();
  return values;
}

Deno.test("the ReLU gradient on wasm (one SIMD pass) equals cpu's, tails and zeros included", async () => {
  const random = new Random(17);
  for (const size of [1, 3, 4, 7, 1000, 4099]) {
    const x = randomTensor(random, [size]).values as Float32Array;
    if (size > 4) x[2] = 0; // ReLU'(0) is 0 in tfjs
    const w = randomTensor(random, [size]).values as Float32Array;
    const [cpu, wasm] = [await reluGradient("cpu", x, w), await reluGradient("wasm", x, w)];
    if (size > 4) assert.ok(cpu.some((v) => v !== 0) && cpu.some((v) => v === 0));
    assert.equal(relativeError(wasm, cpu), 0, `size ${size}`);
  }
});

Deno.test("the ReLU gradient on wasm gives 0 where x is NaN, as libtensorflow's ReluGrad", async () => {
  const g = await reluGradient(
    "wasm",
    new Float32Array([NaN, 1, -1, 2]),
    new Float32Array(4).fill(3),
  );
  assert.deepEqual(Array.from(g), [0, 3, 0, 3]);
});
