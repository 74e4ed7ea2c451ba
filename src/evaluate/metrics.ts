/**
 * Classification metrics over typed arrays: decisions from probabilities, loss, accuracy,
 * confusion matrix and scikit-learn's classification report. Pure functions.
 *
 * @module
 */
import { wilsonInterval } from "./stats.ts";
import type {
  AveragedMetrics,
  ClassificationReport,
  ClassMetrics,
  ConfusionMatrix,
  ConfusionPair,
  OverallMetrics,
} from "./types.ts";

/** Per-item decisions taken from a probability matrix. */
export interface Decisions {
  /** Arg-max class per item (lowest index on ties, like `numpy.argmax`). */
  predicted: Uint8Array;
  /** Probability of the predicted class. */
  confidence: Float32Array;
}

/**
 * Arg-max class and its probability for each row of a `count × classCount` probability matrix.
 * Writes into `into` when given, so a runner can reuse its buffers.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decide } from "./metrics.ts";
 * const d = decide(new Float32Array([0.2, 0.8, 0.6, 0.4]), 2, 2);
 * deepStrictEqual([...d.predicted], [1, 0]);
 * ```
 */
export function decide(
  probabilities: Float32Array,
  count: number,
  classCount: number,
  into?: Decisions,
): Decisions {
  const predicted = into?.predicted ?? new Uint8Array(count);
  const confidence = into?.confidence ?? new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const row = i * classCount;
    let best = 0;
    let bestValue = probabilities[row];
    for (let k = 1; k < classCount; k++) {
      const v = probabilities[row + k];
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    predicted[i] = best;
    confidence[i] = bestValue;
  }
  return { predicted, confidence };
}

/**
 * Smallest probability the loss takes the log of (Keras' epsilon).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { LOSS_EPSILON } from "./metrics.ts";
 * strictEqual((-Math.log(LOSS_EPSILON)).toFixed(1), "16.1"); // the largest loss one item can add
 * ```
 */
export const LOSS_EPSILON = 1e-7;

/**
 * Mean cross-entropy −ln p(true class), with probabilities clipped to [1e-7, 1].
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { crossEntropy } from "./metrics.ts";
 * strictEqual(crossEntropy(new Float32Array([0.5, 0.5]), new Uint8Array([0]), 2), Math.LN2);
 * ```
 */
export function crossEntropy(
  probabilities: Float32Array,
  labels: Uint8Array,
  classCount: number,
): number {
  if (labels.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i * classCount + labels[i]];
    sum -= Math.log(Math.min(1, Math.max(LOSS_EPSILON, p)));
  }
  return sum / labels.length;
}

/**
 * Accuracy and misclassification with Wilson intervals, plus the given loss.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { overallMetrics } from "./metrics.ts";
 * const m = overallMetrics(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 0]), 0.5);
 * strictEqual(m.accuracy, 2 / 3);
 * ```
 */
export function overallMetrics(
  labels: Uint8Array,
  predicted: Uint8Array,
  loss: number,
): OverallMetrics {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) if (labels[i] === predicted[i]) correct++;
  const accuracy = n > 0 ? correct / n : 0;
  const fallback = { lower: 0, upper: 1 };
  return {
    n,
    correct,
    accuracy,
    accuracyCi: wilsonInterval(correct, n) ?? fallback,
    misclassification: n > 0 ? (n - correct) / n : 0,
    misclassificationCi: wilsonInterval(n - correct, n) ?? fallback,
    loss,
  };
}

/**
 * Confusion counts `[true][predicted]` over classes 0…classCount−1; items with a label or
 * prediction outside that range are an error.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { confusionCounts } from "./metrics.ts";
 * deepStrictEqual(confusionCounts(new Uint8Array([0, 1, 1]), new Uint8Array([0, 0, 1]), 2), [
 *   [1, 0],
 *   [1, 1],
 * ]);
 * ```
 */
export function confusionCounts(
  labels: Uint8Array,
  predicted: Uint8Array,
  classCount: number,
): number[][] {
  if (labels.length !== predicted.length) {
    throw new RangeError(`${labels.length} labels but ${predicted.length} predictions`);
  }
  const flat = new Float64Array(classCount * classCount);
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i], p = predicted[i];
    if (t >= classCount || p >= classCount) {
      throw new RangeError(`item ${i}: label ${t} / prediction ${p} outside 0…${classCount - 1}`);
    }
    flat[t * classCount + p]++;
  }
  return Array.from(
    { length: classCount },
    (_, t) => Array.from(flat.subarray(t * classCount, (t + 1) * classCount)),
  );
}

/** sklearn's zero_division="warn": an undefined ratio counts as 0. */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Per-class precision, recall, F1 and support with macro and weighted averages, exactly as
 * scikit-learn's `classification_report(..., labels=range(K), output_dict=True)` computes them
 * (undefined precision/recall/F1 count as 0).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { classificationReport } from "./metrics.ts";
 * const r = classificationReport([[2, 0], [1, 1]], ["a", "b"]);
 * strictEqual(r.classes[0].precision, 2 / 3);
 * strictEqual(r.macro.f1.toFixed(3), "0.733");
 * ```
 */
export function classificationReport(
  counts: number[][],
  classNames: readonly string[],
): ClassificationReport {
  const k = counts.length;
  let total = 0, correct = 0;
  const classes: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    let support = 0, predictedCount = 0;
    for (let j = 0; j < k; j++) {
      support += counts[c][j];
      predictedCount += counts[j][c];
    }
    const tp = counts[c][c];
    total += support;
    correct += tp;
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    classes.push({
      label: c,
      name: classNames[c] ?? String(c),
      precision,
      recall,
      f1: ratio(2 * precision * recall, precision + recall),
      support,
      predictedCount,
      misclassification: support > 0 ? (support - tp) / support : null,
      misclassificationCi: wilsonInterval(support - tp, support),
    });
  }
  const average = (weight: (m: ClassMetrics) => number): AveragedMetrics => {
    const weights = classes.map(weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const mean = (key: "precision" | "recall" | "f1") =>
      ratio(classes.reduce((acc, m, i) => acc + m[key] * weights[i], 0), sum);
    return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: total };
  };
  return {
    classes,
    accuracy: ratio(correct, total),
    macro: average(() => 1),
    weighted: average((m) => m.support),
  };
}

/**
 * Confusion matrix with row-normalised rates and the `top` most frequent confusions.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { confusionMatrix } from "./metrics.ts";
 * const m = confusionMatrix([[3, 1], [2, 4]], 1);
 * deepStrictEqual(m.topPairs[0], { trueLabel: 1, predicted: 0, count: 2, rate: 1 / 3 });
 * ```
 */
export function confusionMatrix(counts: number[][], top = 10): ConfusionMatrix {
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const normalized = counts.map((row, t) => row.map((v) => ratio(v, rowSums[t])));
  const pairs: ConfusionPair[] = [];
  counts.forEach((row, t) =>
    row.forEach((count, p) => {
      if (t !== p && count > 0) {
        pairs.push({ trueLabel: t, predicted: p, count, rate: count / rowSums[t] });
      }
    })
  );
  pairs.sort((x, y) => y.count - x.count || x.trueLabel - y.trueLabel || x.predicted - y.predicted);
  return { counts, normalized, topPairs: pairs.slice(0, top) };
}
