import assert from "node:assert/strict";
import { holm, logGamma, mcnemar, pairedDifferenceInterval, wilsonInterval } from "./stats.ts";

function near(actual: number, expected: number, tolerance = 1e-12, what = "") {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected}, got ${actual}`,
  );
}

Deno.test("wilsonInterval matches the closed form on hand-computed cases", () => {
  // 8/10: centre (0.8 + z²/20)/(1 + z²/10), half-width z/(1+z²/10)·√(0.016 + z²/400).
  const ci = wilsonInterval(8, 10)!;
  near(ci.lower, 0.49016247153664, 1e-12, "lower");
  near(ci.upper, 0.94331784854562, 1e-12, "upper");
  // 0 successes: lower bound exactly 0, upper z²/(n + z²).
  const zero = wilsonInterval(0, 20)!;
  assert.equal(zero.lower, 0);
  near(zero.upper, 3.841458820694124 / (20 + 3.841458820694124), 1e-12, "upper at 0");
  const all = wilsonInterval(20, 20)!;
  assert.equal(all.upper, 1);
  near(all.lower, 1 - zero.upper, 1e-12, "symmetry");
  assert.equal(wilsonInterval(0, 0), null);
});

Deno.test("logGamma agrees with factorials", () => {
  let logFactorial = 0;
  for (let n = 1; n <= 170; n++) {
    logFactorial += Math.log(n);
    near(logGamma(n + 1), logFactorial, 1e-12 * Math.max(1, logFactorial), `ln ${n}!`);
  }
  near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, "Γ(½)");
});

Deno.test("mcnemar exact and mid-p on hand-computed binomial tails", () => {
  // b=2, c=10: P(X≤2 | n=12) = (1 + 12 + 66)/4096.
  const r = mcnemar(2, 10);
  near(r.pExact, 2 * 79 / 4096, 1e-14, "exact");
  near(r.pMid, 2 * 79 / 4096 - 66 / 4096, 1e-14, "mid-p");
  assert.deepEqual(mcnemar(10, 2), r, "symmetric in b and c");
  assert.deepEqual(mcnemar(0, 0), { discordant: 0, pExact: 1, pMid: 1 });
  // Balanced discordant cells: exact is capped at 1 and mid-p is exactly 1 by symmetry.
  assert.equal(mcnemar(7, 7).pExact, 1);
  near(mcnemar(7, 7).pMid, 1, 1e-12, "balanced mid-p");
  // 0 vs 5: exact 2/32, mid-p 1/32.
  near(mcnemar(0, 5).pExact, 2 / 32, 1e-15, "0 vs 5");
  near(mcnemar(0, 5).pMid, 1 / 32, 1e-15, "0 vs 5 mid");
  // Large tables stay finite and between the tails.
  const big = mcnemar(4800, 5200);
  assert.ok(big.pExact > 0 && big.pExact < 1e-4 && big.pMid < big.pExact);
});

Deno.test("holm reproduces the step-down adjustment by hand", () => {
  assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  // Monotone after sorting and capped at 1.
  assert.deepEqual(holm([0.5, 0.001, 0.6]), [1, 0.003, 1]);
  assert.deepEqual(holm([]), []);
  assert.deepEqual(holm([0.2]), [0.2]);
});

Deno.test("pairedDifferenceInterval reproduces Newcombe (1998) Table II, method 10", () => {
  // Newcombe's cells (e, f, g, h) = (both, first only, second only, neither).
  const cases: [number, number, number, number, number, number][] = [
    [36, 12, 2, 0, 0.0569, 0.3404],
    [18, 12, 2, 18, 0.0562, 0.3290],
    [53, 0, 0, 1, -0.0729, 0.0729],
  ];
  for (const [e, f, g, h, lower, upper] of cases) {
    const ci = pairedDifferenceInterval({
      bothWrong: e,
      onlyAWrong: f,
      onlyBWrong: g,
      bothCorrect: h,
    })!;
    near(ci.lower, lower, 5e-5, `lower of ${[e, f, g, h]}`);
    near(ci.upper, upper, 5e-5, `upper of ${[e, f, g, h]}`);
  }
  assert.equal(
    pairedDifferenceInterval({ bothWrong: 0, onlyAWrong: 0, onlyBWrong: 0, bothCorrect: 0 }),
    null,
  );
});

Deno.test("pairedDifferenceInterval is antisymmetric and contains the estimate", () => {
  const table = { bothCorrect: 900, onlyAWrong: 40, onlyBWrong: 25, bothWrong: 35 };
  const ci = pairedDifferenceInterval(table)!;
  const swapped = pairedDifferenceInterval({ ...table, onlyAWrong: 25, onlyBWrong: 40 })!;
  near(ci.lower, -swapped.upper, 1e-12, "antisymmetric");
  const estimate = (40 - 25) / 1000;
  assert.ok(ci.lower < estimate && estimate < ci.upper);
  // For a large table it approaches the Wald interval on the paired difference.
  const se = Math.sqrt((40 + 25) / 1e6 - estimate * estimate / 1000);
  near(ci.upper - ci.lower, 2 * 1.96 * se, 0.1 * 2 * 1.96 * se, "close to Wald width");
});
