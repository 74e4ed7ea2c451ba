/**
 * Small, seeded, internally consistent evaluation and comparison results, built with the real
 * metric functions from made-up predictions: inputs for report tests and chart demos that must
 * not wait for training.
 *
 * @module
 */
import { Random } from "../util/random.ts";
import { DIGIT_CLASSES, PIXELS } from "../data/types.ts";
import { calibration } from "../evaluate/calibration.ts";
import {
  classificationReport,
  confusionCounts,
  confusionMatrix,
  overallMetrics,
} from "../evaluate/metrics.ts";
import { compare } from "../evaluate/compare.ts";
import {
  classByCorruption,
  confusionShifts,
  robustnessSummaries,
  sweepCurves,
} from "../evaluate/robustness.ts";
import type { ComparisonResult, ConditionResult, EvaluationResult } from "../evaluate/types.ts";

const TEST_SET = "synthetic-test";
const CORRUPTIONS = ["shot_noise", "motion_blur", "fog"];

/** Predictions of one synthetic model under one condition. */
interface Simulated {
  predicted: Uint8Array;
  confidence: Float32Array;
}

function simulate(labels: Uint8Array, error: number, random: Random): Simulated {
  const predicted = new Uint8Array(labels.length);
  const confidence = new Float32Array(labels.length);
  labels.forEach((label, i) => {
    // Classes 8 and 9 are made harder so per-class charts have something to show.
    const wrong = random.next() < error * (label >= 8 ? 2 : 1);
    predicted[i] = wrong ? (label + 1 + random.int(9)) % 10 : label;
    confidence[i] = wrong ? random.uniform(0.3, 0.9) : random.uniform(0.6, 1);
  });
  return { predicted, confidence };
}

function conditionResult(
  model: string,
  labels: Uint8Array,
  sim: Simulated,
  condition: { kind: "clean" | "sweep" | "corruption"; factor: string; level: number },
  maxExamples: number,
): ConditionResult {
  const counts = confusionCounts(labels, sim.predicted, 10);
  const correct = labels.map((l, i) => (l === sim.predicted[i] ? 1 : 0));
  const wrongIndex = [...labels.keys()].filter((i) => !correct[i]);
  return {
    ...condition,
    model,
    testSet: TEST_SET,
    overall: overallMetrics(labels, sim.predicted, 0.1 + (wrongIndex.length / labels.length) * 3),
    report: classificationReport(counts, DIGIT_CLASSES),
    confusion: confusionMatrix(counts),
    calibration: calibration(sim.confidence, correct),
    misclassifiedCount: wrongIndex.length,
    misclassified: wrongIndex.slice(0, maxExamples).map((i) => ({
      index: i,
      id: i,
      trueLabel: labels[i],
      predicted: sim.predicted[i],
      confidence: sim.confidence[i],
      trueProbability: (1 - sim.confidence[i]) / 2,
    })),
  };
}

/** What {@link syntheticEvaluation} returns: the result plus the images it refers to. */
export interface SyntheticRun {
  evaluation: EvaluationResult;
  comparison: ComparisonResult;
  /** `count × 784` uint8 images of the synthetic test set (simple strokes per class). */
  images: Uint8Array;
}

function strokeImages(labels: Uint8Array): Uint8Array {
  const images = new Uint8Array(labels.length * PIXELS);
  labels.forEach((label, i) => {
    const base = i * PIXELS;
    for (let k = 5; k < 23; k++) {
      images[base + k * 28 + 8 + label] = 255; // a vertical stroke whose column encodes the class
      if (label % 2 === 0) images[base + 6 * 28 + k] = 200; // even classes get a top bar
    }
  });
  return images;
}

/** Options of {@link syntheticEvaluation}. */
export interface SyntheticOptions {
  /** Corruptions evaluated at severities 1–5 (default: shot noise, motion blur, fog). */
  corruptions?: readonly string[];
  /** Mistakes stored per condition, most first (default 12; the evaluator's default is 100). */
  maxExamples?: number;
}

/**
 * A seeded evaluation of `models` (error rates `errors[i]`) on `n` synthetic items: clean,
 * a Gaussian-noise and a Gaussian-blur sweep, three corruptions × 5 severities, and the paired
 * comparison of every model pair.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["mlp", "cnn"], [0.08, 0.03], 200);
 * ok(evaluation.conditions.length > 0);
 * ```
 */
export function syntheticEvaluation(
  models: string[],
  errors: number[],
  n = 300,
  seed = 1,
  options: SyntheticOptions = {},
): SyntheticRun {
  const corruptions = options.corruptions ?? CORRUPTIONS;
  const maxExamples = options.maxExamples ?? 12;
  const random = new Random(seed);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const conditions: ConditionResult[] = [];
  const predictions: EvaluationResult["predictions"] = [];
  const add = (
    m: number,
    kind: "clean" | "sweep" | "corruption",
    factor: string,
    level: number,
    e: number,
  ) => {
    const sim = simulate(labels, Math.min(0.9, e), random);
    conditions.push(
      conditionResult(models[m], labels, sim, { kind, factor, level }, maxExamples),
    );
    predictions.push({
      model: models[m],
      testSet: TEST_SET,
      kind,
      factor,
      level,
      predicted: [...sim.predicted],
    });
    return conditions.at(-1)!;
  };
  const units: Record<string, string> = {};
  models.forEach((_, m) => {
    add(m, "clean", "clean", 0, errors[m]);
    for (
      const [factor, unit, levels] of [
        ["gaussian_noise", "σ (pixel value, [0,1])", [0, 0.25, 0.5, 0.75, 1]],
        ["gaussian_blur", "σ (pixels)", [0, 1, 2, 3]],
      ] as const
    ) {
      units[factor] = unit;
      levels.forEach((level, i) => add(m, "sweep", factor, level, errors[m] * (1 + 3 * i)));
    }
    corruptions.forEach((corruption, k) =>
      [1, 2, 3, 4, 5].forEach((s) =>
        add(m, "corruption", corruption, s, errors[m] * (1 + s * ((k % 3) + 1) * 0.6))
      )
    );
  });
  // The evaluator's own summaries, so the synthetic result has exactly the real shapes.
  const baseline = models.length > 1 ? models[0] : null;
  const evaluation: EvaluationResult = {
    metadata: {
      schema: "digitkit.evaluation/1",
      createdAt: "2026-01-01T00:00:00.000Z",
      suite: "synthetic",
      seed,
      backend: "cpu",
      versions: { kit: "0.1.0", deno: Deno.version.deno },
      batchSize: 256,
      wallSeconds: 1.5,
      corruptionSeconds: 0.2,
      corruptionImagesPerSecond: 10000,
      baseline,
    },
    models: models.map((name) => ({
      name,
      classCount: 10,
      inferenceEngine: "graph",
      inferenceSeconds: 0.5,
      imagesPerSecond: 5000,
      seed,
    })),
    testSets: [{
      name: TEST_SET,
      source: "synthetic strokes",
      checksum: "0".repeat(64),
      classNames: [...DIGIT_CLASSES],
      count: n,
      totalCount: n,
      ids: [...labels.keys()],
      labels: [...labels],
    }],
    conditions,
    sweeps: sweepCurves(conditions, units),
    robustness: robustnessSummaries(conditions, baseline),
    classByCorruption: classByCorruption(conditions, DIGIT_CLASSES),
    confusionShifts: confusionShifts(conditions, 5),
    predictions,
  };
  return { evaluation, comparison: compare(evaluation), images: strokeImages(labels) };
}
