/**
 * Contamination checks before scoring: for every model × test set, the test items the model
 * trained or validated on, found by provenance (same source checksum and item id) and by
 * content (same 64-bit pixel fingerprint, whatever the source), and a policy for them:
 *
 * - `exclude` (default for comparisons): every model is scored on the test items that none of
 *   the compared models trained or validated on (paired tests need the same items for all);
 * - `refuse`: stop with one line naming the model, the test set and the overlap count;
 * - `report`: score all items as before and mark every affected number.
 *
 * Near-duplicates (different pixels within a small L1 distance) are counted when the training
 * pixels are at hand, and reported, not excluded.
 *
 * @module
 */
import { decodeFingerprints, imageFingerprints } from "../data/fingerprint.ts";
import { NEAR_DUPLICATE_L1, nearestWithin } from "../data/near_duplicates.ts";
import { loadKnownItems } from "../data/known_sources.ts";
import { subset } from "../data/ops.ts";
import { decodeIdSet, provenanceOf } from "../data/provenance.ts";
import type { DigitDataset } from "../data/types.ts";
import type { ItemsRecord, PartItems } from "../train/items_record.ts";
import { itemsRecord } from "../train/items_record.ts";
import { UsageError } from "../util/errors.ts";

/** The policies, `exclude` first (the default). */
export const CONTAMINATION_POLICIES = ["exclude", "refuse", "report"] as const;
/** What to do with test items a model trained or validated on. */
export type ContaminationPolicy = typeof CONTAMINATION_POLICIES[number];

/**
 * Checks a `--contamination` value; `undefined` gives `fallback`.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { parseContaminationPolicy } from "./contamination.ts";
 * strictEqual(parseContaminationPolicy(undefined), "exclude");
 * strictEqual(parseContaminationPolicy("refuse"), "refuse");
 * throws(() => parseContaminationPolicy("ignore"), /refuse\|exclude\|report/);
 * ```
 */
export function parseContaminationPolicy(
  value: string | undefined,
  fallback: ContaminationPolicy = "exclude",
): ContaminationPolicy {
  if (value === undefined) return fallback;
  if ((CONTAMINATION_POLICIES as readonly string[]).includes(value)) {
    return value as ContaminationPolicy;
  }
  throw new UsageError(`--contamination must be refuse|exclude|report, got '${value}'`);
}

/** One part (train or validation) of what a model saw, ready for lookups. */
export interface SeenPart {
  /** Source checksum → item ids. */
  ids: Map<string, Set<number>>;
  fingerprints: Set<bigint>;
  /** The part's images, when at hand (in-process training), for near-duplicates. */
  images?: DigitDataset;
}

/** What a model trained and validated on. */
export interface SeenItems {
  train: SeenPart;
  validation: SeenPart | null;
}

function seenPart(part: PartItems, images?: DigitDataset): SeenPart {
  const ids = new Map<string, Set<number>>();
  for (const s of part.sources) {
    const set = ids.get(s.checksum) ?? new Set<number>();
    for (const id of decodeIdSet(s.ids, `items of ${s.name}`)) set.add(id);
    ids.set(s.checksum, set);
  }
  return { ids, fingerprints: new Set(decodeFingerprints(part.fingerprints)), images };
}

/**
 * Lookups over a run's `items.json` record.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { seenItemsOfRecord } from "./contamination.ts";
 * import { itemsRecord } from "../train/items_record.ts";
 * import { barDigits } from "../testing.ts";
 * const seen = seenItemsOfRecord(itemsRecord({ train: barDigits(4, 1) }));
 * strictEqual(seen.train.fingerprints.size > 0, true);
 * ```
 */
export function seenItemsOfRecord(record: ItemsRecord): SeenItems {
  return {
    train: seenPart(record.train),
    validation: record.validation ? seenPart(record.validation) : null,
  };
}

/**
 * {@link seenItemsOfRecord}, plus the seen images for the near-duplicate count where every
 * source of a part can be loaded again by checksum (MNIST; see `src/data/known_sources.ts`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { seenItemsWithImages } from "./contamination.ts";
 * import { itemsRecord } from "../train/items_record.ts";
 * import { subset } from "../data/ops.ts";
 * import { loadMnist } from "../data/mnist.ts";
 * const record = itemsRecord({ train: subset(await loadMnist("test"), [3, 9]) });
 * strictEqual((await seenItemsWithImages(record)).train.images?.count, 2);
 * ```
 */
export async function seenItemsWithImages(record: ItemsRecord): Promise<SeenItems> {
  const part = async (p: PartItems) => seenPart(p, (await loadKnownItems(p.sources)) ?? undefined);
  return {
    train: await part(record.train),
    validation: record.validation ? await part(record.validation) : null,
  };
}

/**
 * Lookups over training data in memory (a model trained in this process); keeps the images for
 * the near-duplicate count.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { seenItemsOfData } from "./contamination.ts";
 * import { barDigits } from "../testing.ts";
 * strictEqual(seenItemsOfData({ train: barDigits(4, 1) }).validation, null);
 * ```
 */
export function seenItemsOfData(
  data: { train: DigitDataset; validation?: DigitDataset },
): SeenItems {
  const record = itemsRecord(data);
  return {
    train: seenPart(record.train, data.train),
    validation: record.validation ? seenPart(record.validation, data.validation) : null,
  };
}

/** The overlap of one model with one test set. */
export interface Overlap {
  model: string;
  testSet: string;
  /** Test items checked (after any limit). */
  items: number;
  /** Test items the model trained or validated on (by provenance or by pixels). */
  overlap: number;
  /** Of those, in its training part. */
  trained: number;
  /** Of those, only in its validation part. */
  validated: number;
  /** Test items that are a seen source item (same source checksum and id). */
  byProvenance: number;
  /** Test items whose pixels equal a seen image's (same fingerprint). */
  byFingerprint: number;
  /** Test items within L1 ≤ `nearDuplicateL1` of a seen image but not equal to one; null when
   * the training pixels were not at hand. */
  nearDuplicates: number | null;
  /** False when the model has no record of its items: nothing could be checked. */
  checked: boolean;
}

/**
 * The entry of a model with no record of its items: nothing could be checked.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { uncheckedOverlap } from "./contamination.ts";
 * deepStrictEqual([uncheckedOverlap("m", "t", 9).checked, uncheckedOverlap("m", "t", 9).items],
 *   [false, 9]);
 * ```
 */
export function uncheckedOverlap(model: string, testSet: string, items: number): Overlap {
  return {
    model,
    testSet,
    items,
    overlap: 0,
    trained: 0,
    validated: 0,
    byProvenance: 0,
    byFingerprint: 0,
    nearDuplicates: null,
    checked: false,
  };
}

/** A model to check, with what it saw (null: unknown, e.g. a bare `model.json` folder). */
export interface CheckedModel {
  name: string;
  seen: SeenItems | null;
}

/** What the check found and did; evaluation results carry it as `contamination`. */
export interface ContaminationSummary {
  policy: ContaminationPolicy;
  /** One entry per model × test set. */
  overlaps: Overlap[];
  /** Items per test set before and after the policy (equal unless `exclude` removed some). */
  testSets: { name: string; before: number; after: number }[];
  /** L1 radius of the near-duplicate count (sum of |Δ| over 784 pixels in 0…255). */
  nearDuplicateL1: number;
}

/**
 * Which items of `test` a model saw: per item 0 (unseen), 1 (trained on), 2 (validated on
 * only), with the counts of an {@link Overlap}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { seenItemsOfData, testOverlap } from "./contamination.ts";
 * import { subset } from "../data/ops.ts";
 * import { barDigits } from "../testing.ts";
 * const all = barDigits(10, 3);
 * const seen = seenItemsOfData({ train: subset(all, [1, 2]), validation: subset(all, [5]) });
 * const { marks, overlap } = testOverlap(all, seen);
 * deepStrictEqual(Array.from(marks), [0, 1, 1, 0, 0, 2, 0, 0, 0, 0]);
 * deepStrictEqual([overlap.trained, overlap.validated, overlap.byProvenance], [2, 1, 3]);
 * ```
 */
export function testOverlap(
  test: DigitDataset,
  seen: SeenItems,
  fingerprints: BigUint64Array = imageFingerprints(test.images, test.count),
  nearDuplicateL1: number = NEAR_DUPLICATE_L1,
): { marks: Uint8Array; overlap: Omit<Overlap, "model" | "testSet" | "checked"> } {
  const p = provenanceOf(test);
  const marks = new Uint8Array(test.count);
  let byProvenance = 0, byFingerprint = 0;
  const parts = [seen.train, seen.validation];
  for (let i = 0; i < test.count; i++) {
    const checksum = p.sources[p.sourceIndex[i]].checksum, id = p.sourceIds[i];
    let provenance = false, pixels = false;
    for (const [k, part] of parts.entries()) {
      if (!part) continue;
      const hitId = part.ids.get(checksum)?.has(id) ?? false;
      const hitPixels = part.fingerprints.has(fingerprints[i]);
      provenance ||= hitId;
      pixels ||= hitPixels;
      if ((hitId || hitPixels) && marks[i] === 0) marks[i] = k + 1;
    }
    if (provenance) byProvenance++;
    if (pixels) byFingerprint++;
  }
  let trained = 0, validated = 0;
  for (const m of marks) m === 1 ? trained++ : m === 2 ? validated++ : 0;
  let nearDuplicates: number | null = null;
  const pictures = parts.flatMap((part) => part?.images ? [part.images] : []);
  if (pictures.length === parts.filter(Boolean).length) {
    const near = new Uint8Array(test.count);
    for (const images of pictures) {
      const d = nearestWithin(
        test.images,
        test.count,
        images.images,
        images.count,
        nearDuplicateL1,
      );
      for (let i = 0; i < test.count; i++) if (d[i] > 0) near[i] = 1;
    }
    nearDuplicates = 0;
    for (let i = 0; i < test.count; i++) if (near[i] && marks[i] === 0) nearDuplicates++;
  }
  return {
    marks,
    overlap: {
      items: test.count,
      overlap: trained + validated,
      trained,
      validated,
      byProvenance,
      byFingerprint,
      nearDuplicates,
    },
  };
}

/** Options of {@link applyContaminationPolicy}. */
export interface ContaminationOptions {
  /** Check (and score) only the first `limit` items of each test set, as the runner would. */
  limit?: number;
  /** Near-duplicate radius (default {@link NEAR_DUPLICATE_L1}). */
  nearDuplicateL1?: number;
}

/**
 * Checks every model against every test set and applies `policy`: returns the test sets to
 * score (under `exclude`, each cut to the items no model saw, keeping its name), the summary,
 * and per test set the indices (among its first `limit` items) that some model saw. Under
 * `refuse`, throws a one-line {@link UsageError} at the first overlap.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { applyContaminationPolicy, seenItemsOfData } from "./contamination.ts";
 * import { subset } from "../data/ops.ts";
 * import { barDigits } from "../testing.ts";
 * const test = barDigits(10, 3);
 * const models = [{ name: "a", seen: seenItemsOfData({ train: subset(test, [0, 4]) }) }];
 * const { testSets, summary } = applyContaminationPolicy(models, [test], "exclude");
 * deepStrictEqual(Array.from(testSets[0].ids!), [1, 2, 3, 5, 6, 7, 8, 9]);
 * deepStrictEqual(summary.testSets, [{ name: test.name, before: 10, after: 8 }]);
 * deepStrictEqual(applyContaminationPolicy(models, [test], "report").seen, [
 *   Uint32Array.of(0, 4),
 * ]);
 * ```
 */
export function applyContaminationPolicy(
  models: readonly CheckedModel[],
  testSets: readonly DigitDataset[],
  policy: ContaminationPolicy,
  options: ContaminationOptions = {},
): { testSets: DigitDataset[]; summary: ContaminationSummary; seen: Uint32Array[] } {
  const nearDuplicateL1 = options.nearDuplicateL1 ?? NEAR_DUPLICATE_L1;
  const overlaps: Overlap[] = [];
  const sizes: ContaminationSummary["testSets"] = [];
  const seen: Uint32Array[] = [];
  const scored = testSets.map((full) => {
    const n = Math.min(full.count, options.limit ?? full.count);
    const test = n === full.count ? full : subset(full, range(0, n), full.name);
    const fingerprints = imageFingerprints(test.images, test.count);
    const seenByAny = new Uint8Array(n);
    for (const model of models) {
      if (!model.seen) {
        overlaps.push(uncheckedOverlap(model.name, test.name, n));
        continue;
      }
      const { marks, overlap } = testOverlap(test, model.seen, fingerprints, nearDuplicateL1);
      overlaps.push({ model: model.name, testSet: test.name, ...overlap, checked: true });
      if (policy === "refuse" && overlap.overlap > 0) {
        throw new UsageError(
          `contamination: model ${model.name} trained or validated on ${overlap.overlap} of ` +
            `the ${n} items of test set ${test.name} (--contamination refuse; exclude scores ` +
            "the items no model saw)",
        );
      }
      for (let i = 0; i < n; i++) if (marks[i]) seenByAny[i] = 1;
    }
    seen.push(Uint32Array.from(range(0, n).filter((i) => seenByAny[i] === 1)));
    const clean = policy === "exclude" && n > 0 ? unseenItems(test.name, seenByAny) : null;
    const keep = clean !== null && clean.length < n;
    sizes.push({ name: test.name, before: n, after: keep ? clean.length : n });
    return keep ? subset(test, clean, test.name) : full;
  });
  return {
    testSets: scored,
    summary: { policy, overlaps, testSets: sizes, nearDuplicateL1 },
    seen,
  };
}

/**
 * The indices of the items of `testSet` that no model saw (`seenByAny[i]` is 0), for scoring
 * under `exclude`; a one-line {@link UsageError} when every item was seen.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { unseenItems } from "./contamination.ts";
 * deepStrictEqual(unseenItems("t", Uint8Array.of(0, 1, 0)), [0, 2]);
 * throws(() => unseenItems("t", Uint8Array.of(1, 1)), /every one of the 2 items of test set t/);
 * ```
 */
export function unseenItems(testSet: string, seenByAny: Uint8Array): number[] {
  const clean = range(0, seenByAny.length).filter((i) => seenByAny[i] === 0);
  if (clean.length === 0) {
    throw new UsageError(
      `contamination: every one of the ${seenByAny.length} items of test set ${testSet} was ` +
        "trained or validated on by a compared model; leave that model out, or score anyway " +
        "with --contamination report",
    );
  }
  return clean;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * The overlap of `model` with `testSet` that the scored numbers include: the overlap under
 * `report`, 0 under `exclude` (removed) and `refuse` (nothing was scored otherwise).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { scoredOverlap } from "./contamination.ts";
 * const summary = { policy: "report" as const, nearDuplicateL1: 1568, testSets: [],
 *   overlaps: [{ model: "a", testSet: "t", items: 9, overlap: 4, trained: 4, validated: 0,
 *     byProvenance: 4, byFingerprint: 4, nearDuplicates: null, checked: true }] };
 * strictEqual(scoredOverlap(summary, "a", "t"), 4);
 * strictEqual(scoredOverlap({ ...summary, policy: "exclude" }, "a", "t"), 0);
 * ```
 */
export function scoredOverlap(
  summary: ContaminationSummary | undefined,
  model: string,
  testSet: string,
): number {
  if (!summary || summary.policy !== "report") return 0;
  return summary.overlaps.find((o) => o.model === model && o.testSet === testSet)?.overlap ?? 0;
}

/**
 * Plain lines for a terminal: per model × test set with an overlap, what it saw and what the
 * policy did; models that could not be checked.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { contaminationLines } from "./contamination.ts";
 * deepStrictEqual(contaminationLines({ policy: "exclude", nearDuplicateL1: 1568, testSets: [],
 *   overlaps: [] }), ["contamination (policy exclude): no model trained or validated on any test item"]);
 * ```
 */
export function contaminationLines(summary: ContaminationSummary): string[] {
  const head = `contamination (policy ${summary.policy})`;
  const seen = summary.overlaps.filter((o) => o.checked && o.overlap > 0);
  const anyUnchecked = summary.overlaps.some((o) => !o.checked);
  const none = `no ${anyUnchecked ? "checked " : ""}model trained or validated on any test item`;
  const lines = seen.length === 0 ? [`${head}: ${none}`] : [`${head}:`];
  for (const o of seen) {
    lines.push(
      `  ${o.model} trained or validated on ${o.overlap} of ${o.items} ${o.testSet} items ` +
        `(${o.trained} trained, ${o.validated} validated only; ${o.byProvenance} by provenance, ` +
        `${o.byFingerprint} by pixels)`,
    );
  }
  for (const t of summary.testSets) {
    if (t.after < t.before) {
      lines.push(
        `  ${t.name}: every model scored on the ${t.after} of ${t.before} items no model saw`,
      );
    }
  }
  if (summary.policy === "report" && seen.length) {
    lines.push("  * marks numbers that include items the model trained or validated on");
  }
  const near = summary.overlaps.filter((o) => (o.nearDuplicates ?? 0) > 0);
  for (const o of near) {
    lines.push(
      `  ${o.model}: ${o.nearDuplicates} ${o.testSet} items are near-duplicates (L1 ≤ ` +
        `${summary.nearDuplicateL1}) of its training images (scored)`,
    );
  }
  const unchecked = [...new Set(summary.overlaps.filter((o) => !o.checked).map((o) => o.model))];
  if (unchecked.length) {
    lines.push(`  not checked (no record of training items): ${unchecked.join(", ")}`);
  }
  return lines;
}
