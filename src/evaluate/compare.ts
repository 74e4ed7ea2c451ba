/**
 * `compare`: paired comparison of models evaluated on the same items. McNemar tests (exact and
 * mid-p) with Holm correction per family, Newcombe intervals on the difference in error rates,
 * the minimax selection rule, error overlap with ensemble and oracle, and ranking tables with
 * compact letters.
 *
 * Families (Holm adjusts within each): every condition on all items; every class on the clean
 * items; every corruption pooled over its severities (an item then counts once per severity,
 * so pooled tests treat the severities as independent replications).
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { compactLetters } from "./letters.ts";
import { errorOverlap, minimax } from "./selection.ts";
import { holm, mcnemar, pairedDifferenceInterval, wilsonInterval } from "./stats.ts";
import type {
  ComparisonResult,
  Condition,
  ConditionPredictions,
  ErrorOverlap,
  EvaluationResult,
  McNemarMethod,
  PairwiseFamily,
  PairwiseTest,
  Ranking,
  TestSetInfo,
} from "./types.ts";

/** Options of {@link compare}. */
export interface CompareOptions {
  /** p-value that ranks and letters the models; mid-p by default (Fagerland et al. 2013). */
  method?: McNemarMethod;
  /** Significance level after Holm adjustment; 0.05 by default. */
  alpha?: number;
  /** Test sets the minimax rule ranges over; all by default. */
  minimaxTestSets?: string[];
}

/** Per-model correctness (1 = right) of the same items. */
type Correctness = Map<string, Uint8Array>;

function correctness(predicted: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = predicted[i] === labels[i] ? 1 : 0;
  return out;
}

/** All pairwise tests among `models` on the items where `mask` is 1 (all when absent). */
function pairwiseFamily(
  models: readonly string[],
  correct: Correctness,
  method: McNemarMethod,
  alpha: number,
  mask?: Uint8Array,
): PairwiseTest[] {
  const tests: PairwiseTest[] = [];
  for (let a = 0; a < models.length; a++) {
    for (let b = a + 1; b < models.length; b++) {
      const x = correct.get(models[a])!, y = correct.get(models[b])!;
      const table = { bothCorrect: 0, onlyAWrong: 0, onlyBWrong: 0, bothWrong: 0 };
      for (let i = 0; i < x.length; i++) {
        if (mask && !mask[i]) continue;
        if (x[i] && y[i]) table.bothCorrect++;
        else if (y[i]) table.onlyAWrong++;
        else if (x[i]) table.onlyBWrong++;
        else table.bothWrong++;
      }
      const n = table.bothCorrect + table.onlyAWrong + table.onlyBWrong + table.bothWrong;
      const errorA = n ? (table.onlyAWrong + table.bothWrong) / n : 0;
      const errorB = n ? (table.onlyBWrong + table.bothWrong) / n : 0;
      const p = mcnemar(table.onlyAWrong, table.onlyBWrong);
      tests.push({
        modelA: models[a],
        modelB: models[b],
        n,
        ...table,
        errorA,
        errorB,
        difference: errorA - errorB,
        differenceCi: pairedDifferenceInterval(table) ?? { lower: -1, upper: 1 },
        pExact: p.pExact,
        pMid: p.pMid,
        pExactHolm: 0,
        pMidHolm: 0,
        significant: false,
      });
    }
  }
  const exact = holm(tests.map((t) => t.pExact));
  const mid = holm(tests.map((t) => t.pMid));
  tests.forEach((t, i) => {
    t.pExactHolm = exact[i];
    t.pMidHolm = mid[i];
    t.significant = (method === "exact" ? exact[i] : mid[i]) < alpha;
  });
  return tests;
}

/** Test sets by name, checking that every evaluation saw the same items. */
function mergeTestSets(results: readonly EvaluationResult[]): Map<string, TestSetInfo> {
  const sets = new Map<string, TestSetInfo>();
  for (const result of results) {
    for (const set of result.testSets) {
      const known = sets.get(set.name);
      if (!known) {
        sets.set(set.name, set);
        continue;
      }
      const same = known.count === set.count &&
        known.ids.every((id, i) => id === set.ids[i] && known.labels[i] === set.labels[i]);
      if (!same) {
        throw new UsageError(
          `test set '${set.name}' differs between evaluations (other items or --limit); ` +
            `paired comparison needs the same items`,
        );
      }
    }
  }
  return sets;
}

// Sweeps and corruptions may share a factor name (shot_noise, motion_blur): the kind is part of
// the key.
const conditionKey = (testSet: string, c: Condition) =>
  `${testSet}\u0000${c.kind}\u0000${c.factor}\u0000${c.level}`;

/**
 * Compares every pair of models in one or more evaluations of the same test items.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { compare } from "./compare.ts";
 * import { evaluate } from "./runner.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const result = await evaluate([codedClassifier("a"), codedClassifier("b", { 3: 5 })],
 *   [codedDigits(40)], { progress: null });
 * const comparison = compare(result, { method: "midp", alpha: 0.05 });
 * strictEqual(comparison.pairwise[0].tests[0].pMid, 0.0625);
 * ```
 */
export function compare(
  results: EvaluationResult | readonly EvaluationResult[],
  options: CompareOptions = {},
): ComparisonResult {
  const list: readonly EvaluationResult[] = "metadata" in results ? [results] : results;
  const method = options.method ?? "midp";
  const alpha = options.alpha ?? 0.05;
  const testSets = mergeTestSets(list);
  const models = [...new Set(list.flatMap((r) => r.models.map((m) => m.name)))];
  const classCount = Math.max(1, ...list.flatMap((r) => r.models.map((m) => m.classCount)));

  const byCondition = new Map<string, ConditionPredictions[]>();
  for (const p of list.flatMap((r) => r.predictions)) {
    const key = conditionKey(p.testSet, p);
    const group = byCondition.get(key) ?? [];
    if (group.some((q) => q.model === p.model)) {
      throw new UsageError(
        `model '${p.model}' appears twice for ${p.testSet} ${p.factor} ${p.level}`,
      );
    }
    group.push(p);
    byCondition.set(key, group);
  }

  const pairwise: PairwiseFamily[] = [];
  const overlap: ErrorOverlap[] = [];
  const rankings: Ranking[] = [];
  type Pooled = { labels: number[]; predicted: Map<string, number[]> };
  const pooled = new Map<string, Pooled>();
  for (const group of byCondition.values()) {
    const { testSet, kind, factor, level } = group[0];
    const set = testSets.get(testSet)!;
    const present = models.filter((m) => group.some((p) => p.model === m));
    const predicted = present.map((m) => group.find((p) => p.model === m)!.predicted);
    const correct: Correctness = new Map(
      present.map((m, i) => [m, correctness(predicted[i], set.labels)]),
    );
    const tests = pairwiseFamily(present, correct, method, alpha);
    pairwise.push({ testSet, factor, level, classLabel: null, tests });
    if (kind === "clean") {
      for (let c = 0; c < classCount; c++) {
        const mask = Uint8Array.from(set.labels, (label) => (label === c ? 1 : 0));
        if (!mask.some((x) => x)) continue;
        const classTests = pairwiseFamily(present, correct, method, alpha, mask);
        pairwise.push({ testSet, factor, level, classLabel: c, tests: classTests });
      }
    }
    if (kind === "corruption") {
      const key = `${testSet}\u0000${factor}`;
      const entry: Pooled = pooled.get(key) ?? { labels: [], predicted: new Map() };
      entry.labels.push(...set.labels);
      present.forEach((m, i) => {
        const row = entry.predicted.get(m) ?? [];
        row.push(...predicted[i]);
        entry.predicted.set(m, row);
      });
      pooled.set(key, entry);
    }
    const counts = errorOverlap(predicted, set.labels, classCount);
    overlap.push({ kind, factor, level, testSet, models: present, ...counts });
    rankings.push(
      ranking({ kind, factor, level }, testSet, present, correct, tests, method, alpha),
    );
  }
  for (const [key, entry] of pooled) {
    const [testSet, factor] = key.split("\u0000");
    // Only models evaluated at every severity are comparable on the pooled items.
    const complete = [...entry.predicted].filter(([, p]) => p.length === entry.labels.length);
    const correct: Correctness = new Map(
      complete.map(([m, p]) => [m, correctness(p, entry.labels)]),
    );
    const tests = pairwiseFamily(complete.map(([m]) => m), correct, method, alpha);
    pairwise.push({ testSet, factor, level: null, classLabel: null, tests });
  }

  const wanted = options.minimaxTestSets ?? [...testSets.keys()];
  const errors: Record<string, Record<string, number>> = {};
  for (const c of list.flatMap((r) => r.conditions)) {
    if (c.kind !== "clean" || !wanted.includes(c.testSet)) continue;
    (errors[c.model] ??= {})[c.testSet] = c.overall.misclassification;
  }
  return {
    schema: "digitkit.comparison/1",
    models,
    method,
    alpha,
    pairwise,
    minimax: minimax(errors),
    overlap,
    rankings,
  };
}

function ranking(
  condition: Condition,
  testSet: string,
  models: readonly string[],
  correct: Correctness,
  tests: readonly PairwiseTest[],
  method: McNemarMethod,
  alpha: number,
): Ranking {
  const stats = models.map((model) => {
    const c = correct.get(model)!;
    const n = c.length;
    const wrong = n - c.reduce((a, b) => a + b, 0);
    return {
      model,
      misclassification: n ? wrong / n : 0,
      misclassificationCi: wilsonInterval(wrong, n) ?? { lower: 0, upper: 1 },
    };
  });
  stats.sort((a, b) => a.misclassification - b.misclassification || a.model.localeCompare(b.model));
  const differ = (i: number, j: number) => {
    const a = stats[i].model, b = stats[j].model;
    const t = tests.find((x) =>
      (x.modelA === a && x.modelB === b) || (x.modelA === b && x.modelB === a)
    );
    return t?.significant ?? false;
  };
  const letters = compactLetters(stats.length, differ);
  return {
    ...condition,
    testSet,
    method,
    alpha,
    rows: stats.map((s, i) => ({ rank: i + 1, ...s, letters: letters[i] })),
  };
}
