import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { conv2DPathLog } from "./conv2d_simd.ts";
import { compareWithCpu, randomConvGeometry, randomTensor } from "./testing.ts";

Deno.test("Conv2D on wasm: the SIMD loop (1–4 input channels) and XNNPACK match cpu", async () => {
  const random = new Random(5150);
  const paths = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const g = randomConvGeometry(random, "NHWC", 40);
    const inputs = {
      x: randomTensor(random, g.xShape),
      filter: randomTensor(random, g.filterShape),
    };
    const attrs = { strides: g.strides, pad: g.pad, dataFormat: "NHWC", dilations: 1 };
    const error = await compareWithCpu("Conv2D", inputs, attrs);
    const simd = g.filterShape[3] % 4 === 0;
    assert.equal(conv2DPathLog.last, simd ? "simd" : "fallback", `case ${i}`);
    paths.add(conv2DPathLog.last!);
    assert.ok(error <= 1e-5, `case ${i} x=${g.xShape} ${JSON.stringify(attrs)}: error ${error}`);
  }
  assert.deepEqual([...paths].sort(), ["fallback", "simd"]);
});

Deno.test("Conv2D and FusedConv2D on wasm get strided 'same' convolutions right (4.22 did not)", async () => {
  const random = new Random(99);
  for (let i = 0; i < 60; i++) {
    const g = randomConvGeometry(random, "NHWC", 20, () => "same");
    // Wide inputs too, which take XNNPACK.
    const ci = [1, 3, 8][i % 3];
    const xShape = [...g.xShape.slice(0, 3), ci];
    const filterShape = [...g.filterShape.slice(0, 2), ci, g.filterShape[3]];
    const inputs = { x: randomTensor(random, xShape), filter: randomTensor(random, filterShape) };
    const attrs = { strides: g.strides, pad: "same", dataFormat: "NHWC", dilations: 1 };
    const error = await compareWithCpu("Conv2D", inputs, attrs);
    assert.ok(error <= 1e-5, `case ${i} x=${xShape} f=${filterShape} ${g.strides}: error ${error}`);
    const fused = await compareWithCpu("FusedConv2D", inputs, { ...attrs, activation: "linear" });
    assert.ok(fused <= 1e-5, `fused case ${i} x=${xShape} f=${filterShape}: error ${fused}`);
  }
});

Deno.test("Conv2D on wasm keeps XNNPACK for wide inputs and dilation", async () => {
  const random = new Random(6);
  const cases = [
    { x: [2, 9, 9, 8], filter: [3, 3, 8, 8], dilations: 1 },
    { x: [2, 9, 9, 1], filter: [3, 3, 1, 8], dilations: 2 },
  ];
  for (const c of cases) {
    const inputs = { x: randomTensor(random, c.x), filter: randomTensor(random, c.filter) };
    const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: c.dilations };
    const error = await compareWithCpu("Conv2D", inputs, attrs);
    assert.equal(conv2DPathLog.last, "fallback");
    assert.ok(error <= 1e-5, `${JSON.stringify(c)}: error ${error}`);
  }
});
