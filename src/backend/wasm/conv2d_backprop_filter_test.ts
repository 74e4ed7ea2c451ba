import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { conv2DBackpropFilterPathLog } from "./conv2d_backprop_filter.ts";
import { setupWasmBackend } from "./mod.ts";
import {
  compareWithCpu,
  type HostTensor,
  randomConvGeometry,
  randomTensor,
  relativeError,
  testThreads,
} from "./testing.ts";

function randomCase(random: Random, dataFormat: "NHWC" | "NCHW") {
  const g = randomConvGeometry(random, dataFormat);
  const inputs: Record<string, HostTensor> = {
    x: randomTensor(random, g.xShape),
    dy: randomTensor(random, g.outShape),
  };
  const { strides, pad, filterShape } = g;
  return {
    inputs,
    attrs: { strides, pad, dataFormat, filterShape },
    label: JSON.stringify(g.xShape),
  };
}

// Channels-last data takes the SIMD loop when the output channels are a multiple of 4, else
// the XNNPACK convolution; channels-first falls back to the scalar loop.
const PATHS = [
  { dataFormat: "NHWC", paths: ["simd", "conv"], seed: 20261122, cases: 60 },
  { dataFormat: "NCHW", paths: ["loop"], seed: 7, cases: 10 },
] as const;

for (const { dataFormat, paths, seed, cases } of PATHS) {
  Deno.test(`Conv2DBackpropFilter on wasm (${paths} paths, ${dataFormat}) matches cpu`, async () => {
    const random = new Random(seed);
    const taken = new Set<string>();
    for (let i = 0; i < cases; i++) {
      const { inputs, attrs, label } = randomCase(random, dataFormat);
      const error = await compareWithCpu("Conv2DBackpropFilter", inputs, attrs);
      const simd = dataFormat === "NHWC" && attrs.filterShape[3] % 4 === 0;
      assert.equal(conv2DBackpropFilterPathLog.last, simd ? "simd" : paths.at(-1));
      taken.add(conv2DBackpropFilterPathLog.last!);
      assert.ok(error <= 1e-5, `case ${i} x=${label} ${JSON.stringify(attrs)}: error ${error}`);
    }
    assert.deepEqual([...taken].sort(), [...paths].sort());
  });
}

Deno.test("Conv2DBackpropFilter on wasm crops rows a strided valid convolution never read", async () => {
  const random = new Random(11);
  const inputs = { x: randomTensor(random, [2, 8, 9, 3]), dy: randomTensor(random, [2, 3, 4, 2]) };
  const attrs = { strides: [2, 2], pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 3, 2] };
  const error = await compareWithCpu("Conv2DBackpropFilter", inputs, attrs);
  assert.equal(conv2DBackpropFilterPathLog.last, "conv");
  assert.ok(error <= 1e-5, `error ${error}`);
});

Deno.test("a Conv2D model's filter gradient on wasm equals cpu's", async () => {
  const random = new Random(3);
  const x = randomTensor(random, [4, 12, 12, 2]);
  const filter = randomTensor(random, [3, 3, 2, 6]);
  const gradients: Float32Array[] = [];
  for (const backend of ["cpu", "wasm"] as const) {
    if (backend === "wasm") await setupWasmBackend({ threads: testThreads() });
    await tf.setBackend(backend);
    const xs = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
    const grad = tf.grad((f) => tf.conv2d(xs, f as tf.Tensor4D, 2, "same").square().sum());
    const g = grad(tf.tensor4d(filter.values, filter.shape as [number, number, number, number]));
    gradients.push(await g.data() as Float32Array);
    tf.dispose([xs, g]);
  }
  assert.ok(gradients[0].some((v) => v !== 0));
  const error = relativeError(gradients[1], gradients[0]);
  assert.ok(error <= 1e-5, `error ${error}`);
});
