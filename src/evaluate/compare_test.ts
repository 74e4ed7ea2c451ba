import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { compare } from "./compare.ts";
import { compactLetters } from "./letters.ts";
import { evaluate } from "./runner.ts";
import { errorOverlap, minimax } from "./selection.ts";
import { mcnemar } from "./stats.ts";
import { codedClassifier, codedDigits, shiftLabels } from "../testing.ts";

Deno.test("compactLetters follows the insert-absorb rule", () => {
  assert.deepEqual(compactLetters(3, () => false), ["a", "a", "a"]);
  assert.deepEqual(compactLetters(3, () => true), ["a", "b", "c"]);
  assert.deepEqual(compactLetters(3, (i, j) => i === 0 && j === 2), ["a", "ab", "b"]);
  // 0 and 1 differ from 3; 2 differs from nobody.
  assert.deepEqual(compactLetters(4, (i, j) => j === 3 && i < 2), ["a", "a", "ab", "b"]);
  assert.deepEqual(compactLetters(0, () => true), []);
  assert.equal(compactLetters(30, () => true)[27], "ab");
});

Deno.test("minimax picks the lowest worst case, ties by spread", () => {
  const s = minimax({
    a: { mnist: 0.01, emnist: 0.2 },
    b: { mnist: 0.02, emnist: 0.1 },
    c: { mnist: 0.1, emnist: 0.1 },
  });
  assert.equal(s.selected, "c");
  const b = s.entries.find((e) => e.model === "b")!;
  assert.deepEqual([b.worst, b.worstTestSet, b.best, b.bestTestSet], [
    0.1,
    "emnist",
    0.02,
    "mnist",
  ]);
  assert.ok(Math.abs(b.spread - 0.08) < 1e-15);
  assert.deepEqual(s.testSets, ["mnist", "emnist"]);
});

Deno.test("errorOverlap counts shared errors, the vote and the oracle by hand", () => {
  const labels = new Uint8Array([0, 1, 2, 3, 4]);
  const o = errorOverlap([[0, 1, 9, 9, 4], [0, 7, 9, 3, 8], [5, 1, 9, 6, 4]], labels, 10);
  assert.deepEqual(o.wrongBy, [0, 3, 1, 1]);
  assert.deepEqual(o.shared, [[2, 1, 2], [1, 3, 1], [2, 1, 3]]);
  assert.equal(o.jaccard[0][1], 1 / 4);
  assert.equal(o.oracleError, 1 / 5);
  // item 2: all vote 9 (wrong); item 3: 9, 3, 6 tie → best model (0, 2 errors) says 9.
  assert.equal(o.ensembleError, 2 / 5);
  assert.equal(o.bestSingleError, 2 / 5);
});

Deno.test("compare runs McNemar per condition, class and pooled corruption", async () => {
  const set = codedDigits(40);
  const models = [
    codedClassifier("reader"),
    codedClassifier("confuser", { 3: 5 }),
    codedClassifier("mixer", { 3: 5, 7: 1 }),
  ];
  const conditions = [
    { kind: "clean" as const, factor: "clean", level: 0 },
    { kind: "corruption" as const, factor: "shift", level: 1 },
    { kind: "corruption" as const, factor: "shift", level: 3 },
  ];
  const result = await evaluate(models, [set], { conditions, render: shiftLabels, progress: null });
  const comparison = compare(result);
  assert.deepEqual(comparison.models, ["reader", "confuser", "mixer"]);
  assert.equal(comparison.method, "midp");
  const clean = comparison.pairwise.find((f) => f.factor === "clean" && f.classLabel === null)!;
  const rc = clean.tests.find((t) => t.modelA === "reader" && t.modelB === "confuser")!;
  assert.deepEqual([rc.onlyAWrong, rc.onlyBWrong, rc.bothWrong, rc.bothCorrect], [0, 4, 0, 36]);
  assert.equal(rc.pExact, mcnemar(0, 4).pExact);
  assert.equal(rc.pExact, 2 / 16);
  assert.equal(rc.difference, -0.1);
  assert.ok(rc.differenceCi.lower < -0.1 && rc.differenceCi.upper > -0.1);
  // Holm over the three pairs: mid-p values 1/16 (r–c), 1/256 (r–m), 1/16 (c–m).
  const rm = clean.tests.find((t) => t.modelB === "mixer" && t.modelA === "reader")!;
  assert.equal(rm.pMid, mcnemar(0, 8).pMid);
  assert.equal(rm.pMidHolm, 3 * rm.pMid);
  assert.equal(rc.pMidHolm, Math.max(2 * rc.pMid, 3 * rm.pMid));
  const perClass = comparison.pairwise.filter((f) => f.factor === "clean" && f.classLabel !== null);
  assert.equal(perClass.length, 10);
  const three = perClass.find((f) => f.classLabel === 3)!.tests[0];
  assert.deepEqual([three.n, three.onlyBWrong], [4, 4]);
  const pooled = comparison.pairwise.find((f) => f.factor === "shift" && f.level === null)!;
  assert.equal(pooled.tests[0].n, 80);

  const ranking = comparison.rankings.find((r) => r.factor === "clean")!;
  assert.deepEqual(ranking.rows.map((r) => r.model), ["reader", "confuser", "mixer"]);
  assert.deepEqual(ranking.rows.map((r) => r.letters), ["a", "ab", "b"]);
  const overlap = comparison.overlap.find((o) => o.factor === "clean")!;
  assert.equal(overlap.oracleError, 0);
  assert.equal(overlap.ensembleError, 0.1); // confuser and mixer outvote the reader on threes
  assert.equal(comparison.minimax.selected, "reader");
  assert.deepEqual(JSON.parse(JSON.stringify(comparison)), comparison);
});

Deno.test("compare joins separate evaluations of the same items and rejects other items", async () => {
  const set = codedDigits(20);
  const a = await evaluate([codedClassifier("a")], [set], { progress: null });
  const b = await evaluate([codedClassifier("b", { 1: 2 })], [set], { progress: null });
  const joined = compare([a, b], { method: "exact" });
  assert.deepEqual(joined.models, ["a", "b"]);
  assert.equal(joined.pairwise[0].tests[0].onlyBWrong, 2);
  const other = await evaluate([codedClassifier("c")], [set], { progress: null, limit: 10 });
  assert.throws(() => compare([a, other]), UsageError);
  assert.throws(() => compare([a, a]), UsageError);
});

Deno.test("a sweep and a corruption with the same factor name stay separate", async () => {
  const conditions = [
    { kind: "clean" as const, factor: "clean", level: 0 },
    { kind: "sweep" as const, factor: "shift", level: 1 },
    { kind: "corruption" as const, factor: "shift", level: 1 },
  ];
  const models = [codedClassifier("a"), codedClassifier("b", { 1: 2 })];
  const result = await evaluate(models, [codedDigits(20)], {
    conditions,
    render: shiftLabels,
    progress: null,
  });
  const comparison = compare(result);
  const shifted = comparison.rankings.filter((r) => r.factor === "shift");
  assert.deepEqual(shifted.map((r) => r.kind).sort(), ["corruption", "sweep"]);
  assert.equal(result.sweeps.length, 2);
  assert.equal(result.robustness[0].corruptions[0].severities.length, 1);
});
