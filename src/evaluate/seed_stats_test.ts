import assert from "node:assert/strict";
import { Random } from "../util/random.ts";
import { seedEnsemble, twoLevelBootstrap, welchTest } from "./seed_stats.ts";
import { studyStatistics } from "./study_stats.ts";
import { syntheticStudyRuns } from "./study_testing.ts";

function randomSeeds(random: Random, count: number, items: number, rate: number) {
  return Array.from(
    { length: count },
    () => Uint8Array.from({ length: items }, () => (random.next() < rate ? 1 : 0)),
  );
}

Deno.test("identical seeds give zero between-seed variance, a point t-interval and no Welch p", () => {
  const stats = studyStatistics(
    syntheticStudyRuns({ a: [0.1, 0.1, 0.1], b: [0.2, 0.2, 0.2] }, { seedDependentItems: false }),
    { replicates: 300 },
  );
  for (const s of stats.perArm) {
    assert.equal(s.summary.sd, 0, `${s.arm} ${s.factor} class ${s.class}`);
    assert.equal(s.decomposition.betweenSeed, 0);
    assert.equal(s.summary.ci!.lower, s.summary.mean);
    assert.equal(s.summary.ci!.upper, s.summary.mean);
  }
  const clean = stats.pairs.find((p) => p.kind === "clean" && p.class === null)!;
  assert.equal(clean.welch.p, null);
  assert.ok(clean.bootstrap.pBetter > 0.95, `P(a < b) = ${clean.bootstrap.pBetter}`);
});

Deno.test("swapping A and B gives exactly 1 − P(A < B) and the mirrored interval", () => {
  const random = new Random(99);
  for (let trial = 0; trial < 5; trial++) {
    const a = { name: `a${trial}`, wrong: randomSeeds(random, 3 + trial, 300, 0.1) };
    const b = { name: "b", wrong: randomSeeds(random, 4, 300, 0.11) };
    const ab = twoLevelBootstrap(a, b, { replicates: 1000, seed: trial });
    const ba = twoLevelBootstrap(b, a, { replicates: 1000, seed: trial });
    // The same replicates, mirrored: the counts are complementary (equal up to float rounding).
    assert.equal(Math.round(ba.pBetter * 2000) + Math.round(ab.pBetter * 2000), 2000);
    assert.ok(Math.abs(ba.pBetter - (1 - ab.pBetter)) < 1e-15);
    assert.equal(ba.difference, -ab.difference);
    assert.equal(ba.ci.lower, -ab.ci.upper);
    assert.equal(ba.ci.upper, -ab.ci.lower);
    assert.ok(ab.pBetter > 0 && ab.pBetter < 1, `trial ${trial}: P = ${ab.pBetter}`);
  }
});

Deno.test("the bootstrap is reproducible from its seed and changes with it", () => {
  const random = new Random(5);
  const a = { name: "a", wrong: randomSeeds(random, 3, 200, 0.1) };
  const b = { name: "b", wrong: randomSeeds(random, 3, 200, 0.12) };
  const one = twoLevelBootstrap(a, b, { replicates: 500, seed: 1 });
  assert.deepEqual(twoLevelBootstrap(a, b, { replicates: 500, seed: 1 }), one);
  assert.notDeepEqual(twoLevelBootstrap(a, b, { replicates: 500, seed: 2 }), one);
});

Deno.test("the seed bootstrap interval is wider than the items-only spread when seeds disagree", () => {
  const random = new Random(11);
  // A's seeds differ a lot (5% vs 15%); with one seed per model only items vary.
  const a = {
    name: "a",
    wrong: [randomSeeds(random, 1, 1000, 0.05)[0], randomSeeds(random, 1, 1000, 0.15)[0]],
  };
  const b = { name: "b", wrong: randomSeeds(random, 2, 1000, 0.1) };
  const both = twoLevelBootstrap(a, b, { replicates: 1000 });
  const itemsOnly = twoLevelBootstrap({ name: "a", wrong: [a.wrong[0]] }, {
    name: "b",
    wrong: [b.wrong[0]],
  }, { replicates: 1000 });
  assert.ok(both.se > 2 * itemsOnly.se, `seed-level SE ${both.se} vs items-only ${itemsOnly.se}`);
});

Deno.test("Welch's test is antisymmetric and undefined with one seed", () => {
  const ab = welchTest([0.1, 0.12, 0.11], [0.2, 0.15]);
  const ba = welchTest([0.2, 0.15], [0.1, 0.12, 0.11]);
  assert.equal(ab.p, ba.p);
  assert.equal(ab.t, -ba.t!);
  assert.equal(welchTest([0.1], [0.2, 0.3]).p, null);
});

Deno.test("a seed ensemble of identical seeds equals one seed; averaging can fix a mistake", () => {
  const labels = new Uint8Array([0, 1, 2]);
  const p = new Float32Array([0.6, 0.4, 0, 0.7, 0.3, 0, 0, 0, 1]);
  const one = seedEnsemble([p], labels, 3);
  assert.deepEqual(seedEnsemble([p, p, p], labels, 3).wrong, one.wrong);
  assert.equal(one.wrong, 1);
  const fix = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(seedEnsemble([p, fix], labels, 3).wrong, 0);
});

Deno.test("study statistics: ranking letters and minimax use the means over seeds; ensembles per test set", () => {
  const stats = studyStatistics(
    syntheticStudyRuns({
      good: [0.05, 0.06, 0.05],
      bad: [0.3, 0.32, 0.31],
      mid: [0.05, 0.07, 0.06],
    }),
    { replicates: 300 },
  );
  const ranking = stats.ranking[0];
  assert.deepEqual(ranking.arms, ["good", "mid", "bad"]);
  assert.equal(ranking.letters[0], ranking.letters[1]); // good and mid do not differ
  assert.notEqual(ranking.letters[2], ranking.letters[0]);
  assert.equal(stats.minimax.selected, "good");
  assert.equal(stats.ensembles.length, 3);
  assert.equal(stats.mcnemar.length, 3 * 3); // 3 pairs × 3 shared seeds
  const perClass = stats.perArm.filter((s) => s.arm === "good" && s.class !== null);
  assert.equal(perClass.length, 2 * 10); // every class, clean and corrupted
  const classPairs = stats.pairs.filter((p) => p.class !== null);
  assert.ok(classPairs.length === 3 * 10 && classPairs.every((p) => p.kind === "clean"));
  const corrupted = stats.pairs.filter((p) => p.kind === "corruption");
  assert.equal(corrupted.length, 3);
});
