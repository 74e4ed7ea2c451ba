/**
 * Synthetic study cells for tests and examples of the study statistics without training: each
 * model × seed misclassifies a chosen share of a 200-item test set, clean and under one
 * corruption.
 *
 * @module
 */
import { DIGIT_CLASSES } from "../data/types.ts";
import type { StudyRun } from "./study_stats.ts";
import type { ConditionPredictions, EvaluationResult } from "./types.ts";

/** Options of {@link syntheticStudyRuns}. */
export interface SyntheticStudyOptions {
  /** Items in the test set (default 200). */
  items?: number;
  /**
   * Whether the wrong items depend on the seed (default true); false gives identical seeds
   * (same mistakes) whenever the error rates are equal.
   */
  seedDependentItems?: boolean;
}

/** A deterministic pseudo-random rank of item i for a (model, seed) stream. */
function rank(i: number, stream: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/**
 * One {@link StudyRun} per model and seed: `errors[model][k]` is the clean error of seed k + 1
 * (rounded to whole items); the corrupted condition doubles it (capped at 1).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { syntheticStudyRuns } from "./study_testing.ts";
 * const runs = syntheticStudyRuns({ a: [0.1, 0.2] });
 * strictEqual(runs.length, 2);
 * strictEqual(runs[1].evaluation.predictions[0].predicted.filter((p, i) => p !== i % 10).length, 40);
 * ```
 */
export function syntheticStudyRuns(
  errors: Record<string, number[]>,
  options: SyntheticStudyOptions = {},
): StudyRun[] {
  const n = options.items ?? 200;
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const ids = Array.from({ length: n }, (_, i) => i);
  const runs: StudyRun[] = [];
  Object.entries(errors).forEach(([arm, rates], armIndex) => {
    rates.forEach((rate, k) => {
      const seed = k + 1;
      const stream = options.seedDependentItems === false ? armIndex : armIndex * 1000 + seed;
      const order = ids.slice().sort((x, y) => rank(x, stream) - rank(y, stream));
      const predictions = (share: number, kind: "clean" | "corruption") => {
        const wrong = new Set(order.slice(0, Math.round(Math.min(1, share) * n)));
        const p: ConditionPredictions = {
          model: arm,
          testSet: "synthetic",
          kind,
          factor: kind === "clean" ? "clean" : "shot_noise",
          level: kind === "clean" ? 0 : 3,
          predicted: labels.map((l, i) => (wrong.has(i) ? (l + 1) % 10 : l)),
        };
        return p;
      };
      const probabilities = new Float32Array(n * 10);
      const clean = predictions(rate, "clean");
      clean.predicted.forEach((p, i) => probabilities[i * 10 + p] = 1);
      const evaluation = {
        metadata: {} as EvaluationResult["metadata"],
        models: [],
        testSets: [{
          name: "synthetic",
          source: "memory",
          checksum: "",
          classNames: [...DIGIT_CLASSES],
          count: n,
          totalCount: n,
          ids,
          labels,
        }],
        conditions: [],
        sweeps: [],
        robustness: [],
        classByCorruption: [],
        confusionShifts: [],
        predictions: [clean, predictions(2 * rate, "corruption")],
      } as EvaluationResult;
      runs.push({
        arm,
        architecture: arm,
        recipe: "synthetic",
        seed,
        evaluation,
        probabilities: { synthetic: probabilities },
      });
    });
  });
  return runs;
}
