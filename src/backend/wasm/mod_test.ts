import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { setupWasmBackend, wasmBackendInfo } from "./mod.ts";
import { randomTensor, testThreads } from "./testing.ts";

Deno.test("setupWasmBackend registers the gradient kernels and reports threads", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await setupWasmBackend(); // idempotent
  const info = await wasmBackendInfo();
  assert.deepEqual(info.customKernels.map((k) => k.kernelName).sort(), [
    "Add",
    "BatchMatMul",
    "Conv2D",
    "Conv2DBackpropFilter",
    "Conv2DBackpropInput",
    "DigitkitWasmReluGrad",
    "FusedConv2D",
    "Identity",
    "MaxPoolGrad",
    "Slice",
    "SplitV",
    "Sum",
    "_FusedMatMul",
  ]);
  assert.equal(
    info.customKernels.find((k) => k.kernelName === "Conv2DBackpropFilter")?.action,
    "added",
  );
  assert.equal(info.threads, testThreads());
  assert.equal(info.version, "4.22.0");
  assert.ok(await tf.setBackend("wasm"));
});

Deno.test("setupWasmBackend rejects a non-positive thread count", async () => {
  await assert.rejects(() => setupWasmBackend({ threads: 0 }), RangeError);
});

Deno.test("a small Conv2D/MaxPool/Dropout/Dense model trains on wasm with Adam", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend("wasm");
  const random = new Random(1);
  const x = randomTensor(random, [32, 10, 10, 1]);
  const xs = tf.tensor4d(x.values, [32, 10, 10, 1]);
  // A learnable target: class = whether the image's mean is positive.
  const labels = tf.tidy(() => tf.oneHot(xs.mean([1, 2, 3]).greater(0).cast("int32"), 2));
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [10, 10, 1],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.2, seed: 2 }),
      tf.layers.dense({
        units: 2,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const history = await model.fit(xs, labels, { epochs: 15, batchSize: 32, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses.at(-1)! < losses[0] * 0.8, `loss did not fall: ${losses[0]} → ${losses.at(-1)}`);
  tf.dispose([xs, labels]);
  model.dispose();
});

/** CPU ticks per thread of this process whose name matches `pattern` (Linux /proc). */
function threadTicks(pattern: RegExp): number {
  let ticks = 0;
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    const stat = Deno.readTextFileSync(`/proc/self/task/${entry.name}/stat`);
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (pattern.test(name)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

Deno.test({
  name: "on the threaded build, a pthread worker really shares the convolution work",
  ignore: testThreads() < 2 || Deno.build.os !== "linux",
  fn: async () => {
    await setupWasmBackend({ threads: testThreads() });
    await tf.setBackend("wasm");
    const x = tf.randomNormal([64, 16, 16, 32]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
    // Emscripten names its pthread workers "worker-N".
    const before = threadTicks(/^worker-/);
    for (let i = 0; i < 40; i++) tf.tidy(() => void tf.conv2d(x, f, 1, "same").dataSync());
    assert.ok(threadTicks(/^worker-/) > before, "no CPU time on any pthread worker");
    tf.dispose([x, f]);
  },
});
