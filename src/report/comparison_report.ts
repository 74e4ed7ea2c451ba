/**
 * The comparison report across architectures, as document blocks: ranking with significance
 * letters, minimax selection, pairwise tests, robustness (CE / mCE), error overlap, figures.
 *
 * @module
 */
import { type Block, h, list, p, table } from "./document.ts";
import { count, percent, rateWithInterval } from "./format.ts";
import { cleanResults, placeFigures, primaryTestSet, type ReportFigure } from "./figures.ts";
import type { ReportInput } from "./input.ts";
import { reproducibilityBlocks } from "./reproducibility.ts";
import { contaminationSummaryItems, contaminationWarning } from "./contamination_blocks.ts";
import { scoredOverlap } from "../evaluate/contamination.ts";
import { minimaxTable, overlapBlocks, pairwiseTable, rankingTable } from "./comparison_tables.ts";
import {
  calibrationTable,
  corruptionParameterTable,
  overallTable,
  robustnessTable,
  sweepTable,
  testSetTable,
} from "./tables.ts";

function summary(input: ReportInput): Block[] {
  const ev = input.evaluation;
  const cmp = input.comparison;
  const primary = primaryTestSet(input);
  const best = cmp?.rankings.find((r) => r.kind === "clean" && r.testSet === primary)?.rows[0];
  const items = [
    ...contaminationSummaryItems(ev),
    `Models: ${ev.models.map((m) => `\`${m.name}\``).join(", ")}.`,
    `Test sets: ${ev.testSets.map((t) => `${t.name} (n = ${count(t.count)})`).join(", ")}.`,
    `Evaluation suite \`${ev.metadata.suite}\`: ${
      count(ev.conditions.length)
    } model × test set × ` +
    "condition results.",
  ];
  if (best) {
    items.push(
      `Lowest clean error on ${primary}: **${best.model}**, ` +
        `${rateWithInterval(best.misclassification, best.misclassificationCi)}` +
        (scoredOverlap(ev.contamination, best.model, primary) > 0
          ? ` ⚠ (contaminated: it trained or validated on ${
            count(scoredOverlap(ev.contamination, best.model, primary))
          } of these items).`
          : "."),
    );
  }
  if (cmp) {
    items.push(
      `Minimax selection (lowest worst-case error over ${cmp.minimax.testSets.join(", ")}): ` +
        `**${cmp.minimax.selected}**.`,
    );
  }
  return [h(2, "Summary"), list(items)];
}

/**
 * The blocks of the comparison report (`report.md`); `cards` maps model → card file name.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { comparisonBlocks } from "./comparison_report.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 100);
 * const blocks = comparisonBlocks({ runName: "demo", evaluation, comparison, reproducibility: {
 *   command: "", seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } }, [], {});
 * deepStrictEqual(blocks[0], {kind: "heading", level: 1, text: "Architecture comparison: demo"});
 * ```
 */
export function comparisonBlocks(
  input: ReportInput,
  figures: ReportFigure[],
  cards: Record<string, string>,
): Block[] {
  const ev = input.evaluation;
  const cmp = input.comparison;
  const blocks: Block[] = [
    h(1, `Architecture comparison: ${input.runName}`),
    p(
      "Misclassification rates with 95% Wilson intervals and n; paired McNemar tests on the same " +
        "test items (mid-p by default, Holm-corrected across pairs). Model cards: " +
        Object.entries(cards).map(([m, file]) => `[${m}](${file})`).join(", ") + ".",
    ),
    ...summary(input),
    ...placeFigures(figures, "training-curves"),
  ];
  for (const t of ev.testSets) {
    const clean = cleanResults(input, t.name);
    if (clean.length === 0) continue;
    blocks.push(h(2, `Clean test set: ${t.name}`), ...contaminationWarning(ev, t.name));
    blocks.push(overallTable(clean, "model"));
    if (cmp) {
      const ranking = rankingTable(cmp, t.name);
      if (ranking) {
        blocks.push(
          h(3, "Ranking"),
          p(
            `Models sharing a letter are not significantly different (McNemar ${cmp.method}, Holm, ` +
              `α = ${cmp.alpha}).`,
          ),
          ranking,
        );
      }
      blocks.push(...placeFigures(figures, "ranking", { testSet: t.name }));
      const pairwise = pairwiseTable(cmp, t.name);
      if (pairwise) {
        blocks.push(
          h(3, "Pairwise tests"),
          pairwise,
          ...placeFigures(figures, "pvalues", { testSet: t.name }),
        );
      }
    }
    blocks.push(h(3, "Per class"), ...placeFigures(figures, "per-class", { testSet: t.name }));
    blocks.push(
      h(3, "Calibration"),
      calibrationTable(clean),
      ...placeFigures(figures, "reliability", { testSet: t.name }),
    );
    if (cmp) {
      const overlap = overlapBlocks(cmp, t.name);
      if (overlap.length) {
        blocks.push(
          h(3, "Error overlap"),
          ...overlap,
          ...placeFigures(figures, "overlap", { testSet: t.name }),
        );
      }
    }
  }
  if (cmp && cmp.minimax.entries.length) {
    blocks.push(
      h(2, "Model selection (minimax)"),
      ...contaminationWarning(ev),
      p(
        "The seed model cards' rule: pick the model whose worst misclassification over the chosen " +
          "test sets is lowest; the spread shows how much the error moves between data sources.",
      ),
      minimaxTable(cmp),
    );
  }
  const factors = [...new Set(ev.sweeps.map((s) => s.factor))];
  if (factors.length) {
    blocks.push(h(2, "Degradation sweeps"), ...contaminationWarning(ev, primaryTestSet(input)));
    for (const factor of factors) {
      blocks.push(
        ...placeFigures(figures, "degradation", { factor }),
        sweepTable(
          ev.sweeps.filter((s) => s.factor === factor && s.testSet === primaryTestSet(input)),
        ),
      );
    }
  }
  const robust = ev.robustness.filter((r) => r.corruptions.length);
  if (robust.length) {
    const n = ev.testSets.find((t) => t.name === robust[0].testSet)?.count ?? 0;
    blocks.push(
      h(2, "Robustness to corruptions"),
      ...contaminationWarning(ev, robust[0].testSet),
      p(
        robust[0].baseline
          ? `CE and mCE are normalised by \`${robust[0].baseline}\` (Hendrycks & Dietterich 2019).`
          : "No baseline model was chosen, so CE/mCE are not normalised; mean errors are shown.",
      ),
      robustnessTable(robust, n),
      table(
        ["corruption", ...robust.map((r) => r.model)],
        robust[0].corruptions.map((c, i) => [
          c.corruption,
          ...robust.map((r) => percent(r.corruptions[i]?.meanError, 1)),
        ]),
      ),
      ...placeFigures(figures, "corruptions"),
      h(3, "Corruption parameters"),
      corruptionParameterTable(robust[0].corruptions.map((c) => c.corruption)),
      ...placeFigures(figures, "corruption-gallery"),
    );
  }
  blocks.push(
    h(2, "Data"),
    testSetTable(ev),
    ...placeFigures(figures, "samples"),
    ...reproducibilityBlocks(input.reproducibility, ev, input.training ?? []),
  );
  return blocks;
}
