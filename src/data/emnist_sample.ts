/**
 * The real EMNIST-digits sample shared beside the repository (`../shared/data/
 * emnist-digits-sample`): 600 official test images in the transposed IDX layout, and the
 * complete official train/test label files.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import type { DigitDataset, LabelSet } from "./types.ts";
import { loadEmnistMapping } from "./emnist.ts";
import { loadIdxDataset, loadIdxLabels } from "./idx_dataset.ts";
import { emnistSampleDir } from "./paths.ts";
import { readInputFile } from "./files.ts";

/** What the shared sample holds. */
export interface EmnistDigitsSample {
  /** 600 real test images (60 per digit), upright; `ids` are their official test-set indices. */
  sample: DigitDataset;
  /** The complete official train labels (240,000). */
  trainLabels: LabelSet;
  /** The complete official test labels (40,000). */
  testLabels: LabelSet;
}

/**
 * Loads the shared EMNIST-digits sample, turning the transposed images upright.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadEmnistDigitsSample } from "./emnist_sample.ts";
 * const { sample, trainLabels } = await loadEmnistDigitsSample();
 * strictEqual(sample.count, 600); strictEqual(trainLabels.count, 240000);
 * ```
 */
export async function loadEmnistDigitsSample(
  dir: string = emnistSampleDir(),
): Promise<EmnistDigitsSample> {
  try {
    await Deno.stat(dir);
  } catch {
    throw new InputError(
      dir,
      "",
      "the shared EMNIST digits sample folder (../shared/data/emnist-digits-sample beside the repo)",
      "no such folder",
    );
  }
  const mapping = await loadEmnistMapping(join(dir, "emnist-digits-mapping.txt"));
  const sample = await loadIdxDataset({
    imagesPath: join(dir, "emnist-digits-sample600-images-idx3-ubyte.gz"),
    labelsPath: join(dir, "emnist-digits-sample600-labels-idx1-ubyte.gz"),
    name: "emnist-digits-sample600",
    transposed: true,
    ...mapping,
  });
  sample.ids = await readIndices(
    join(dir, "emnist-digits-sample600-test-indices.txt"),
    sample.count,
  );
  const labels = (part: "train" | "test") =>
    loadIdxLabels(join(dir, `emnist-digits-${part}-labels-idx1-ubyte.gz`), {
      name: `emnist-digits-${part}-labels`,
      ...mapping,
    });
  return { sample, trainLabels: await labels("train"), testLabels: await labels("test") };
}

async function readIndices(path: string, count: number): Promise<Uint32Array> {
  const lines = new TextDecoder().decode(await readInputFile(path)).split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  if (lines.length !== count) {
    throw new InputError(path, "", `${count} indices, one per sample image`, `${lines.length}`);
  }
  return Uint32Array.from(lines, (line, i) => {
    const n = Number(line.trim());
    if (!Number.isInteger(n) || n < 0) {
      throw new InputError(path, `line ${i + 1}`, "a non-negative integer index", line);
    }
    return n;
  });
}
