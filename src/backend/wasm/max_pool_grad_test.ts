import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { maxPoolGradPathLog } from "./max_pool_grad.ts";
import { compareWithCpu, type HostTensor, randomInt, randomTensor } from "./testing.ts";

function poolCase(
  random: Random,
  xValues?: (t: HostTensor) => HostTensor,
  channels = randomInt(random, 1, 5),
) {
  const batch = randomInt(random, 1, 3);
  const filterSize: [number, number] = [randomInt(random, 1, 3), randomInt(random, 1, 3)];
  const h = randomInt(random, filterSize[0], 9), w = randomInt(random, filterSize[1], 9);
  const strides: [number, number] = [randomInt(random, 1, 3), randomInt(random, 1, 3)];
  const pad = (["same", "valid", randomInt(random, 0, 1)] as const)[random.int(3)];
  const shape = [batch, h, w, channels];
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
  );
  let input = randomTensor(random, shape);
  if (xValues) input = xValues(input);
  const inputs = { dy: randomTensor(random, info.outShape), input };
  return { inputs, attrs: { filterSize, strides, pad } };
}

Deno.test("MaxPoolGrad on wasm matches cpu on random pools (overlapping, padded)", async () => {
  const random = new Random(123);
  for (let i = 0; i < 40; i++) {
    const { inputs, attrs } = poolCase(random);
    const error = await compareWithCpu("MaxPoolGrad", inputs, attrs);
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
});

Deno.test("MaxPoolGrad on wasm sends a tie's gradient to the first maximum only, as cpu", async () => {
  const random = new Random(8);
  // Values from {0, 1} make ties in nearly every window (like ReLU outputs full of zeros).
  const ties = (t: HostTensor): HostTensor => ({
    ...t,
    values: t.values.map((v) => (v > 0 ? 1 : 0)),
  });
  for (let i = 0; i < 20; i++) {
    const { inputs, attrs } = poolCase(random, ties);
    const error = await compareWithCpu("MaxPoolGrad", inputs, attrs);
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
});

Deno.test("MaxPoolGrad on wasm casts int32 input and still matches cpu", async () => {
  const random = new Random(9);
  const toInt = (t: HostTensor): HostTensor => ({
    shape: t.shape,
    dtype: "int32",
    values: Int32Array.from(t.values, (v) => Math.round(v * 5)),
  });
  for (let i = 0; i < 5; i++) {
    const { inputs, attrs } = poolCase(random, toInt);
    const error = await compareWithCpu("MaxPoolGrad", inputs, attrs);
    assert.ok(error <= 1e-5, `case ${i}: error ${error}`);
  }
});

Deno.test("MaxPoolGrad's SIMD path (channels a multiple of 4, unpadded) matches cpu", async () => {
  const random = new Random(2026);
  // Ties, NaN and −∞ in a third of the values: the first maximum wins, NaN never does, and a
  // window of −∞ passes nothing.
  const awkward = (t: HostTensor): HostTensor => ({
    ...t,
    values: t.values.map((v, i) =>
      [v > 0 ? 1 : 0, v, NaN, -Infinity][i % 7 === 0 ? 2 + (i % 2) : i % 2]
    ),
  });
  const paths = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const { inputs, attrs } = poolCase(
      random,
      i % 2 ? awkward : undefined,
      4 * randomInt(random, 1, 3),
    );
    const error = await compareWithCpu("MaxPoolGrad", inputs, attrs);
    paths.add(maxPoolGradPathLog.last!);
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
  // Padded pools in the mix take the scalar loop.
  assert.deepEqual([...paths].sort(), ["loop", "simd"]);
});
