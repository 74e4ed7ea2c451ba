import assert from "node:assert/strict";
import {
  classificationReport,
  confusionCounts,
  confusionMatrix,
  crossEntropy,
  decide,
  overallMetrics,
} from "./metrics.ts";
import { calibration } from "./calibration.ts";

Deno.test("decide takes the arg-max with the lowest index on ties and reuses buffers", () => {
  const probs = new Float32Array([0.1, 0.7, 0.2, 0.4, 0.4, 0.2, 0, 0, 1]);
  const into = { predicted: new Uint8Array(3), confidence: new Float32Array(3) };
  const d = decide(probs, 3, 3, into);
  assert.equal(d.predicted, into.predicted);
  assert.deepEqual([...d.predicted], [1, 0, 2]);
  assert.deepEqual([...d.confidence], [Math.fround(0.7), Math.fround(0.4), 1]);
});

Deno.test("crossEntropy is the mean −ln p(true) with clipping", () => {
  const probs = new Float32Array([0.25, 0.75, 1, 0]);
  const loss = crossEntropy(probs, new Uint8Array([1, 1]), 2);
  assert.ok(Math.abs(loss - (-Math.log(Math.fround(0.75)) - Math.log(1e-7)) / 2) < 1e-9);
});

Deno.test("overallMetrics counts correct items and gives Wilson intervals", () => {
  const m = overallMetrics(new Uint8Array([0, 1, 2, 3]), new Uint8Array([0, 1, 2, 0]), 0.1);
  assert.equal(m.n, 4);
  assert.equal(m.correct, 3);
  assert.equal(m.accuracy, 0.75);
  assert.equal(m.misclassification, 0.25);
  assert.ok(m.misclassificationCi.lower < 0.25 && m.misclassificationCi.upper > 0.25);
  assert.ok(Math.abs(m.accuracyCi.lower - (1 - m.misclassificationCi.upper)) < 1e-12);
});

Deno.test("confusion counts, report and top pairs on a hand-computed 3-class case", () => {
  const labels = new Uint8Array([0, 0, 0, 1, 1, 2, 2, 2, 2]);
  const predicted = new Uint8Array([0, 0, 1, 1, 2, 2, 2, 1, 1]);
  const counts = confusionCounts(labels, predicted, 3);
  assert.deepEqual(counts, [[2, 1, 0], [0, 1, 1], [0, 2, 2]]);
  const report = classificationReport(counts, ["zero", "one", "two"]);
  const [c0, c1, c2] = report.classes;
  assert.deepEqual([c0.precision, c0.recall, c0.support, c0.predictedCount], [1, 2 / 3, 3, 2]);
  assert.ok(Math.abs(c0.f1 - 0.8) < 1e-12);
  assert.deepEqual([c1.precision, c1.recall], [0.25, 0.5]);
  assert.ok(Math.abs(c1.f1 - 1 / 3) < 1e-12);
  assert.deepEqual([c2.precision, c2.recall, c2.name], [2 / 3, 0.5, "two"]);
  assert.ok(Math.abs(report.accuracy - 5 / 9) < 1e-12);
  assert.ok(Math.abs(report.macro.precision - (1 + 0.25 + 2 / 3) / 3) < 1e-12);
  assert.ok(Math.abs(report.weighted.recall - report.accuracy) < 1e-12, "weighted recall = acc");
  assert.equal(c2.misclassification, 0.5);
  const matrix = confusionMatrix(counts, 2);
  assert.deepEqual(matrix.normalized[1], [0, 0.5, 0.5]);
  assert.deepEqual(matrix.topPairs, [
    { trueLabel: 2, predicted: 1, count: 2, rate: 0.5 },
    { trueLabel: 0, predicted: 1, count: 1, rate: 1 / 3 },
  ]);
});

Deno.test("classes never predicted or never seen score 0, like sklearn's zero_division", () => {
  const counts = confusionCounts(new Uint8Array([0, 0, 1]), new Uint8Array([0, 0, 0]), 3);
  const report = classificationReport(counts, ["a", "b", "c"]);
  assert.deepEqual(
    report.classes.map((c) => [c.precision, c.recall, c.f1, c.support]),
    [[2 / 3, 1, 0.8, 2], [0, 0, 0, 1], [0, 0, 0, 0]],
  );
  assert.equal(report.classes[2].misclassification, null);
  assert.equal(report.classes[2].misclassificationCi, null);
  assert.ok(Math.abs(report.macro.f1 - 0.8 / 3) < 1e-12, "macro includes empty classes");
  assert.ok(Math.abs(report.weighted.f1 - 1.6 / 3) < 1e-12);
  assert.throws(() => confusionCounts(new Uint8Array([3]), new Uint8Array([0]), 3), RangeError);
});

Deno.test("calibration bins are right-closed and ECE is the weighted gap", () => {
  const confidence = new Float32Array([0.9, 0.9, 0.5, 0.1, 0]);
  const correct = new Uint8Array([1, 0, 1, 0, 0]);
  const c = calibration(confidence, correct, 5);
  // Exactly on an edge (0.4 = 2/5 in float64) goes to the lower bin.
  assert.equal(
    calibration(new Float64Array([0.4]), new Uint8Array([1]), 5)
      .reliability[1].count,
    1,
  );
  assert.deepEqual(c.reliability.map((b) => b.count), [2, 0, 1, 0, 2]);
  assert.equal(c.reliability[1].meanConfidence, null);
  const f = Math.fround;
  const expected = (2 / 5) * f(0.1) / 2 + (1 / 5) * 0.5 + (2 / 5) * Math.abs(0.5 - f(0.9));
  assert.ok(Math.abs(c.ece - expected) < 1e-7, `${c.ece} vs ${expected}`);
  assert.ok(Math.abs(c.mce - 0.5) < 1e-7);
  assert.ok(Math.abs(c.meanConfidenceCorrect! - (f(0.9) + 0.5) / 2) < 1e-7);
  assert.ok(Math.abs(c.meanConfidenceWrong! - (f(0.9) + f(0.1)) / 3) < 1e-7);
  // A perfectly calibrated set: confidence 1, all correct.
  assert.equal(calibration(new Float32Array([1, 1]), new Uint8Array([1, 1])).ece, 0);
});
