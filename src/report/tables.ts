/**
 * The quantitative tables of cards and comparison reports, as document blocks. Every rate comes
 * with its 95% interval and n.
 *
 * @module
 */
import type {
  ConditionResult,
  EvaluationResult,
  RobustnessSummary,
  SweepCurve,
} from "../evaluate/types.ts";
import { corruptionTable as corruptionCatalog } from "../augment/corruptions.ts";
import { factorName } from "../plots/degradation.ts";
import { type Block, table } from "./document.ts";
import { tableBlock } from "./table.ts";
import { count, percent, rateWithInterval } from "./format.ts";

/**
 * Overall metrics per test set (clean): accuracy, misclassification with intervals, loss, ECE, n.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { overallTable } from "./tables.ts";
 * strictEqual(overallTable([]).kind, "table");
 * ```
 */
export function overallTable(
  results: ConditionResult[],
  by: "model" | "testSet" = "testSet",
): Block {
  return table(
    [
      by === "model" ? "model" : "test set",
      "n",
      "accuracy [95% CI]",
      "misclassification [95% CI]",
      "loss",
      "ECE",
      "macro F1",
    ],
    results.map((r) => [
      by === "model" ? r.model : r.testSet,
      count(r.overall.n),
      rateWithInterval(r.overall.accuracy, r.overall.accuracyCi),
      rateWithInterval(r.overall.misclassification, r.overall.misclassificationCi),
      r.overall.loss.toFixed(4),
      percent(r.calibration.ece),
      r.report.macro.f1.toFixed(4),
    ]),
  );
}

/**
 * Per-class precision, recall, F1, misclassification with interval, support.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { perClassTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(perClassTable(evaluation.conditions[0]).kind, "table");
 * ```
 */
export function perClassTable(result: ConditionResult): Block {
  const rows = result.report.classes.map((c) => [
    c.name,
    c.precision.toFixed(4),
    c.recall.toFixed(4),
    c.f1.toFixed(4),
    rateWithInterval(c.misclassification, c.misclassificationCi),
    count(c.support),
  ]);
  const avg = (
    name: string,
    a: { precision: number; recall: number; f1: number; support: number },
  ) => [
    name,
    a.precision.toFixed(4),
    a.recall.toFixed(4),
    a.f1.toFixed(4),
    "",
    count(a.support),
  ];
  rows.push(avg("macro avg", result.report.macro), avg("weighted avg", result.report.weighted));
  return table(
    ["class", "precision", "recall", "F1", "misclassification [95% CI]", "support (n)"],
    rows,
  );
}

/**
 * The most frequent confusions: true → predicted, count, share of the true class.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { confusionPairsTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(confusionPairsTable(evaluation.conditions[0]).kind, "table");
 * ```
 */
export function confusionPairsTable(result: ConditionResult, top = 8): Block {
  const names = result.report.classes.map((c) => c.name);
  return table(
    ["true", "predicted", "items", "share of true class"],
    result.confusion.topPairs.slice(0, top).map((p) => [
      names[p.trueLabel],
      names[p.predicted],
      count(p.count),
      percent(p.rate),
    ]),
  );
}

/**
 * One sweep's levels as rows, models as columns: misclassification [CI].
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sweepTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(sweepTable(evaluation.sweeps.slice(0, 1)).kind, "table");
 * ```
 */
export function sweepTable(curves: SweepCurve[]): Block {
  const levels = curves[0]?.levels ?? [];
  return table(
    [
      `${factorName(curves[0]?.factor ?? "")}: ${curves[0]?.unit ?? "level"}`,
      ...curves.map((c) => c.model),
    ],
    levels.map((level, i) => [
      String(level),
      ...curves.map((c) => rateWithInterval(c.misclassification[i], c.misclassificationCi[i], 1)),
    ]),
  );
}

/**
 * Corruption errors of one model: error at each severity, mean, CE, relative CE.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(corruptionTable(evaluation.robustness[0]).kind, "table");
 * ```
 */
export function corruptionTable(summary: RobustnessSummary): Block {
  const severities = summary.corruptions[0]?.severities ?? [];
  return table(
    ["corruption", ...severities.map((s) => `severity ${s}`), "mean", "CE", "relative CE"],
    summary.corruptions.map((c) => [
      factorName(c.corruption),
      ...c.errors.map((e) => percent(e, 1)),
      percent(c.meanError, 1),
      c.ce === null ? "—" : c.ce.toFixed(3),
      c.relativeCe === null ? "—" : c.relativeCe.toFixed(3),
    ]),
  );
}

/**
 * Robustness summary per model: clean error, mean corruption error, mCE, relative mCE.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { robustnessTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(robustnessTable(evaluation.robustness, 50).kind, "table");
 * ```
 */
export function robustnessTable(summaries: RobustnessSummary[], n: number): Block {
  return tableBlock(summaries.map((s) => ({ ...s, n })), [
    { key: "model" },
    { key: "cleanError", title: "clean error", format: "percent" },
    { key: "meanCorruptionError", title: "mean corruption error", format: "percent" },
    { key: "mCE", format: "number", digits: 3 },
    { key: "relativeMCE", title: "relative mCE", format: "number", digits: 3 },
    { key: "n", title: "n per condition", format: "count" },
  ]);
}

/**
 * Calibration summary per model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { calibrationTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(calibrationTable(evaluation.conditions.slice(0, 1)).kind, "table");
 * ```
 */
export function calibrationTable(results: ConditionResult[]): Block {
  return table(
    ["model", "ECE (15 bins)", "MCE", "mean confidence", "… when correct", "… when wrong", "n"],
    results.map((r) => [
      r.model,
      percent(r.calibration.ece),
      percent(r.calibration.mce),
      percent(r.calibration.meanConfidence),
      percent(r.calibration.meanConfidenceCorrect),
      percent(r.calibration.meanConfidenceWrong),
      count(r.overall.n),
    ]),
  );
}

/**
 * Test sets with source, checksum and size.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { testSetTable } from "./tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(testSetTable(evaluation).kind, "table");
 * ```
 */
export function testSetTable(evaluation: EvaluationResult): Block {
  return table(
    ["test set", "items evaluated", "items in set", "source", "sha256"],
    evaluation.testSets.map((t) => [
      t.name,
      count(t.count),
      count(t.totalCount),
      t.source,
      `\`${t.checksum.slice(0, 16)}…\``,
    ]),
  );
}

/**
 * What each evaluated corruption does and its parameters at every severity (from
 * `src/augment`), with the severity that matches the published MNIST-C data.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionParameterTable } from "./tables.ts";
 * strictEqual(corruptionParameterTable(["fog"]).kind, "table");
 * ```
 */
export function corruptionParameterTable(corruptions: string[]): Block {
  const rows = corruptionCatalog().filter((r) => corruptions.includes(r.name));
  return table(
    ["corruption", "what it does", "MNIST-C level", "1", "2", "3", "4", "5"],
    rows.map((r) => [
      factorName(r.name),
      r.description,
      r.mnistc,
      r.severity1,
      r.severity2,
      r.severity3,
      r.severity4,
      r.severity5,
    ]),
    ["left", "left", "left", "left", "left", "left", "left", "left"],
  );
}

/**
 * The confusions that grow most under the conditions evaluated (largest increase first).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { confusionShiftTable } from "./tables.ts";
 * strictEqual(confusionShiftTable([], ["0"]).kind, "table");
 * ```
 */
export function confusionShiftTable(
  shifts: EvaluationResult["confusionShifts"],
  classNames: string[],
  top = 10,
): Block {
  const rows = shifts.flatMap((s) => s.shifts.map((e) => ({ s, e })))
    .sort((a, b) => b.e.delta - a.e.delta).slice(0, top);
  return table(
    ["condition", "true", "predicted", "clean rate", "rate under condition", "change"],
    rows.map(({ s, e }) => [
      `${factorName(s.factor)} ${s.level} (${s.testSet})`,
      classNames[e.trueLabel] ?? String(e.trueLabel),
      classNames[e.predicted] ?? String(e.predicted),
      percent(e.cleanRate, 1),
      percent(e.conditionRate, 1),
      `+${(100 * e.delta).toFixed(1)} pp`,
    ]),
  );
}
