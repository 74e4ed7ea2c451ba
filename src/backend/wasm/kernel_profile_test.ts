import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupWasmBackend } from "./mod.ts";
import { formatKernelCpuTable, profileKernelCpu } from "./kernel_profile.ts";
import { testThreads } from "./testing.ts";

Deno.test("profileKernelCpu counts wasm kernel calls and restores the kernels", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend("wasm");
  const before = tf.getKernel("Conv2D", "wasm");
  const x = tf.ones([2, 8, 8, 1]) as tf.Tensor4D, f = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
  const rows = await profileKernelCpu("wasm", () => {
    for (let i = 0; i < 3; i++) tf.tidy(() => void tf.relu(tf.conv2d(x, f, 1, "valid")).dataSync());
  });
  const conv = rows.find((r) => r.kernel === "Conv2D");
  assert.equal(conv?.calls, 3);
  assert.equal(conv?.inputShapes, "[[2,8,8,1],[3,3,1,2]]");
  assert.ok(rows.every((r) => r.cpuMs >= 0));
  assert.equal(tf.getKernel("Conv2D", "wasm"), before);
  const table = formatKernelCpuTable(rows);
  assert.match(table, /^\| kernel \|/);
  assert.match(table, /\| Conv2D \| \[\[2,8,8,1\],\[3,3,1,2\]\] \| 3 \|/);
  tf.dispose([x, f]);
});
