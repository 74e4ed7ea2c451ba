/**
 * Result shapes of `compare`: paired McNemar tests, minimax selection, error overlap and
 * ranking tables. Plain JSON, like the evaluation types (re-exported from `./types.ts`).
 *
 * @module
 */
import type { Condition, Interval } from "./condition_types.ts";

/** Which McNemar p-value ranks and letters models. */
export type McNemarMethod = "exact" | "midp";

/**
 * Paired comparison of models A and B on the same items: counts of the 2×2 table of
 * (A correct?, B correct?), McNemar tests and the difference in error rates.
 */
export interface PairwiseTest {
  modelA: string;
  modelB: string;
  /** Items compared. */
  n: number;
  /** Items both get right. */
  bothCorrect: number;
  /** Items A gets wrong and B right. */
  onlyAWrong: number;
  /** Items A gets right and B wrong. */
  onlyBWrong: number;
  /** Items both get wrong. */
  bothWrong: number;
  errorA: number;
  errorB: number;
  /** errorA − errorB (negative: A misclassifies fewer). */
  difference: number;
  /** 95% interval on the difference (Newcombe 1998 method 10, Wilson score based). */
  differenceCi: Interval;
  /** Exact (conditional binomial) McNemar two-sided p; 1 with no discordant pairs. */
  pExact: number;
  /** Mid-p McNemar (Fagerland, Lydersen & Laake 2013). */
  pMid: number;
  /** Holm-adjusted `pExact` within this family of tests. */
  pExactHolm: number;
  /** Holm-adjusted `pMid` within this family of tests. */
  pMidHolm: number;
  /** Holm-adjusted p of the chosen method below alpha. */
  significant: boolean;
}

/** The pairwise tests of one family (Holm adjusts within it), e.g. one condition. */
export interface PairwiseFamily {
  testSet: string;
  /** `clean`, or the sweep/corruption factor. */
  factor: string;
  /** Sweep level or severity; null for tests pooled over severities. */
  level: number | null;
  /** Restricted to items of this true class; null for all items. */
  classLabel: number | null;
  tests: PairwiseTest[];
}

/** A model's worst and best misclassification over the chosen test sets (clean condition). */
export interface MinimaxEntry {
  model: string;
  /** Misclassification on each test set, by test set name. */
  errors: Record<string, number>;
  worst: number;
  worstTestSet: string;
  best: number;
  bestTestSet: string;
  /** worst − best. */
  spread: number;
}

/** The model-selection rule of the model cards: lowest worst-case misclassification. */
export interface MinimaxSelection {
  testSets: string[];
  entries: MinimaxEntry[];
  /** Model with the lowest `worst` (ties: lower spread, then name). */
  selected: string;
}

/** Error overlap of several models on the same items. */
export interface OverlapCounts {
  /** Items compared. */
  n: number;
  /** `wrongBy[k]`: items exactly k models misclassify (k = 0…models). */
  wrongBy: number[];
  /** `jaccard[i][j]`: |errors_i ∩ errors_j| / |errors_i ∪ errors_j| (1 where both are empty). */
  jaccard: number[][];
  /** `shared[i][j]`: items both model i and model j misclassify (diagonal: i's errors). */
  shared: number[][];
  /** Misclassification of the plurality-vote ensemble (ties go to the best single model). */
  ensembleError: number;
  /** Share of items every model misclassifies: the error of a perfect selector (oracle). */
  oracleError: number;
  /** Misclassification of the best single model. */
  bestSingleError: number;
}

/** Which items the models get wrong, together, on one test set under one condition. */
export interface ErrorOverlap extends Condition, OverlapCounts {
  testSet: string;
  models: string[];
}

/** One row of a ranking table. */
export interface RankingRow {
  /** 1 = lowest misclassification. */
  rank: number;
  model: string;
  misclassification: number;
  misclassificationCi: Interval;
  /** Compact letter display: models sharing a letter are not significantly different. */
  letters: string;
}

/** Models ordered by misclassification on one test set and condition, with letters. */
export interface Ranking extends Condition {
  testSet: string;
  method: McNemarMethod;
  alpha: number;
  rows: RankingRow[];
}

/** Everything `compare` derived from one or more evaluations of the same test items. */
export interface ComparisonResult {
  schema: "digitkit.comparison/1";
  models: string[];
  method: McNemarMethod;
  alpha: number;
  /** Pairwise tests per condition (all items), per class (clean) and per corruption (pooled). */
  pairwise: PairwiseFamily[];
  minimax: MinimaxSelection;
  overlap: ErrorOverlap[];
  rankings: Ranking[];
}
