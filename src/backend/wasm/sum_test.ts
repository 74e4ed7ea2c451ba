import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { sumPathLog } from "./sum.ts";
import { compareWithCpu, randomInt, randomTensor } from "./testing.ts";

Deno.test("Sum over leading axes on wasm (SIMD and scalar row accumulation) matches cpu", async () => {
  const random = new Random(31);
  const paths = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const rank = randomInt(random, 2, 4);
    const shape = Array.from({ length: rank }, () => randomInt(random, 1, 9));
    shape[0] = randomInt(random, 256, 700); // enough rows for the fast path
    const leading = randomInt(random, 1, rank - 1);
    const axis = Array.from({ length: leading }, (_, a) => a).reverse(); // any order
    const keepDims = random.next() < 0.5;
    const error = await compareWithCpu("Sum", { x: randomTensor(random, shape) }, {
      axis,
      keepDims,
    });
    const columns = shape.slice(leading).reduce((a, b) => a * b, 1);
    assert.equal(sumPathLog.last, columns % 4 === 0 ? "simd" : "rows");
    paths.add(sumPathLog.last!);
    assert.ok(error <= 1e-5, `case ${i} shape ${shape} axis ${axis}: error ${error}`);
  }
  assert.deepEqual([...paths].sort(), ["rows", "simd"]);
});

Deno.test("Sum of a conv bias gradient's shape on wasm matches cpu", async () => {
  const x = randomTensor(new Random(4), [32, 26, 26, 32]);
  const error = await compareWithCpu("Sum", { x }, { axis: [0, 1, 2], keepDims: false });
  assert.equal(sumPathLog.last, "simd");
  assert.ok(error <= 1e-5, `error ${error}`);
});

Deno.test("Sum on wasm falls back to 4.22's kernel for other reductions", async () => {
  const random = new Random(32);
  const cases: { shape: number[]; axis: number | number[] }[] = [
    { shape: [300, 4, 5], axis: [1, 2] }, // trailing axes
    { shape: [300, 4, 5], axis: [0, 2] }, // not a leading run
    { shape: [300, 4], axis: [0, 1] }, // every axis
    { shape: [10, 4], axis: 0 }, // too few rows
  ];
  for (const { shape, axis } of cases) {
    const error = await compareWithCpu("Sum", { x: randomTensor(random, shape) }, {
      axis,
      keepDims: false,
    });
    assert.equal(sumPathLog.last, "fallback");
    assert.ok(error <= 1e-5, `shape ${shape} axis ${axis}: error ${error}`);
  }
});
