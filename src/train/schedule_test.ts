import assert from "node:assert/strict";
import { learningRateAt } from "./schedule.ts";

const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, b), `${a} ≠ ${b}`);

Deno.test("constant schedule keeps the base rate", () => {
  assert.equal(learningRateAt({ kind: "constant" }, 0.003, 57, 100, 10), 0.003);
});

Deno.test("one-cycle rises from max/25 to max at pctStart, then anneals to max/25e4", () => {
  const s = { kind: "one-cycle", maxLearningRate: 0.01, pctStart: 0.3 } as const;
  close(learningRateAt(s, 0, 0, 100, 10), 0.01 / 25);
  close(learningRateAt(s, 0, 29, 100, 10), 0.01);
  close(learningRateAt(s, 0, 99, 100, 10), 0.01 / 25 / 1e4);
  const rates = Array.from({ length: 100 }, (_, i) => learningRateAt(s, 0, i, 100, 10));
  for (let i = 1; i < 30; i++) assert.ok(rates[i] > rates[i - 1]);
  for (let i = 30; i < 100; i++) assert.ok(rates[i] < rates[i - 1]);
});

Deno.test("cosine warms up linearly then decays to minFactor", () => {
  const s = { kind: "cosine", warmupEpochs: 1, minFactor: 0.1 } as const;
  close(learningRateAt(s, 1, 0, 50, 10), 0.1);
  close(learningRateAt(s, 1, 9, 50, 10), 1);
  close(learningRateAt(s, 1, 10, 50, 10), 1);
  close(learningRateAt(s, 1, 49, 50, 10), 0.1);
});
