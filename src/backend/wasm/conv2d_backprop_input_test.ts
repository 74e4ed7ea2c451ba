import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random.ts";
import { conv2DBackpropInputPathLog } from "./conv2d_backprop_input.ts";
import { compareWithCpu, type HostTensor, randomInt, randomTensor } from "./testing.ts";

type Pad = "same" | "valid" | number[][];

function caseFor(
  random: Random,
  dataFormat: "NHWC" | "NCHW",
  padFor: (fh: number, fw: number) => Pad,
) {
  const batch = randomInt(random, 1, 3), ci = randomInt(random, 1, 4), co = randomInt(random, 1, 5);
  const fh = randomInt(random, 1, 4), fw = randomInt(random, 1, 4);
  const h = randomInt(random, fh, 10), w = randomInt(random, fw, 10);
  const strides: [number, number] = [randomInt(random, 1, 3), randomInt(random, 1, 3)];
  const pad = padFor(fh, fw);
  const inputShape = dataFormat === "NHWC" ? [batch, h, w, ci] : [batch, ci, h, w];
  const filterShape: [number, number, number, number] = [fh, fw, ci, co];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad as "same",
    undefined,
    false,
    dataFormat === "NHWC" ? "channelsLast" : "channelsFirst",
  );
  const inputs: Record<string, HostTensor> = {
    dy: randomTensor(random, info.outShape),
    filter: randomTensor(random, filterShape),
  };
  return { inputs, attrs: { strides, pad, dataFormat, inputShape } };
}

function anyPad(random: Random): Pad {
  const choice = random.int(3);
  if (choice === 0) return "same";
  if (choice === 1) return "valid";
  const p = () => randomInt(random, 0, 2);
  return [[0, 0], [p(), p()], [p(), p()], [0, 0]];
}

Deno.test("Conv2DBackpropInput on wasm (XNNPACK path) matches cpu on random convolutions", async () => {
  const random = new Random(99);
  let fast = 0;
  for (let i = 0; i < 40; i++) {
    const { inputs, attrs } = caseFor(random, "NHWC", () => anyPad(random));
    const error = await compareWithCpu("Conv2DBackpropInput", inputs, attrs);
    if (conv2DBackpropInputPathLog.last === "conv") fast++;
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
  // Only explicit padding wider than the filter leaves the fast path; most cases must take it.
  assert.ok(fast >= 30, `only ${fast} of 40 cases took the XNNPACK path`);
});

Deno.test("Conv2DBackpropInput on wasm falls back to 4.22's kernel where XNNPACK cannot", async () => {
  const random = new Random(5);
  for (let i = 0; i < 8; i++) {
    // Channels-first data, or padding wider than the filter (a negative "full" padding).
    const wide = i % 2 === 0;
    const { inputs, attrs } = caseFor(
      random,
      wide ? "NHWC" : "NCHW",
      (fh, fw) => wide ? [[0, 0], [fh + 1, 0], [0, fw], [0, 0]] : anyPad(random),
    );
    const error = await compareWithCpu("Conv2DBackpropInput", inputs, attrs);
    assert.equal(conv2DBackpropInputPathLog.last, "fallback");
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
});
