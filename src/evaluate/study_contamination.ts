/**
 * The contamination check of a study (`src/evaluate/contamination.ts` per cell): every cell
 * scores all evaluated items and records which of them its own training and validation data
 * held; the study joins the records into one summary per model × test set and, under
 * `exclude`, restricts every cell to the items that no cell of the study saw, so that the
 * paired statistics (two-level bootstrap, McNemar per seed pair) compare the same items. Pure:
 * no files.
 *
 * @module
 */
import { decodeIdSet, type IdSet } from "../data/provenance.ts";
import { NEAR_DUPLICATE_L1 } from "../data/near_duplicates.ts";
import {
  type ContaminationPolicy,
  type ContaminationSummary,
  type Overlap,
  uncheckedOverlap,
  unseenItems,
} from "./contamination.ts";
import type { StudyRun } from "./study_stats.ts";

/** What one finished cell recorded (its `cell.json`'s `contamination`). */
export interface CellContamination {
  /** Model label of the cell in the study. */
  arm: string;
  /** Null for a cell finished before the check existed: nothing is known. */
  record: { overlaps: Overlap[]; seen: Record<string, IdSet> } | null;
}

/** The study's check: the summary, and the items scored per test set (null: all). */
export interface StudyContamination {
  /** Overlaps per model (not per cell) × test set: the most over the model's seeds. */
  summary: ContaminationSummary;
  /** Per test set, the indices of the items every cell is scored on under `exclude`. */
  scored: Record<string, Uint32Array | null>;
}

/**
 * Joins the cells' records for test sets of `count` evaluated items each. Under `exclude`,
 * `scored` names the items no cell saw (a one-line error when no item is left).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { studyContamination } from "./study_contamination.ts";
 * const overlap = (model: string, n: number) => ({ model, testSet: "t", items: 6, overlap: n,
 *   trained: n, validated: 0, byProvenance: n, byFingerprint: n, nearDuplicates: 0,
 *   checked: true });
 * const cell = (arm: string, seen: [number, number][]) => ({ arm, record: {
 *   overlaps: [overlap(arm, seen.reduce((s, [a, b]) => s + b - a, 0))],
 *   seen: { t: { ranges: seen } } } });
 * const { summary, scored } = studyContamination(
 *   [cell("a", [[0, 2]]), cell("a", [[0, 2]]), cell("b", [[4, 5]])],
 *   [{ name: "t", count: 6 }],
 *   "exclude",
 * );
 * deepStrictEqual(Array.from(scored.t!), [2, 3, 5]);
 * deepStrictEqual(summary.testSets, [{ name: "t", before: 6, after: 3 }]);
 * deepStrictEqual(summary.overlaps.map((o) => [o.model, o.overlap]), [["a", 2], ["b", 1]]);
 * ```
 */
export function studyContamination(
  cells: readonly CellContamination[],
  testSets: readonly { name: string; count: number }[],
  policy: ContaminationPolicy,
): StudyContamination {
  const arms = [...new Set(cells.map((c) => c.arm))];
  const overlaps: Overlap[] = [];
  const sizes: ContaminationSummary["testSets"] = [];
  const scored: Record<string, Uint32Array | null> = {};
  for (const set of testSets) {
    const seenByAny = new Uint8Array(set.count);
    for (const cell of cells) {
      const seen = cell.record?.seen[set.name];
      if (!seen) continue;
      for (const i of decodeIdSet(seen, `items of ${set.name} seen by a ${cell.arm} cell`)) {
        if (i < set.count) seenByAny[i] = 1;
      }
    }
    for (const arm of arms) {
      const own = cells.filter((c) => c.arm === arm);
      const found = own.map((c) => c.record?.overlaps.find((o) => o.testSet === set.name));
      const most = found.reduce<Overlap | undefined>(
        (best, o) => (o && (!best || o.overlap > best.overlap) ? o : best),
        undefined,
      );
      overlaps.push(
        most && found.every((o) => o?.checked)
          ? { ...most, model: arm }
          : uncheckedOverlap(arm, set.name, set.count),
      );
    }
    const clean = policy === "exclude" && set.count > 0 ? unseenItems(set.name, seenByAny) : null;
    const cut = clean !== null && clean.length < set.count;
    scored[set.name] = cut ? Uint32Array.from(clean) : null;
    sizes.push({ name: set.name, before: set.count, after: cut ? clean.length : set.count });
  }
  return {
    summary: { policy, overlaps, testSets: sizes, nearDuplicateL1: NEAR_DUPLICATE_L1 },
    scored,
  };
}

/**
 * The runs restricted to the `scored` items of each test set (labels, ids, every condition's
 * predictions and the clean probabilities), as if they had been evaluated on those items only.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { restrictStudyRuns } from "./study_contamination.ts";
 * import { syntheticStudyRuns } from "./study_testing.ts";
 * const [run] = restrictStudyRuns(syntheticStudyRuns({ a: [0.1] }, { items: 20 }),
 *   { synthetic: Uint32Array.of(3, 7) });
 * deepStrictEqual(run.evaluation.testSets[0].labels, [3, 7]);
 * deepStrictEqual(run.probabilities.synthetic.length, 20);
 * ```
 */
export function restrictStudyRuns(
  runs: readonly StudyRun[],
  scored: Record<string, Uint32Array | null>,
): StudyRun[] {
  const pick = <T>(values: readonly T[], keep: Uint32Array) => Array.from(keep, (i) => values[i]);
  return runs.map((run) => {
    const ev = run.evaluation;
    const probabilities = { ...run.probabilities };
    for (const [name, keep] of Object.entries(scored)) {
      const probs = probabilities[name];
      if (!keep || !probs) continue;
      const classes = probs.length / (ev.testSets.find((t) => t.name === name)?.count ?? 1);
      const out = new Float32Array(keep.length * classes);
      keep.forEach((i, k) => out.set(probs.subarray(i * classes, (i + 1) * classes), k * classes));
      probabilities[name] = out;
    }
    return {
      ...run,
      probabilities,
      evaluation: {
        ...ev,
        testSets: ev.testSets.map((t) => {
          const keep = scored[t.name];
          return keep
            ? { ...t, count: keep.length, ids: pick(t.ids, keep), labels: pick(t.labels, keep) }
            : t;
        }),
        predictions: ev.predictions.map((p) => {
          const keep = scored[p.testSet];
          return keep ? { ...p, predicted: pick(p.predicted, keep) } : p;
        }),
      },
    };
  });
}
