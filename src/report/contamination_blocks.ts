/**
 * What the report says about training/test overlap: plain sentences for the top of the
 * summary, a warning per contaminated test-set section, and a card section per model with the
 * overlap per test set and the card's own protocol result, labelled as such.
 *
 * @module
 */
import type { EvaluationResult, Overlap } from "../evaluate/types.ts";
import { type Block, h, p, table } from "./document.ts";
import { count, percent } from "./format.ts";
import type { ModelTraining } from "./input.ts";

/** What the blocks read: an evaluation's check (a study's joined check works the same). */
export type CheckedEvaluation =
  & Pick<EvaluationResult, "contamination">
  & Partial<Pick<EvaluationResult, "models">>;

const POLICY_WORDS = {
  exclude: "items any compared model trained or validated on were excluded before scoring",
  refuse: "the evaluation would have stopped at any overlap",
  report: "every item was scored; numbers that include items a model trained or validated on " +
    "are marked",
} as const;

function seenWords(o: Overlap): string {
  const parts = [`${count(o.trained)} trained on`, `${count(o.validated)} validated on`]
    .filter((s) => !s.startsWith("0 "));
  return `${count(o.overlap)} of the ${count(o.items)} items of ${o.testSet} (${parts.join(", ")})`;
}

/**
 * Sentences for the top of the report's summary: who saw which test items, what the policy did,
 * which models could not be checked. Empty when no check ran.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { contaminationSummaryItems } from "./contamination_blocks.ts";
 * const items = contaminationSummaryItems({ contamination: { policy: "exclude",
 *   nearDuplicateL1: 1568, testSets: [{ name: "t", before: 300, after: 250 }],
 *   overlaps: [{ model: "m", testSet: "t", items: 300, overlap: 50, trained: 50, validated: 0,
 *     byProvenance: 50, byFingerprint: 50, nearDuplicates: 0, checked: true }] } } as never);
 * ok(items[0].includes("m trained or validated on 50 of the 300 items of t"));
 * ok(items[1].includes("300 → 250"));
 * ```
 */
export function contaminationSummaryItems(ev: CheckedEvaluation): string[] {
  const check = ev.contamination;
  if (!check) return [];
  const seen = check.overlaps.filter((o) => o.checked && o.overlap > 0);
  const unchecked = [...new Set(check.overlaps.filter((o) => !o.checked).map((o) => o.model))];
  const items: string[] = [];
  if (seen.length === 0) {
    items.push(
      `**Training/test overlap: none.** No ${unchecked.length ? "checked " : ""}model trained ` +
        "or validated on any evaluated test item (checked by item provenance and by pixel " +
        "fingerprint).",
    );
  } else {
    const who = seen.map((o) => `${o.model} trained or validated on ${seenWords(o)}`);
    items.push(
      `**Contaminated comparison:** ${who.join("; ")}. Policy \`${check.policy}\`: ` +
        `${POLICY_WORDS[check.policy]}.`,
    );
    if (check.policy === "exclude") {
      const cut = check.testSets.filter((t) => t.after < t.before)
        .map((t) => `${t.name} n = ${count(t.before)} → ${count(t.after)}`);
      items.push(
        `Every model is scored on the same clean items (paired tests need them): ${
          cut.join(", ")
        }.`,
      );
    }
  }
  const near = check.overlaps.filter((o) => (o.nearDuplicates ?? 0) > 0);
  if (near.length) {
    items.push(
      `Near-duplicates (not identical, L1 ≤ ${count(check.nearDuplicateL1)} over 784 pixels) ` +
        `of training images, scored as usual: ${
          near.map((o) => `${o.model} on ${o.testSet}: ${count(o.nearDuplicates!)}`).join(", ")
        }.`,
    );
  }
  if (unchecked.length) {
    items.push(
      `Not checked for overlap (no record of their training items): ${unchecked.join(", ")}.`,
    );
  }
  return items;
}

/**
 * A warning for a section showing numbers of test set `testSet` (or of every test set, when
 * not given) that include items a model saw (policy `report`); nothing otherwise.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { contaminationWarning } from "./contamination_blocks.ts";
 * deepStrictEqual(contaminationWarning({} as never, "t"), []);
 * ```
 */
export function contaminationWarning(ev: CheckedEvaluation, testSet?: string): Block[] {
  const check = ev.contamination;
  if (!check || check.policy !== "report") return [];
  const seen = check.overlaps.filter((o) =>
    (testSet === undefined || o.testSet === testSet) && o.overlap > 0
  );
  if (seen.length === 0) return [];
  return [p(
    `⚠ **Contaminated numbers:** ${
      seen.map((o) => `${o.model} (${seenWords(o)})`).join("; ")
    }. Numbers in this section for ${
      seen.length > 1 ? "these models" : "this model"
    } include items it trained or validated on and are optimistic; rankings, selections and ` +
      "tests involving it are not fair comparisons.",
  )];
}

/**
 * The card section on training/test overlap for `model`, and its protocol result.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { contaminationCardBlocks } from "./contamination_blocks.ts";
 * strictEqual(contaminationCardBlocks({} as never, "m", undefined).length, 0);
 * ```
 */
export function contaminationCardBlocks(
  ev: CheckedEvaluation,
  model: string,
  training: ModelTraining | undefined,
): Block[] {
  const blocks: Block[] = [];
  const check = ev.contamination;
  if (check) {
    const rows = check.overlaps.filter((o) => o.model === model).map((o) => {
      const scored = check.testSets.find((t) => t.name === o.testSet);
      return [
        o.testSet,
        count(o.items),
        o.checked ? count(o.overlap) : "not checked",
        o.checked ? `${count(o.trained)} / ${count(o.validated)}` : "",
        o.checked ? count(o.byProvenance) : "",
        o.checked ? count(o.byFingerprint) : "",
        o.nearDuplicates === null ? "n/a" : count(o.nearDuplicates),
        scored ? count(scored.after) : "",
      ];
    });
    blocks.push(
      h(2, "Training/Test Overlap"),
      p(
        `Test items this model trained or validated on, found by item provenance (same source ` +
          `checksum and id) and by pixel fingerprint (same image from any source). Policy ` +
          `\`${check.policy}\`: ${POLICY_WORDS[check.policy]}.`,
      ),
      table(
        [
          "test set",
          "items checked",
          "overlap",
          "trained / validated",
          "by provenance",
          "by pixels",
          "near-duplicates",
          "items scored",
        ],
        rows,
        ["left", "right", "right", "right", "right", "right", "right", "right"],
      ),
    );
  }
  const mine = check?.policy === "report"
    ? check.overlaps.filter((o) => o.model === model && o.overlap > 0)
    : [];
  if (mine.length) {
    blocks.push(p(
      `⚠ **Contaminated numbers:** the analyses below on ${
        mine.map((o) => `${o.testSet} include ${count(o.overlap)} items`).join(" and ")
      } this model trained or validated on; they are optimistic.`,
    ));
  }
  const protocol = training?.protocol ?? ev.models?.find((m) => m.name === model)?.protocol;
  if (protocol) {
    blocks.push(
      h(3, "Protocol result (the recipe's own test split)"),
      p(
        `Accuracy ${percent(protocol.accuracy)} on the ${count(protocol.n)} items of ` +
          `${protocol.testSet} (${protocol.note}). Not comparable with the numbers above: it ` +
          "is measured on the recipe's own split, not on the compared test sets.",
      ),
    );
  }
  return blocks;
}
