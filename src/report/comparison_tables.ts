/**
 * The comparison report's tables: ranking with significance letters, pairwise McNemar tests,
 * minimax selection and error overlap.
 *
 * @module
 */
import type { ComparisonResult } from "../evaluate/types.ts";
import { type Block, table } from "./document.ts";
import { tableBlock } from "./table.ts";
import { count, percent, pValue } from "./format.ts";

/**
 * Ranking with compact letters for one test set and condition.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { rankingTable } from "./comparison_tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(rankingTable(comparison, "synthetic-test")?.kind, "table");
 * ```
 */
export function rankingTable(comparison: ComparisonResult, testSet: string): Block | null {
  const ranking = comparison.rankings.find((r) => r.kind === "clean" && r.testSet === testSet);
  if (!ranking) return null;
  return tableBlock(
    ranking.rows.map((r) => ({
      ...r,
      error: { value: r.misclassification, ...r.misclassificationCi },
    })),
    [
      { key: "rank" },
      { key: "model" },
      { key: "error", title: "misclassification [95% CI]", format: "interval" },
      { key: "letters", title: "group", format: "text" },
    ],
  );
}

/**
 * Pairwise McNemar tests of the clean condition on one test set.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { pairwiseTable } from "./comparison_tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(pairwiseTable(comparison, "synthetic-test")?.kind, "table");
 * ```
 */
export function pairwiseTable(comparison: ComparisonResult, testSet: string): Block | null {
  const family = comparison.pairwise.find((f) =>
    f.testSet === testSet && f.factor === "clean" && f.classLabel === null
  );
  if (!family || family.tests.length === 0) return null;
  return table(
    [
      "A",
      "B",
      "n",
      "only A wrong",
      "only B wrong",
      "error A − B [95% CI]",
      "p exact",
      "p mid",
      "p (Holm)",
      "significant",
    ],
    family.tests.map((t) => [
      t.modelA,
      t.modelB,
      count(t.n),
      count(t.onlyAWrong),
      count(t.onlyBWrong),
      `${(100 * t.difference).toFixed(2)} pp [${(100 * t.differenceCi.lower).toFixed(2)}, ` +
      `${(100 * t.differenceCi.upper).toFixed(2)}]`,
      pValue(t.pExact),
      pValue(t.pMid),
      pValue(comparison.method === "midp" ? t.pMidHolm : t.pExactHolm),
      t.significant ? "yes" : "no",
    ]),
  );
}

/**
 * Minimax model selection: each model's worst and best error over the chosen test sets.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { minimaxTable } from "./comparison_tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(minimaxTable(comparison).kind, "table");
 * ```
 */
export function minimaxTable(comparison: ComparisonResult): Block {
  const sets = comparison.minimax.testSets;
  return table(
    ["model", ...sets, "worst", "spread (worst − best)", "selected"],
    comparison.minimax.entries.map((e) => [
      e.model,
      ...sets.map((s) => percent(e.errors[s])),
      `${percent(e.worst)} (${e.worstTestSet})`,
      percent(e.spread),
      e.model === comparison.minimax.selected ? "**yes**" : "",
    ]),
  );
}

/**
 * Error overlap on the clean condition: how many models get each item wrong, ensemble, oracle.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { overlapBlocks } from "./comparison_tables.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 50);
 * strictEqual(overlapBlocks(comparison, "synthetic-test").length, 3);
 * ```
 */
export function overlapBlocks(comparison: ComparisonResult, testSet: string): Block[] {
  const o = comparison.overlap.find((x) => x.kind === "clean" && x.testSet === testSet);
  if (!o) return [];
  return [
    table(
      ["items wrong by k models", ...o.wrongBy.map((_, k) => `k = ${k}`)],
      [["items", ...o.wrongBy.map(count)]],
    ),
    table(
      ["n", "best single model error", "majority-vote ensemble error", "oracle error (all wrong)"],
      [[count(o.n), percent(o.bestSingleError), percent(o.ensembleError), percent(o.oracleError)]],
    ),
    table(
      ["Jaccard overlap of errors", ...o.models],
      o.models.map((m, i) => [m, ...o.jaccard[i].map((v) => v.toFixed(2))]),
    ),
  ];
}
