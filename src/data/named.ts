/**
 * Datasets by name, for `--dataset` flags of every command.
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import type { DigitDataset, LabelSet } from "./types.ts";
import { loadMnistSplits } from "./mnist.ts";
import { loadEmnistDigitsSample } from "./emnist_sample.ts";

/** Names accepted by {@link loadNamedDataset}. */
export const DATASET_NAMES = ["mnist", "emnist-digits-sample"] as const;
/** One dataset name. */
export type DatasetName = typeof DATASET_NAMES[number];

/** A named dataset's parts. */
export interface NamedDataset {
  /** The name asked for. */
  name: DatasetName;
  /** Source format, e.g. `mnist-idx`. */
  format: string;
  /** Training part, where the dataset has one. */
  train?: DigitDataset;
  /** Test part: MNIST's 10,000, or the 600 real EMNIST test images of the shared sample. */
  test: DigitDataset;
  /** Label files without images (the complete EMNIST label files). */
  labelSets: LabelSet[];
}

/**
 * Loads `mnist` (train 60,000 + test 10,000, sha256 verified) or `emnist-digits-sample`
 * (test: 600 real EMNIST digits, upright; plus the complete official label files).
 *
 * @example
 * ```ts
 * import { loadNamedDataset } from "./named.ts";
 * const { train, test } = await loadNamedDataset("mnist");
 * console.log(train?.count, test.count); // 60000 10000
 * ```
 */
export async function loadNamedDataset(name: string): Promise<NamedDataset> {
  if (name === "mnist") {
    const { train, test } = await loadMnistSplits();
    return { name, format: "mnist-idx", train, test, labelSets: [] };
  }
  if (name === "emnist-digits-sample") {
    const { sample, trainLabels, testLabels } = await loadEmnistDigitsSample();
    return { name, format: "emnist-idx", test: sample, labelSets: [trainLabels, testLabels] };
  }
  throw new UsageError(`unknown dataset '${name}' (known: ${DATASET_NAMES.join(", ")})`);
}
