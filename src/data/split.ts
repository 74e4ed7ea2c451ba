/**
 * Seeded, stratified splits and samples, and the named split presets of the model cards.
 * Subsets keep their items' ids and come back in ascending source order.
 *
 * @module
 */
import { Random } from "../util/random.ts";
import { UsageError } from "../util/errors.ts";
import type { DigitDataset } from "./types.ts";
import { concatDatasets, subset } from "./ops.ts";

/** Indices of each label value, in ascending order (unlabeled items form their own group). */
function indicesByLabel(labels: Uint8Array, count: number): Uint32Array[] {
  const sizes = new Uint32Array(256);
  for (let i = 0; i < count; i++) sizes[labels[i]]++;
  const groups = Array.from(sizes, (s) => new Uint32Array(s));
  const fill = new Uint32Array(256);
  for (let i = 0; i < count; i++) groups[labels[i]][fill[labels[i]]++] = i;
  return groups.filter((g) => g.length > 0);
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) =>
    b[0] - a[0] || a[1] - b[1]
  );
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k][1]]++;
  return parts;
}

function checkFractions(fractions: number[]): void {
  const sum = fractions.reduce((a, b) => a + b, 0);
  if (fractions.length === 0 || fractions.some((f) => !(f >= 0)) || Math.abs(sum - 1) > 1e-9) {
    throw new UsageError(`split fractions must be ≥ 0 and sum to 1, got ${fractions.join("/")}`);
  }
}

/**
 * Index sets of a stratified split: every class is shuffled with `seed` and cut by `fractions`.
 * Each returned index set is ascending.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { stratifiedSplitIndices } from "./split.ts";
 * const [a, b] = stratifiedSplitIndices(new Uint8Array([0, 0, 1, 1]), [0.5, 0.5], 42);
 * strictEqual(a.length, 2); strictEqual(b.length, 2);
 * ```
 */
export function stratifiedSplitIndices(
  labels: Uint8Array,
  fractions: number[],
  seed: number,
): Uint32Array[] {
  checkFractions(fractions);
  const random = new Random(seed);
  // Each item's key is its (shuffled) rank within its class, scaled to (0, 1): sorting all
  // items by key interleaves the classes in proportion, so cutting that order at the global
  // sizes gives exact part sizes and every class within one item of its share.
  const keys = new Float64Array(labels.length);
  for (const group of indicesByLabel(labels, labels.length)) {
    const shuffled = random.shuffle(Uint32Array.from(group));
    shuffled.forEach((item, rank) => keys[item] = (rank + 0.5) / shuffled.length);
  }
  const order = Array.from({ length: labels.length }, (_, i) => i)
    .sort((a, b) => keys[a] - keys[b] || a - b);
  const parts: number[][] = [];
  let at = 0;
  for (const size of apportion(labels.length, fractions)) {
    parts.push(order.slice(at, at + size));
    at += size;
  }
  return parts.map((p) => Uint32Array.from(p).sort());
}

/**
 * Stratified, seeded split of `ds` into parts named `names` (default `<name>-part<k>`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { stratifiedSplit } from "./split.ts";
 * import { loadMnist } from "./mnist.ts";
 * const [train, val] = stratifiedSplit(await loadMnist("test"), [0.8, 0.2], 42);
 * strictEqual(train.count, 8000); strictEqual(val.count, 2000);
 * ```
 */
export function stratifiedSplit(
  ds: DigitDataset,
  fractions: number[],
  seed: number,
  names: string[] = fractions.map((_, k) => `${ds.name}-part${k}`),
): DigitDataset[] {
  const parts = stratifiedSplitIndices(ds.labels.subarray(0, ds.count), fractions, seed);
  return parts.map((indices, k) => subset(ds, indices, names[k]));
}

/**
 * A seeded sample of exactly `n` items with class proportions as in `ds` (for tests and quick
 * profiles), in ascending source order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { stratifiedSample } from "./split.ts";
 * import { loadMnist } from "./mnist.ts";
 * strictEqual(stratifiedSample(await loadMnist("test"), 100, 1).count, 100);
 * ```
 */
export function stratifiedSample(ds: DigitDataset, n: number, seed: number): DigitDataset {
  if (!Number.isInteger(n) || n < 0 || n > ds.count) {
    throw new UsageError(`sample size must be an integer in 0..${ds.count}, got ${n}`);
  }
  const random = new Random(seed);
  const groups = indicesByLabel(ds.labels.subarray(0, ds.count), ds.count);
  const quotas = apportion(n, groups.map((g) => g.length));
  const chosen: number[] = [];
  groups.forEach((group, g) => {
    const shuffled = random.shuffle(Uint32Array.from(group));
    for (let k = 0; k < quotas[g]; k++) chosen.push(shuffled[k]);
  });
  return subset(ds, Uint32Array.from(chosen).sort(), `${ds.name}-sample${n}`);
}

/**
 * Splits off the last `fraction` of `ds` without shuffling (Keras' `validation_split`).
 * Both parts are views on `ds`'s bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { tailSplit } from "./split.ts";
 * import { loadMnist } from "./mnist.ts";
 * const [head, tail] = tailSplit(await loadMnist("train"), 0.1);
 * strictEqual(head.count, 54000); strictEqual(tail.count, 6000);
 * ```
 */
export function tailSplit(
  ds: DigitDataset,
  fraction: number,
  names: [string, string] = [`${ds.name}-head`, `${ds.name}-tail`],
): [DigitDataset, DigitDataset] {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new UsageError(`tail fraction must be in [0, 1], got ${fraction}`);
  }
  const cut = Math.floor(ds.count * (1 - fraction));
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return [
    subset(ds, range(0, cut), names[0]),
    subset(ds, range(cut, ds.count), names[1]),
  ];
}

/** The model cards' splits. */
export const SPLIT_PRESETS = ["kaggle-60-20-20", "keras-last-10", "mdsist-70-15-15"] as const;
/** One split preset name. */
export type SplitPreset = typeof SPLIT_PRESETS[number];

/**
 * Presets whose training part includes the given test set's items (mdsist merges MNIST train
 * and test before splitting); given no test set they split `train` alone.
 */
export const PRESETS_MERGING_TEST: readonly SplitPreset[] = ["mdsist-70-15-15"];

/** Train, validation and test sets of a preset. */
export interface SplitSets {
  train: DigitDataset;
  validation: DigitDataset;
  test: DigitDataset;
}

/**
 * Applies a named preset: `kaggle-60-20-20` (stratified 60/20/20 of `train`, seed 42),
 * `keras-last-10` (last 10% of `train` as validation, no shuffle; `test` as given),
 * `mdsist-70-15-15` (stratified 70/15/15 of `train`+`test` merged, seed 42; of `train` alone
 * when no `test` is given, which keeps every test item out of training).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { applySplitPreset } from "./split.ts";
 * import { loadMnistSplits } from "./mnist.ts";
 * const sets = applySplitPreset("keras-last-10", await loadMnistSplits());
 * strictEqual(sets.train.count, 54000); strictEqual(sets.validation.count, 6000); strictEqual(sets.test.count, 10000);
 * ```
 */
export function applySplitPreset(
  preset: string,
  data: { train: DigitDataset; test?: DigitDataset },
  seed = 42,
): SplitSets {
  const { train, test } = data;
  const parts = (ds: DigitDataset) => ["train", "validation", "test"].map((p) => `${ds.name}-${p}`);
  const asSets = ([train, validation, test]: DigitDataset[]) => ({ train, validation, test });
  switch (preset) {
    case "kaggle-60-20-20":
      return asSets(stratifiedSplit(train, [0.6, 0.2, 0.2], seed, parts(train)));
    case "keras-last-10": {
      if (!test) throw new UsageError("split preset keras-last-10 needs a test set");
      const [head, tail] = tailSplit(train, 0.1, [
        `${train.name}-train`,
        `${train.name}-validation`,
      ]);
      return asSets([head, tail, test]);
    }
    case "mdsist-70-15-15": {
      const merged = test ? concatDatasets([train, test], `${train.name}+${test.name}`) : train;
      return asSets(stratifiedSplit(merged, [0.7, 0.15, 0.15], seed, parts(merged)));
    }
    default:
      throw new UsageError(`unknown split preset '${preset}' (known: ${SPLIT_PRESETS.join(", ")})`);
  }
}
