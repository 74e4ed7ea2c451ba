/**
 * `evaluate`: runs classifiers over test sets under every condition of a suite and measures
 * everything in {@link EvaluationResult}. Each condition's images are rendered once per test
 * set and shared by all models; inference runs in fixed-size batches into reused buffers.
 *
 * @module
 */
import { type DigitDataset, PIXELS, UNLABELED } from "../data/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { UsageError } from "../util/errors.ts";
import { ProgressBar } from "../util/progress.ts";
import { calibration, CALIBRATION_BINS } from "./calibration.ts";
import {
  classificationReport,
  confusionCounts,
  confusionMatrix,
  decide,
  LOSS_EPSILON,
  overallMetrics,
} from "./metrics.ts";
import {
  classByCorruption,
  confusionShifts,
  robustnessSummaries,
  sweepCurves,
} from "./robustness.ts";
import type {
  Condition,
  ConditionResult,
  ContaminationSummary,
  EvaluationResult,
  MisclassifiedExample,
  ModelInfo,
  TestSetInfo,
} from "./types.ts";

/**
 * Renders the images of one condition: `count` images of 28×28 floats in [0, 1] → the same
 * shape. Must be deterministic in (seed, condition, ids) so every model sees the same pixels.
 */
export type RenderCondition = (
  images: Float32Array,
  count: number,
  condition: Condition,
  seed: number,
  ids: Uint32Array,
) => Float32Array | Promise<Float32Array>;

/** Per-item outcome of one model on one test set under one condition. */
export interface ItemPredictions extends Condition {
  model: string;
  testSet: string;
  ids: Uint32Array;
  labels: Uint8Array;
  predicted: Uint8Array;
  /** Probability of the predicted class. */
  confidence: Float32Array;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Conditions to run, clean first; clean only by default. See `resolveSuite`. */
  conditions?: readonly Condition[];
  /** Suite name recorded in the metadata ("custom" by default). */
  suite?: string;
  /** Unit of each sweep factor's levels, for the curves. */
  units?: Readonly<Record<string, string>>;
  /** Renders non-clean conditions; required when there are any. */
  render?: RenderCondition;
  /** Seed passed to `render`. Default 0. */
  seed?: number;
  /** Evaluate only the first `limit` items of each test set. */
  limit?: number;
  /** Images per `predict` call. Default 1000. */
  batchSize?: number;
  /** Model whose corruption errors normalise CE/mCE; null (default) for unnormalised only. */
  baseline?: string | null;
  /** Misclassified examples kept for the clean condition (default 100). */
  maxExamples?: number;
  /** Misclassified examples kept for every other condition (default 10). */
  maxConditionExamples?: number;
  /** Confusion pairs listed per condition (default 10). */
  topConfusions?: number;
  /** Confusion shifts listed per condition (default 5). */
  topShifts?: number;
  /** Calibration bins (default 15). */
  calibrationBins?: number;
  /**
   * Receives every model × test set × condition's per-item predictions (e.g. to stream
   * predictions.csv). The arrays are reused once the returned promise settles: copy to keep.
   */
  onPredictions?: (predictions: ItemPredictions) => void | Promise<void>;
  /** Where the progress bar writes; default stderr, `null` for silence. */
  progress?: ((text: string) => void) | null;
  /** Backend that runs inference, for the metadata. */
  backend?: string | null;
  /** Versions (kit, tfjs…) for the metadata; Deno's are added. */
  versions?: Readonly<Record<string, string>>;
  /** Extra facts per model name (checkpoint path, architecture, parameters, seed). */
  modelInfo?: Readonly<Record<string, Partial<ModelInfo>>>;
  /** The contamination check that chose the test items, recorded in the result. */
  contamination?: ContaminationSummary;
}

/** The evaluated part of a test set: float pixels, labels, ids. */
interface PreparedSet {
  info: TestSetInfo;
  pixels: Float32Array;
  labels: Uint8Array;
  ids: Uint32Array;
}

function prepare(set: DigitDataset, limit: number | undefined, classCount: number): PreparedSet {
  const n = Math.min(set.count, limit ?? set.count);
  if (set.images.length < set.count * PIXELS) {
    throw new UsageError(
      `test set '${set.name}' has ${set.images.length} bytes for ${set.count} images`,
    );
  }
  const labels = set.labels.subarray(0, n);
  const bad = labels.findIndex((l) => l === UNLABELED || l >= classCount);
  if (bad >= 0) {
    throw new UsageError(
      `test set '${set.name}' item ${bad}: label ${labels[bad]} is ${
        labels[bad] === UNLABELED
          ? "missing (unlabeled data cannot be evaluated)"
          : `not < ${classCount}`
      }`,
    );
  }
  const ids = set.ids ? set.ids.subarray(0, n) : Uint32Array.from({ length: n }, (_, i) => i);
  const pixels = new Float32Array(n * PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = set.images[i] / 255;
  return {
    info: {
      name: set.name,
      source: set.source,
      checksum: set.checksum,
      classNames: [...set.classNames],
      count: n,
      totalCount: set.count,
      ids: Array.from(ids),
      labels: Array.from(labels),
    },
    pixels,
    labels,
    ids,
  };
}

/** Reused per-model buffers for one condition's outcomes. */
interface Outcome {
  predicted: Uint8Array;
  confidence: Float32Array;
  trueProbability: Float32Array;
  lossSum: number;
}

function mistakes(outcome: Outcome, set: PreparedSet, cap: number): MisclassifiedExample[] {
  const wrong: number[] = [];
  for (let i = 0; i < set.labels.length; i++) {
    if (outcome.predicted[i] !== set.labels[i]) wrong.push(i);
  }
  wrong.sort((a, b) => outcome.confidence[b] - outcome.confidence[a] || a - b);
  return wrong.slice(0, cap).map((index) => ({
    index,
    id: set.ids[index],
    trueLabel: set.labels[index],
    predicted: outcome.predicted[index],
    confidence: outcome.confidence[index],
    trueProbability: outcome.trueProbability[index],
  }));
}

/**
 * Runs `classifier` over `pixels` in batches of `batchSize`, filling `outcome` (decisions,
 * probability of the true class, summed loss); returns the seconds spent in `predict`.
 */
async function predictInto(
  classifier: Classifier,
  pixels: Float32Array,
  labels: Uint8Array,
  outcome: Outcome,
  batchSize: number,
  onBatch: (count: number) => void,
): Promise<number> {
  const n = labels.length, k = classifier.classCount;
  let seconds = 0;
  outcome.lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const t0 = performance.now();
    const probs = await classifier.predict(
      pixels.subarray(start * PIXELS, (start + count) * PIXELS),
      count,
    );
    seconds += (performance.now() - t0) / 1000;
    if (probs.length !== count * k) {
      throw new RangeError(
        `${classifier.name}.predict returned ${probs.length} values for ${count}×${k}`,
      );
    }
    decide(probs, count, k, {
      predicted: outcome.predicted.subarray(start, start + count),
      confidence: outcome.confidence.subarray(start, start + count),
    });
    for (let i = 0; i < count; i++) {
      const p = probs[i * k + labels[start + i]];
      outcome.trueProbability[start + i] = p;
      outcome.lossSum -= Math.log(Math.min(1, Math.max(LOSS_EPSILON, p)));
    }
    onBatch(count);
  }
  return seconds;
}

/**
 * Evaluates `classifiers` on `testSets` under `options.conditions` (clean only by default).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { evaluate } from "./runner.ts";
 * import { DIGIT_CLASSES, PIXELS } from "../data/types.ts";
 * const guessThree = { name: "three", classCount: 10, predict: (_: Float32Array, n: number) =>
 *   Promise.resolve(Float32Array.from({ length: n * 10 }, (_, i) => (i % 10 === 3 ? 1 : 0))) };
 * const set = { name: "t", images: new Uint8Array(2 * PIXELS), labels: new Uint8Array([3, 4]),
 *   count: 2, classNames: [...DIGIT_CLASSES], source: "memory", checksum: "" };
 * const result = await evaluate([guessThree], [set], { progress: null });
 * strictEqual(result.conditions[0].overall.accuracy, 0.5);
 * ```
 */
export async function evaluate(
  classifiers: readonly Classifier[],
  testSets: readonly DigitDataset[],
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const started = performance.now();
  const conditions = options.conditions ?? [{ kind: "clean", factor: "clean", level: 0 }];
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const seed = options.seed ?? 0;
  const names = new Set(classifiers.map((c) => c.name));
  if (names.size !== classifiers.length) throw new UsageError("model names must be unique");
  if (options.baseline && !names.has(options.baseline)) {
    throw new UsageError(`baseline '${options.baseline}' is not one of the models`);
  }
  if (!options.render && conditions.some((c) => c.kind !== "clean")) {
    throw new UsageError("non-clean conditions need a render function");
  }
  const classCount = Math.max(...classifiers.map((c) => c.classCount));
  const prepared = testSets.map((s) => prepare(s, options.limit, classCount));
  const total = prepared.reduce((a, s) => a + s.info.count, 0) * conditions.length *
    classifiers.length;
  // An absent `progress` must not override the bar's stderr default with undefined.
  const write = options.progress === undefined ? {} : { write: options.progress };
  const bar = new ProgressBar({ label: "eval", total, unit: "img", ...write });
  const inferenceSeconds = new Map<string, number>(classifiers.map((c) => [c.name, 0]));
  const results: ConditionResult[] = [];
  const predictions: EvaluationResult["predictions"] = [];
  let renderSeconds = 0, rendered = 0, done = 0;

  for (const set of prepared) {
    const n = set.info.count;
    const outcomes = classifiers.map((): Outcome => ({
      predicted: new Uint8Array(n),
      confidence: new Float32Array(n),
      trueProbability: new Float32Array(n),
      lossSum: 0,
    }));
    for (const condition of conditions) {
      let pixels = set.pixels;
      if (condition.kind !== "clean") {
        const t0 = performance.now();
        pixels = await options.render!(set.pixels, n, condition, seed, set.ids);
        renderSeconds += (performance.now() - t0) / 1000;
        rendered += n;
        if (pixels.length !== n * PIXELS) {
          throw new RangeError(
            `render(${condition.factor} ${condition.level}) returned ${pixels.length} floats`,
          );
        }
      }
      for (const [m, classifier] of classifiers.entries()) {
        const outcome = outcomes[m];
        const seconds = await predictInto(
          classifier,
          pixels,
          set.labels,
          outcome,
          batchSize,
          (count) => {
            done += count;
            bar.update(done, {
              model: classifier.name,
              cond: `${condition.factor}@${condition.level}`,
            });
          },
        );
        inferenceSeconds.set(classifier.name, inferenceSeconds.get(classifier.name)! + seconds);
        results.push(summarise(classifier, set, condition, outcome, options));
        predictions.push({
          ...condition,
          model: classifier.name,
          testSet: set.info.name,
          predicted: Array.from(outcome.predicted),
        });
        await options.onPredictions?.({
          ...condition,
          model: classifier.name,
          testSet: set.info.name,
          ids: set.ids,
          labels: set.labels,
          predicted: outcome.predicted,
          confidence: outcome.confidence,
        });
      }
    }
  }
  bar.done();

  const classNames = prepared[0]?.info.classNames ?? [];
  const baseline = options.baseline ?? null;
  const totalImages = prepared.reduce((a, s) => a + s.info.count, 0) * conditions.length;
  return {
    metadata: {
      schema: "digitkit.evaluation/1",
      createdAt: new Date().toISOString(),
      suite: options.suite ?? "custom",
      seed,
      backend: options.backend ?? null,
      versions: { deno: Deno.version.deno, v8: Deno.version.v8, ...options.versions },
      batchSize,
      wallSeconds: (performance.now() - started) / 1000,
      corruptionSeconds: renderSeconds,
      corruptionImagesPerSecond: renderSeconds > 0 ? rendered / renderSeconds : 0,
      baseline,
    },
    models: classifiers.map((c) => {
      const seconds = inferenceSeconds.get(c.name)!;
      return {
        ...options.modelInfo?.[c.name],
        name: c.name,
        classCount: c.classCount,
        ...(c.engine ? { inferenceEngine: c.engine } : {}),
        inferenceSeconds: seconds,
        imagesPerSecond: seconds > 0 ? totalImages / seconds : 0,
      };
    }),
    testSets: prepared.map((s) => s.info),
    conditions: results,
    sweeps: sweepCurves(results, options.units ?? {}),
    robustness: robustnessSummaries(results, baseline),
    classByCorruption: classByCorruption(results, classNames),
    confusionShifts: confusionShifts(results, options.topShifts ?? 5),
    predictions,
    ...(options.contamination ? { contamination: options.contamination } : {}),
  };
}

function summarise(
  classifier: Classifier,
  set: PreparedSet,
  condition: Condition,
  outcome: Outcome,
  options: EvaluateOptions,
): ConditionResult {
  const n = set.info.count;
  const counts = confusionCounts(set.labels, outcome.predicted, classifier.classCount);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) correct[i] = outcome.predicted[i] === set.labels[i] ? 1 : 0;
  const overall = overallMetrics(set.labels, outcome.predicted, n > 0 ? outcome.lossSum / n : 0);
  const cap = condition.kind === "clean"
    ? options.maxExamples ?? 100
    : options.maxConditionExamples ?? 10;
  return {
    kind: condition.kind,
    factor: condition.factor,
    level: condition.level,
    model: classifier.name,
    testSet: set.info.name,
    overall,
    report: classificationReport(counts, set.info.classNames),
    confusion: confusionMatrix(counts, options.topConfusions ?? 10),
    calibration: calibration(
      outcome.confidence,
      correct,
      options.calibrationBins ?? CALIBRATION_BINS,
    ),
    misclassifiedCount: n - overall.correct,
    misclassified: mistakes(outcome, set, cap),
  };
}
