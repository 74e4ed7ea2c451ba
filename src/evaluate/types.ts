/**
 * Result shapes of the disaggregated evaluation (`evaluate`) and the model comparison
 * (`compare`). Everything here is plain JSON: numbers, strings, arrays, objects. Quantities that
 * are undefined (a rate over zero items, a p-value with no discordant pairs where none is
 * defined) are `null`, never `NaN`, so `JSON.parse(JSON.stringify(result))` round-trips.
 *
 * Vocabulary: a *condition* is one (factor, level) the test images were evaluated under:
 * `clean` (level 0), a sweep (`gaussian_noise` σ = 0.3, `rotate` 30°, …) or a corruption
 * (`shot_noise` severity 1…5). Every metric is reported per model × test set × condition.
 *
 * @module
 */
import type { ContaminationSummary } from "./contamination.ts";

import type { Condition, Interval } from "./condition_types.ts";

export type * from "./condition_types.ts";

/** Accuracy, misclassification and loss over all items of one condition. */
export interface OverallMetrics {
  /** Items evaluated. */
  n: number;
  /** Items predicted correctly. */
  correct: number;
  accuracy: number;
  /** 95% Wilson score interval on the accuracy. */
  accuracyCi: Interval;
  /** 1 − accuracy. */
  misclassification: number;
  /** 95% Wilson score interval on the misclassification rate. */
  misclassificationCi: Interval;
  /** Mean cross-entropy −ln p(true class), probabilities clipped to [1e-7, 1] as Keras does. */
  loss: number;
}

/** Precision/recall/F1 of one class, as scikit-learn's `classification_report` defines them. */
export interface ClassMetrics {
  /** Class index (= label value). */
  label: number;
  /** Class name from the dataset's `classNames`. */
  name: string;
  /** tp / (tp + fp); 0 when nothing was predicted as this class (sklearn zero_division="warn"). */
  precision: number;
  /** tp / support; 0 when the class has no items. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Items whose true label is this class. */
  support: number;
  /** Items predicted as this class. */
  predictedCount: number;
  /** 1 − recall: the share of this class's items that are misclassified; null without support. */
  misclassification: number | null;
  /** 95% Wilson interval on `misclassification`; null without support. */
  misclassificationCi: Interval | null;
}

/** An average of per-class precision/recall/F1 (macro: unweighted; weighted: by support). */
export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Total support of the classes averaged over. */
  support: number;
}

/**
 * The equivalent of scikit-learn's `classification_report(y, p, labels=range(classCount),
 * output_dict=True, zero_division="warn")`: every class in `0…classCount−1` is listed, even
 * with zero support.
 */
export interface ClassificationReport {
  classes: ClassMetrics[];
  accuracy: number;
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
}

/** One off-diagonal confusion cell: `count` items of class `trueLabel` predicted `predicted`. */
export interface ConfusionPair {
  trueLabel: number;
  predicted: number;
  count: number;
  /** count / support of `trueLabel`. */
  rate: number;
}

/** Confusion matrix with rows = true class, columns = predicted class. */
export interface ConfusionMatrix {
  /** `counts[t][p]`: items of true class t predicted as p. */
  counts: number[][];
  /** Each row divided by its sum (rows of unsupported classes are all 0). */
  normalized: number[][];
  /** The largest off-diagonal cells, most frequent first (ties: lower true, then predicted). */
  topPairs: ConfusionPair[];
}

/** One bin of a reliability diagram over the top-class confidence. */
export interface ReliabilityBin {
  /** Bin covers (lower, upper]; the first bin also includes 0. */
  lower: number;
  upper: number;
  count: number;
  /** Mean top-class probability of the items in the bin; null when empty. */
  meanConfidence: number | null;
  /** Accuracy of the items in the bin; null when empty. */
  accuracy: number | null;
}

/** Calibration of the top-class confidence. */
export interface Calibration {
  /** Number of equal-width bins (15 by default, as in Guo et al. 2017). */
  bins: number;
  /** Expected calibration error: Σ_b (n_b / n) · |acc_b − conf_b|. */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  reliability: ReliabilityBin[];
  /** Mean top-class probability over all items. */
  meanConfidence: number;
  /** Mean top-class probability over correctly classified items; null if none. */
  meanConfidenceCorrect: number | null;
  /** Mean top-class probability over misclassified items; null if none. */
  meanConfidenceWrong: number | null;
}

/** A misclassified test item, for the gallery. */
export interface MisclassifiedExample {
  /** Position of the item in the evaluated test set (after `--limit`). */
  index: number;
  /** Stable item id (`DigitDataset.ids`, else the original index). */
  id: number;
  trueLabel: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  /** Probability given to the true class. */
  trueProbability: number;
}

/** Every metric for one model on one test set under one condition. */
export interface ConditionResult extends Condition {
  model: string;
  testSet: string;
  overall: OverallMetrics;
  report: ClassificationReport;
  confusion: ConfusionMatrix;
  calibration: Calibration;
  /** Total misclassified items (the list below may be capped). */
  misclassifiedCount: number;
  /** The most confident mistakes first, capped by `EvaluateOptions.maxExamples`. */
  misclassified: MisclassifiedExample[];
}

/** Misclassification along one sweep (noise σ, blur σ, rotation angle, resolution…). */
export interface SweepCurve {
  model: string;
  testSet: string;
  factor: string;
  /** Unit of the level, e.g. "σ (pixel value, [0,1])", "degrees", "pixels". */
  unit: string;
  /** Increasing levels; the first is the identity level when the sweep has one. */
  levels: number[];
  misclassification: number[];
  misclassificationCi: Interval[];
  /** `perClass[c][i]`: misclassification of class c at `levels[i]` (null without support). */
  perClass: (number | null)[][];
}

/** Misclassification of one model under one corruption at every severity. */
export interface CorruptionResult {
  model: string;
  testSet: string;
  corruption: string;
  /** Severities evaluated (1…5 in the default suite). */
  severities: number[];
  /** Misclassification rate at each severity. */
  errors: number[];
  /** Misclassification on the clean images (the baseline of relative CE). */
  cleanError: number;
  /** Mean of `errors`. */
  meanError: number;
  /**
   * Corruption error (Hendrycks & Dietterich 2019): Σ_s E_s / Σ_s E_s(baseline model);
   * null without a baseline or when the baseline's sum is 0.
   */
  ce: number | null;
  /** Relative CE: Σ_s (E_s − E_clean) / Σ_s (E_s − E_clean)(baseline); null like `ce`. */
  relativeCe: number | null;
}

/** Robustness of one model on one test set across the corruption suite. */
export interface RobustnessSummary {
  model: string;
  testSet: string;
  /** Model whose errors normalise CE (null: only unnormalised errors are given). */
  baseline: string | null;
  cleanError: number;
  /** Mean over corruptions and severities of the misclassification rate. */
  meanCorruptionError: number;
  /** Mean CE over corruptions; null without baseline. The baseline itself scores 1. */
  mCE: number | null;
  /** Mean relative CE over corruptions; null without baseline. */
  relativeMCE: number | null;
  corruptions: CorruptionResult[];
}

/** Class × corruption heatmap data: misclassification averaged over the severities. */
export interface ClassCorruptionMatrix {
  model: string;
  testSet: string;
  classNames: string[];
  corruptions: string[];
  /** `errors[c][k]`: mean misclassification of class c under `corruptions[k]`. */
  errors: (number | null)[][];
  /** Clean per-class misclassification, for reference. */
  cleanErrors: (number | null)[];
}

/** How one confusion changes between clean images and a condition. */
export interface ConfusionShiftEntry {
  trueLabel: number;
  predicted: number;
  /** Row-normalised rate on clean images. */
  cleanRate: number;
  /** Row-normalised rate under the condition. */
  conditionRate: number;
  /** conditionRate − cleanRate. */
  delta: number;
}

/** The confusions that grow most under one condition (largest `delta` first). */
export interface ConfusionShift extends Condition {
  model: string;
  testSet: string;
  shifts: ConfusionShiftEntry[];
}

/** A model that was evaluated. */
export interface ModelInfo {
  name: string;
  classCount: number;
  /** Checkpoint directory or other origin, when known. */
  source?: string;
  /** Architecture/spec name, when known. */
  architecture?: string;
  /** Trainable parameters, when known. */
  parameters?: number;
  /** Training seed, when known. */
  seed?: number;
  /** Name of the training set, when known (e.g. `mnist-train`). */
  trainedOn?: string;
  /** sha256 of the training data, when known. */
  dataChecksum?: string;
  /** How `predict` ran (`graph`: one compiled forward pass per batch; `eager`), when known. */
  inferenceEngine?: string;
  /**
   * The recipe's own result on its own test split (e.g. the mdsist card's 15 %), as training
   * recorded it: labelled apart, not comparable with this evaluation.
   */
  protocol?: ProtocolResult;
  /** Seconds spent in `predict` over all conditions. */
  inferenceSeconds: number;
  /** Images per second through `predict`. */
  imagesPerSecond: number;
}

/**
 * A recipe's protocol result: accuracy on the test part of the recipe's own split (the number
 * its source card reports), kept apart from comparisons and labelled as such.
 */
export interface ProtocolResult {
  /** Name of the recipe's test part. */
  testSet: string;
  accuracy: number;
  n: number;
  /** How that split was made. */
  note: string;
}

/** A test set that was evaluated. `ids`/`labels` let `compare` pair items across models. */
export interface TestSetInfo {
  name: string;
  source: string;
  /** sha256 of the source bytes (from the loader). */
  checksum: string;
  classNames: string[];
  /** Items evaluated (after `limit`). */
  count: number;
  /** Items in the dataset before `limit`. */
  totalCount: number;
  /** Stable id of every evaluated item. */
  ids: number[];
  /** True label of every evaluated item. */
  labels: number[];
}

/** Per-item predicted labels of one model on one test set under one condition. */
export interface ConditionPredictions extends Condition {
  model: string;
  testSet: string;
  /** Predicted class per item, aligned with `TestSetInfo.ids`. */
  predicted: number[];
}

/** Run-level facts the report prints. */
export interface EvaluationMetadata {
  /** Format tag of this object. */
  schema: "digitkit.evaluation/1";
  /** ISO-8601 time the evaluation finished. */
  createdAt: string;
  /** Suite name (`quick`, `default`, `full`, or `custom`). */
  suite: string;
  /** Seed of the corruptions and sweeps. */
  seed: number;
  /** TensorFlow.js backend that ran inference, when known. */
  backend: string | null;
  /** Versions of the kit, Deno, TensorFlow.js… */
  versions: Record<string, string>;
  /** Items per `predict` call. */
  batchSize: number;
  /** Wall-clock seconds for the whole evaluation. */
  wallSeconds: number;
  /** Seconds spent generating corrupted/swept images. */
  corruptionSeconds: number;
  /** Corrupted/swept images generated per second. */
  corruptionImagesPerSecond: number;
  /** Model used to normalise CE/mCE, or null. */
  baseline: string | null;
}

/**
 * Everything `evaluate` measured. `conditions` is the flat table (model × test set ×
 * condition); the other arrays are views on it arranged for plotting.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import type { EvaluationResult } from "./types.ts";
 * function cleanErrors(r: EvaluationResult) {
 *   return r.conditions.filter((c) => c.kind === "clean")
 *     .map((c) => [c.model, c.testSet, c.overall.misclassification]);
 * }
 * const clean = { kind: "clean", model: "m", testSet: "t", overall: { misclassification: 0.02 } };
 * deepStrictEqual(cleanErrors({ conditions: [clean] } as unknown as EvaluationResult), [["m", "t", 0.02]]);
 * ```
 */
export interface EvaluationResult {
  metadata: EvaluationMetadata;
  models: ModelInfo[];
  testSets: TestSetInfo[];
  conditions: ConditionResult[];
  sweeps: SweepCurve[];
  robustness: RobustnessSummary[];
  classByCorruption: ClassCorruptionMatrix[];
  confusionShifts: ConfusionShift[];
  /** Per-item predictions (for `compare`); the CLI also writes them, with confidence, as CSV. */
  predictions: ConditionPredictions[];
  /**
   * The training/test overlap per model × test set and the policy applied before scoring
   * (`src/evaluate/contamination.ts`); absent when no check ran.
   */
  contamination?: ContaminationSummary;
}

export type * from "./comparison_types.ts";
export type { ContaminationPolicy, ContaminationSummary, Overlap } from "./contamination.ts";
