/**
 * The statistics of a multi-seed study from its cells' evaluations: per model (an architecture
 * with its recipe) and test set, for every condition (clean, sweep levels, corruption
 * severities), overall and per class: the per-seed errors, their mean, between-seed
 * SD, 95% t-interval and variance decomposition; for every pair of models (every condition on
 * the whole test set, and per class on clean images) the two-level paired bootstrap (difference, interval, P(A < B)) and Welch's test with Holm across pairs; the
 * per-seed-pair McNemar tests as a secondary table; seed ensembles; ranking letters and the
 * minimax selection on the means over seeds. Pure: no files.
 *
 * @module
 */
import { compactLetters } from "./letters.ts";
import {
  type BootstrapComparison,
  bootstrapPairs,
  hashString,
  type SeedEnsemble,
  seedEnsemble,
  type SeedSummary,
  seedSummary,
  type VarianceDecomposition,
  varianceDecomposition,
  type WelchResult,
  welchTest,
} from "./seed_stats.ts";
import { minimax } from "./selection.ts";
import { holm, mcnemar } from "./stats.ts";
import type { Condition, EvaluationResult, MinimaxSelection } from "./types.ts";

/** One finished cell: a model trained with one seed, and its evaluation. */
export interface StudyRun {
  /** Model label in the study (architecture, or architecture/recipe when one repeats). */
  arm: string;
  architecture: string;
  recipe: string;
  seed: number;
  /** The cell's evaluation (one model). */
  evaluation: EvaluationResult;
  /** Clean class probabilities by test set name (n × classCount), for the ensembles. */
  probabilities: Record<string, Float32Array>;
}

/** Options of {@link studyStatistics}. */
export interface StudyStatisticsOptions {
  /** Bootstrap replicates (default 2000). */
  replicates?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
}

/** Where a statistic applies: a test set, a condition, and a class (null: all items). */
export interface StudyScope extends Condition {
  testSet: string;
  /** Class label, or null for the whole test set. */
  class: number | null;
}

/** One model's per-seed errors in one scope and their summary. */
export interface ArmStatistics extends StudyScope {
  arm: string;
  /** Items behind each seed's error. */
  n: number;
  seeds: number[];
  errors: number[];
  summary: SeedSummary;
  decomposition: VarianceDecomposition;
}

/** Two models compared in one scope. */
export interface PairStatistics extends StudyScope {
  a: string;
  b: string;
  bootstrap: BootstrapComparison;
  welch: WelchResult;
  /** Welch p adjusted by Holm across the pairs of this scope; null when Welch has no p. */
  welchHolm: number | null;
}

/** McNemar on the clean images of one test set, for seed s of A against seed s of B. */
export interface SeedPairMcNemar {
  a: string;
  b: string;
  testSet: string;
  seed: number;
  /** Items only A misclassifies. */
  onlyA: number;
  /** Items only B misclassifies. */
  onlyB: number;
  pMid: number;
  pExact: number;
}

/** A model's seed ensemble on one test set's clean images. */
export interface EnsembleStatistics extends SeedEnsemble {
  arm: string;
  testSet: string;
  /** Mean error of the single seeds, for comparison. */
  meanSeedError: number;
}

/** Ranking on one test set's clean images by the mean error over seeds. */
export interface StudyRanking {
  testSet: string;
  /** Best first. */
  arms: string[];
  means: number[];
  /** Compact letters: models sharing a letter do not differ (Holm-adjusted Welch p ≥ 0.05). */
  letters: string[];
}

/** Everything {@link studyStatistics} computes. */
export interface StudyStatistics {
  arms: { name: string; architecture: string; recipe: string; seeds: number[] }[];
  testSets: { name: string; count: number; classNames: string[] }[];
  conditions: Condition[];
  perArm: ArmStatistics[];
  pairs: PairStatistics[];
  mcnemar: SeedPairMcNemar[];
  ensembles: EnsembleStatistics[];
  ranking: StudyRanking[];
  /** Minimax over test sets of the mean clean error over seeds. */
  minimax: MinimaxSelection;
  bootstrap: { replicates: number; seed: number };
}

/**
 * Model labels for (architecture, recipe) pairs: the architecture alone when it appears once,
 * else `architecture/recipe`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { armLabels } from "./study_stats.ts";
 * deepStrictEqual(armLabels([["a", "r1"], ["a", "r2"], ["b", "r1"]]), ["a/r1", "a/r2", "b"]);
 * ```
 */
export function armLabels(pairs: readonly (readonly [string, string])[]): string[] {
  return pairs.map(([architecture, recipe]) =>
    pairs.filter(([a]) => a === architecture).length > 1
      ? `${architecture}/${recipe}`
      : architecture
  );
}

const conditionKey = (c: Condition) => `${c.kind}\u0000${c.factor}\u0000${c.level}`;

/**
 * Computes the study statistics from the finished cells (every model needs the same test sets
 * and conditions; seeds may differ in number between models).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "./study_stats.ts";
 * import { syntheticStudyRuns } from "./study_testing.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.1, 0.1], b: [0.2, 0.3, 0.25] }),
 *   { replicates: 200 });
 * const clean = stats.perArm.find((s) => s.arm === "a" && s.kind === "clean" && s.class === null)!;
 * strictEqual(clean.summary.sd, 0);
 * strictEqual(stats.ranking[0].arms[0], "a");
 * ```
 */
export function studyStatistics(
  runs: readonly StudyRun[],
  options: StudyStatisticsOptions = {},
): StudyStatistics {
  const replicates = options.replicates ?? 2000;
  const bootSeed = options.seed ?? 0;
  if (runs.length === 0) throw new RangeError("a study needs at least one finished cell");
  const armNames = [...new Set(runs.map((r) => r.arm))];
  const arms = armNames.map((name) => {
    const own = runs.filter((r) => r.arm === name).sort((x, y) => x.seed - y.seed);
    return {
      name,
      architecture: own[0].architecture,
      recipe: own[0].recipe,
      seeds: own.map((r) => r.seed),
      runs: own,
    };
  });
  const first = runs[0].evaluation;
  const testSets = first.testSets.map((t) => ({
    name: t.name,
    count: t.count,
    classNames: t.classNames,
  }));
  const conditions: Condition[] = [];
  const seen = new Set<string>();
  for (const p of first.predictions) {
    const key = conditionKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    conditions.push({ kind: p.kind, factor: p.factor, level: p.level });
  }
  // wrong[arm][testSet][condition] = per-seed 0/1 arrays over the test set's items.
  const wrongOf = (run: StudyRun, testSet: string, condition: Condition): Uint8Array => {
    const info = run.evaluation.testSets.find((t) => t.name === testSet);
    const p = run.evaluation.predictions.find((x) =>
      x.testSet === testSet && conditionKey(x) === conditionKey(condition)
    );
    if (!info || !p) {
      throw new RangeError(
        `cell ${run.arm} seed ${run.seed} lacks ${testSet} ${condition.factor} ${condition.level}`,
      );
    }
    return Uint8Array.from(p.predicted, (v, i) => (v === info.labels[i] ? 0 : 1));
  };
  const perArm: ArmStatistics[] = [];
  const pairs: PairStatistics[] = [];
  const mcnemarRows: SeedPairMcNemar[] = [];
  const ensembles: EnsembleStatistics[] = [];
  for (const set of testSets) {
    const labels = Uint8Array.from(first.testSets.find((t) => t.name === set.name)!.labels);
    const classCount = set.classNames.length;
    for (const condition of conditions) {
      const wrong = arms.map((arm) => arm.runs.map((r) => wrongOf(r, set.name, condition)));
      const classes = [null, ...Array.from({ length: classCount }, (_, c) => c)];
      for (const cls of classes) {
        const select = cls === null ? null : indicesOf(labels, cls);
        if (select !== null && select.length === 0) continue;
        const scoped = wrong.map((seeds) =>
          seeds.map((w) => select === null ? w : Uint8Array.from(select, (i) => w[i]))
        );
        const n = scoped[0][0].length;
        const scope: StudyScope = { testSet: set.name, ...condition, class: cls };
        const errors = scoped.map((seeds) => seeds.map((w) => countOnes(w) / n));
        arms.forEach((arm, k) => {
          perArm.push({
            ...scope,
            arm: arm.name,
            n,
            seeds: arm.seeds,
            errors: errors[k],
            summary: seedSummary(errors[k]),
            decomposition: varianceDecomposition(errors[k], n),
          });
        });
        const family: PairStatistics[] = [];
        // Pairs: every condition on the whole test set, and per class on clean images (per
        // class under every corruption would multiply the bootstrap's cost by the classes).
        if (arms.length > 1 && (cls === null || condition.kind === "clean")) {
          const scopeKey = `${set.name}|${conditionKey(condition)}|${cls ?? ""}`;
          const boot = bootstrapPairs(
            arms.map((arm, k) => ({ name: arm.name, wrong: scoped[k] })),
            { replicates, seed: hashString(scopeKey, hashString(String(bootSeed))) },
          );
          for (let i = 0; i < arms.length; i++) {
            for (let j = i + 1; j < arms.length; j++) {
              family.push({
                ...scope,
                a: arms[i].name,
                b: arms[j].name,
                bootstrap: boot[i][j]!,
                welch: welchTest(errors[i], errors[j]),
                welchHolm: null,
              });
            }
          }
        }
        const withP = family.filter((f) => f.welch.p !== null);
        holm(withP.map((f) => f.welch.p!)).forEach((p, k) => withP[k].welchHolm = p);
        pairs.push(...family);
      }
    }
    // Secondary: single-run McNemar for every seed both models have, on clean images.
    const clean = conditions.find((c) => c.kind === "clean");
    if (clean) {
      for (let i = 0; i < arms.length; i++) {
        for (let j = i + 1; j < arms.length; j++) {
          for (const seed of arms[i].seeds.filter((s) => arms[j].seeds.includes(s))) {
            const wa = wrongOf(arms[i].runs.find((r) => r.seed === seed)!, set.name, clean);
            const wb = wrongOf(arms[j].runs.find((r) => r.seed === seed)!, set.name, clean);
            let onlyA = 0, onlyB = 0;
            for (let k = 0; k < wa.length; k++) {
              if (wa[k] && !wb[k]) onlyA++;
              else if (!wa[k] && wb[k]) onlyB++;
            }
            const m = mcnemar(onlyA, onlyB);
            mcnemarRows.push({
              a: arms[i].name,
              b: arms[j].name,
              testSet: set.name,
              seed,
              onlyA,
              onlyB,
              pMid: m.pMid,
              pExact: m.pExact,
            });
          }
        }
      }
      for (const arm of arms) {
        const probs = arm.runs.map((r) => r.probabilities[set.name]).filter((p) => p);
        if (probs.length !== arm.runs.length) continue;
        const ensemble = seedEnsemble(probs, labels, classCount);
        const stats = perArm.find((s) =>
          s.arm === arm.name && s.testSet === set.name && s.kind === "clean" && s.class === null
        )!;
        ensembles.push({
          arm: arm.name,
          testSet: set.name,
          ...ensemble,
          meanSeedError: stats.summary.mean,
        });
      }
    }
  }
  const cleanOverall = (arm: string, testSet: string) =>
    perArm.find((s) =>
      s.arm === arm && s.testSet === testSet && s.kind === "clean" && s.class === null
    );
  const ranking: StudyRanking[] = testSets.flatMap((set) => {
    const rows = arms.map((a) => ({ arm: a.name, stats: cleanOverall(a.name, set.name) }))
      .filter((r) => r.stats);
    if (rows.length === 0) return [];
    rows.sort((x, y) =>
      x.stats!.summary.mean - y.stats!.summary.mean || x.arm.localeCompare(y.arm)
    );
    const differ = (i: number, j: number) => {
      const pair = pairs.find((p) =>
        p.testSet === set.name && p.kind === "clean" && p.class === null &&
        ((p.a === rows[i].arm && p.b === rows[j].arm) ||
          (p.a === rows[j].arm && p.b === rows[i].arm))
      );
      return pair?.welchHolm !== null && pair?.welchHolm !== undefined && pair.welchHolm < 0.05;
    };
    return [{
      testSet: set.name,
      arms: rows.map((r) => r.arm),
      means: rows.map((r) => r.stats!.summary.mean),
      letters: compactLetters(rows.length, differ),
    }];
  });
  const minimaxInput: Record<string, Record<string, number>> = {};
  for (const arm of arms) {
    minimaxInput[arm.name] = {};
    for (const set of testSets) {
      const s = cleanOverall(arm.name, set.name);
      if (s) minimaxInput[arm.name][set.name] = s.summary.mean;
    }
  }
  return {
    arms: arms.map(({ runs: _runs, ...rest }) => rest),
    testSets,
    conditions,
    perArm,
    pairs,
    mcnemar: mcnemarRows,
    ensembles,
    ranking,
    minimax: minimax(minimaxInput),
    bootstrap: { replicates, seed: bootSeed },
  };
}

function indicesOf(labels: Uint8Array, cls: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === cls) out.push(i);
  return Uint32Array.from(out);
}

function countOnes(w: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}
