import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { setupWasmBackend } from "./mod.ts";
import { conv2DBackpropFilterPathLog } from "./conv2d_backprop_filter.ts";
import { backendMemory } from "./simd_module.ts";
import { helperJobs } from "./simd_threads.ts";
import { compareWithCpu, randomTensor, testThreads } from "./testing.ts";

Deno.test({
  name: "on the threaded build our SIMD kernels share their work with the helper thread",
  // Runs in threads_test.ts' 2-thread rerun of every wasm test.
  ignore: testThreads() < 2,
  async fn() {
    await setupWasmBackend({ threads: testThreads() });
    await tf.setBackend("wasm");
    const memory = backendMemory(tf.backend())!;
    assert.ok(memory.buffer instanceof SharedArrayBuffer);
    const before = helperJobs(memory);
    const random = new Random(12);
    const inputs = {
      x: randomTensor(random, [6, 9, 9, 3]),
      dy: randomTensor(random, [6, 7, 7, 8]),
    };
    const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 3, 8] };
    const error = await compareWithCpu("Conv2DBackpropFilter", inputs, attrs);
    assert.equal(conv2DBackpropFilterPathLog.last, "simd");
    assert.ok(error <= 1e-5, `error ${error}`);
    assert.ok(helperJobs(memory) > before, "the helper thread ran no job");
  },
});
