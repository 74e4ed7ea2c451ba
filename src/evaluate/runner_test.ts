import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { classificationReport, confusionCounts } from "./metrics.ts";
import { evaluate, type ItemPredictions } from "./runner.ts";
import { resolveSuite } from "./suites.ts";
import { codedClassifier, codedDigits, shiftLabels } from "../testing.ts";
import type { Condition, EvaluationResult } from "./types.ts";

const catalog = {
  sweeps: [{ factor: "recode", unit: "tenths", levels: [0, 2, 5, 10] }],
  corruptions: ["shift"],
  severities: [1, 2, 3, 4, 5],
};
const conditions = resolveSuite("default", catalog).conditions;
const reader = codedClassifier("reader");
const confuser = codedClassifier("confuser", { 3: 5 }, 0.6);

async function run(batchSize: number, sink?: ItemPredictions[]): Promise<EvaluationResult> {
  return await evaluate([reader, confuser], [codedDigits(40)], {
    conditions,
    render: shiftLabels,
    units: { recode: "tenths" },
    baseline: "reader",
    batchSize,
    progress: null,
    suite: "default",
    onPredictions: (p) => {
      sink?.push({
        ...p,
        predicted: p.predicted.slice(),
        confidence: p.confidence.slice(),
      });
    },
  });
}

Deno.test("evaluate measures known error rates on coded digits", async () => {
  const result = await run(16);
  assert.equal(result.conditions.length, conditions.length * 2);
  const find = (model: string, c: Partial<Condition>) =>
    result.conditions.find((r) =>
      r.model === model && r.factor === (c.factor ?? "clean") && r.level === (c.level ?? 0)
    )!;
  const clean = find("confuser", {});
  assert.equal(clean.overall.accuracy, 0.9); // the 4 threes read as fives
  assert.equal(clean.report.classes[3].recall, 0);
  assert.equal(clean.report.classes[5].precision, 0.5);
  assert.deepEqual(clean.confusion.topPairs[0], { trueLabel: 3, predicted: 5, count: 4, rate: 1 });
  assert.equal(clean.misclassifiedCount, 4);
  assert.deepEqual(clean.misclassified.map((m) => m.id), [1003, 1013, 1023, 1033]);
  assert.ok(Math.abs(clean.misclassified[0].confidence - 0.6) < 1e-6);
  assert.ok(Math.abs(clean.overall.loss - (-0.9 * Math.log(0.6) - 0.1 * Math.log(0.4 / 9))) < 1e-6);
  assert.ok(Math.abs(clean.calibration.ece - 0.3) < 1e-6, "all at 0.6 confidence, 90% right");
  assert.equal(find("reader", {}).overall.misclassification, 0);
  for (let s = 1; s <= 5; s++) {
    assert.ok(
      Math.abs(find("reader", { factor: "shift", level: s }).overall.misclassification - s / 10) <
        1e-12,
    );
  }
  const curve = result.sweeps.find((s) => s.model === "reader" && s.factor === "recode")!;
  assert.deepEqual(curve.levels, [0, 2, 5, 10]);
  assert.deepEqual(curve.misclassification, [0, 0.2, 0.5, 1]);
  assert.equal(curve.unit, "tenths");
  assert.equal(curve.perClass[0][1], 0.25); // items 0..7 recoded: one of the four zeros
  assert.equal(curve.perClass[9][1], 0);
});

Deno.test("evaluate derives CE, mCE and relative mCE against the baseline", async () => {
  const result = await run(1000);
  const reader = result.robustness.find((r) => r.model === "reader")!;
  const confuser = result.robustness.find((r) => r.model === "confuser")!;
  assert.equal(reader.mCE, 1);
  assert.equal(reader.relativeMCE, 1);
  assert.ok(Math.abs(reader.meanCorruptionError - 0.3) < 1e-12);
  // Recoding items 0..4s−1 (labels 0..) moves 2→3 and 3→4: the confuser gains errors on 2s,
  // loses its 3→5 mistakes where threes were recoded. Check against the definitions directly.
  const errs = confuser.corruptions[0].errors;
  const ce = errs.reduce((a, b) => a + b) / (0.1 + 0.2 + 0.3 + 0.4 + 0.5);
  assert.ok(Math.abs(confuser.mCE! - ce) < 1e-12);
  const rel = errs.reduce((a, e) => a + e - 0.1, 0) / (0.1 + 0.2 + 0.3 + 0.4 + 0.5);
  assert.ok(Math.abs(confuser.relativeMCE! - rel) < 1e-12);
  const heat = result.classByCorruption.find((m) => m.model === "reader")!;
  assert.deepEqual(heat.corruptions, ["shift"]);
  assert.deepEqual(heat.cleanErrors, new Array(10).fill(0));
  const shift = result.confusionShifts.find((s) =>
    s.model === "reader" && s.factor === "shift" && s.level === 5
  )!;
  assert.deepEqual(shift.shifts[0], {
    trueLabel: 0,
    predicted: 1,
    cleanRate: 0,
    conditionRate: 0.5,
    delta: 0.5,
  });
});

Deno.test("per-item predictions recompute every metric and do not depend on batch size", async () => {
  const items: ItemPredictions[] = [];
  const small = await run(7, items);
  const large = await run(1000);
  assert.equal(items.length, small.conditions.length);
  for (const [i, c] of small.conditions.entries()) {
    const p = items[i];
    assert.equal(p.model, c.model);
    const report = classificationReport(
      confusionCounts(p.labels, p.predicted, 10),
      c.report.classes.map((m) => m.name),
    );
    assert.deepEqual(report, c.report);
    assert.deepEqual(c, large.conditions[i]);
    assert.deepEqual(small.predictions[i].predicted, Array.from(p.predicted));
  }
  assert.deepEqual(small.testSets, large.testSets);
  assert.equal(small.testSets[0].ids[0], 1000);
  assert.equal(small.metadata.suite, "default");
  assert.equal(small.models[0].name, "reader");
  const roundTrip = JSON.parse(JSON.stringify(small));
  assert.deepEqual(roundTrip.conditions, small.conditions, "plain JSON");
});

Deno.test("evaluate rejects unusable input with user errors", async () => {
  const unlabeled = codedDigits(5);
  unlabeled.labels[2] = 255;
  await assert.rejects(() => evaluate([reader], [unlabeled], { progress: null }), UsageError);
  await assert.rejects(
    () => evaluate([reader], [codedDigits(5)], { progress: null, conditions }),
    UsageError,
  );
  await assert.rejects(
    () => evaluate([reader, reader], [codedDigits(5)], { progress: null }),
    UsageError,
  );
  const limited = await evaluate([reader], [codedDigits(50)], { progress: null, limit: 12 });
  assert.equal(limited.testSets[0].count, 12);
  assert.equal(limited.testSets[0].totalCount, 50);
});

Deno.test("evaluate reports progress through the given writer", async () => {
  const lines: string[] = [];
  await evaluate([reader], [codedDigits(10)], { progress: (t) => lines.push(t) });
  assert.ok(lines.length >= 1);
  assert.match(lines.at(-1)!, /eval .* 10\/10/);
});

Deno.test("evaluate records how each model's predict ran, when the classifier says", async () => {
  const compiled = { ...codedClassifier("compiled"), engine: "graph" };
  const result = await evaluate([compiled, reader], [codedDigits(10)], { progress: null });
  assert.equal(result.models[0].inferenceEngine, "graph");
  assert.equal("inferenceEngine" in result.models[1], false);
});
