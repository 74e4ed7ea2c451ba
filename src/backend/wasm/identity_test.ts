import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupWasmBackend } from "./mod.ts";
import { testThreads } from "./testing.ts";

Deno.test("Identity on wasm shares memory: the clone outlives its source, nothing leaks", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend("wasm");
  const before = tf.memory().numDataBuffers;
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const y = tf.clone(x);
  // Shared data: one buffer for both tensors.
  assert.equal(tf.memory().numDataBuffers, before + 1);
  x.dispose();
  assert.deepEqual(Array.from(await y.data()), [1, 2, 3, 4]);
  // Gradients through Identity still flow (tf.grad passes dy through it).
  const g = tf.tidy(() =>
    tf.grad((t: tf.Tensor) => tf.clone(t).square().sum())(tf.tensor1d([1, -2]))
  );
  assert.deepEqual(Array.from(await g.data()), [2, -4]);
  tf.dispose([y, g]);
  assert.equal(tf.memory().numBytes, before);
  assert.equal(
    (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } })
      .dataIdMap.numDataIds() >= 0,
    true,
  );
});

Deno.test("Identity on wasm still copies string tensors through 4.22's kernel", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend("wasm");
  const s = tf.tensor1d(["a", "b"], "string");
  const t = tf.clone(s);
  s.dispose();
  assert.deepEqual(await t.data(), ["a", "b"]);
  t.dispose();
});
