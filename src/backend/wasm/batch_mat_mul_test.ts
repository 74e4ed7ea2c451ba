import assert from "node:assert/strict";
import { Random } from "../../util/random.ts";
import { matMulPathLog } from "./batch_mat_mul.ts";
import { compareWithCpu, randomInt, randomTensor } from "./testing.ts";

Deno.test("BatchMatMul with transposed operands on wasm matches cpu", async () => {
  const random = new Random(41);
  for (const [transposeA, transposeB] of [[true, false], [false, true], [true, true]]) {
    for (let i = 0; i < 4; i++) {
      const batch = randomInt(random, 1, 3), m = randomInt(random, 1, 40);
      const k = randomInt(random, 1, 40), n = randomInt(random, 1, 40);
      const a = randomTensor(random, transposeA ? [batch, k, m] : [batch, m, k]);
      const b = randomTensor(random, transposeB ? [batch, n, k] : [batch, k, n]);
      const error = await compareWithCpu("BatchMatMul", { a, b }, { transposeA, transposeB });
      assert.equal(matMulPathLog.last, "transposed-first");
      assert.ok(error <= 1e-5, `tA ${transposeA} tB ${transposeB} ${[batch, m, k, n]}: ${error}`);
    }
  }
  const error = await compareWithCpu("BatchMatMul", {
    a: randomTensor(random, [2, 3, 4]),
    b: randomTensor(random, [2, 4, 5]),
  }, { transposeA: false, transposeB: false });
  assert.equal(matMulPathLog.last, "direct");
  assert.ok(error <= 1e-5);
});

Deno.test("_FusedMatMul with a transposed operand, bias and relu on wasm matches cpu", async () => {
  const random = new Random(42);
  const error = await compareWithCpu("_FusedMatMul", {
    a: randomTensor(random, [1, 7, 5]),
    b: randomTensor(random, [1, 6, 7]),
    bias: randomTensor(random, [6]),
  }, { transposeA: true, transposeB: true, activation: "relu", leakyreluAlpha: 0 });
  assert.equal(matMulPathLog.last, "transposed-first");
  assert.ok(error <= 1e-5, `error ${error}`);
});
