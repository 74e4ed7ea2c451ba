import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { conv2DBackpropFilterPathLog } from "./conv2d_backprop_filter.ts";
import { relaxedSimdSupported, simdSettings } from "./simd_module.ts";
import { compareWithCpu, randomConvGeometry, randomTensor } from "./testing.ts";

Deno.test("SIMD kernels compute the same without relaxed SIMD's fused multiply-add", async () => {
  simdSettings.relaxed = false;
  try {
    assert.equal(relaxedSimdSupported(), false);
    const random = new Random(77);
    let simdCases = 0;
    for (let i = 0; i < 20; i++) {
      const g = randomConvGeometry(random, "NHWC", 16);
      if (g.filterShape[3] % 4 !== 0) continue;
      const inputs = { x: randomTensor(random, g.xShape), dy: randomTensor(random, g.outShape) };
      const attrs = {
        strides: g.strides,
        pad: g.pad,
        dataFormat: "NHWC",
        filterShape: g.filterShape,
      };
      const error = await compareWithCpu("Conv2DBackpropFilter", inputs, attrs);
      assert.equal(conv2DBackpropFilterPathLog.last, "simd");
      assert.ok(error <= 1e-5, `case ${i}: error ${error}`);
      simdCases++;
    }
    assert.ok(simdCases >= 3, `only ${simdCases} cases took the SIMD path`);
  } finally {
    delete simdSettings.relaxed;
  }
});
