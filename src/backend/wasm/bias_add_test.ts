import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { biasAddPathLog } from "./bias_add.ts";
import { compareWithCpu, randomInt, randomTensor } from "./testing.ts";

Deno.test("Add of a bias row on wasm (SIMD, either operand order) matches cpu", async () => {
  const random = new Random(41);
  for (let i = 0; i < 20; i++) {
    const columns = 4 * randomInt(random, 1, 20); // up to 80: several register chunks
    const shape = [randomInt(random, 1024, 1500), randomInt(random, 1, 3), columns];
    const x = randomTensor(random, shape), bias = randomTensor(random, [columns]);
    const inputs = i % 2 ? { a: x, b: bias } : { a: bias, b: x };
    const error = await compareWithCpu("Add", inputs, {});
    assert.equal(biasAddPathLog.last, "simd");
    assert.ok(error <= 1e-6, `case ${i} shape ${shape}: error ${error}`);
  }
});

Deno.test("Add on wasm falls back to 4.22's kernel for other broadcasts", async () => {
  const random = new Random(42);
  const cases = [
    [[300, 6], [6]], // columns not a multiple of 4
    [[300, 8], [300, 8]], // no broadcast
    [[300, 8], [1, 8]], // a bias of rank 2
    [[4, 8], [8]], // small
    [[300, 8], []], // scalar
  ];
  for (const [a, b] of cases) {
    const inputs = { a: randomTensor(random, a), b: randomTensor(random, b) };
    const error = await compareWithCpu("Add", inputs, {});
    assert.equal(biasAddPathLog.last, "fallback");
    assert.ok(error <= 1e-6, `${a} + ${b}: error ${error}`);
  }
});
