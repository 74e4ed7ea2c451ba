import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { conv2DBackpropInputPathLog } from "./conv2d_backprop_input.ts";
import {
  compareWithCpu,
  type ConvPad,
  type HostTensor,
  randomConvGeometry,
  randomPad,
  randomTensor,
} from "./testing.ts";

function caseFor(
  random: Random,
  dataFormat: "NHWC" | "NCHW",
  padFor?: (fh: number, fw: number) => ConvPad,
) {
  const g = randomConvGeometry(random, dataFormat, 5, padFor);
  const inputs: Record<string, HostTensor> = {
    dy: randomTensor(random, g.outShape),
    filter: randomTensor(random, g.filterShape),
  };
  const { strides, pad, xShape: inputShape } = g;
  return { inputs, attrs: { strides, pad, dataFormat, inputShape } };
}

Deno.test("Conv2DBackpropInput on wasm (XNNPACK path) matches cpu on random convolutions", async () => {
  const random = new Random(99);
  let fast = 0;
  for (let i = 0; i < 40; i++) {
    const { inputs, attrs } = caseFor(random, "NHWC");
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
      (fh, fw) => wide ? [[0, 0], [fh + 1, 0], [0, fw], [0, 0]] : randomPad(random),
    );
    const error = await compareWithCpu("Conv2DBackpropInput", inputs, attrs);
    assert.equal(conv2DBackpropInputPathLog.last, "fallback");
    assert.ok(error <= 1e-5, `case ${i} ${JSON.stringify(attrs)}: error ${error}`);
  }
});
