/**
 * EMNIST (Cohen et al. 2017) from the official file names, as gzip IDX files in a folder or
 * inside the official `gzip.zip`, with the split's class mapping. The official images are
 * stored transposed; the loader turns them upright (MNIST orientation).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { InputError } from "../util/errors.ts";
import type { DigitDataset } from "./types.ts";
import { fileKind, isFile, readInputFile, statInput, UnreadableInputError } from "./files.ts";
import { decodeIdxFile, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxFile } from "./idx.ts";
import { idxFilesToDataset } from "./idx_dataset.ts";
import { unzipEntries } from "./zip.ts";

/** The six EMNIST splits. */
export const EMNIST_SPLITS = [
  "digits",
  "mnist",
  "balanced",
  "letters",
  "byclass",
  "bymerge",
] as const;
/** One EMNIST split name. */
export type EmnistSplit = typeof EMNIST_SPLITS[number];

/** A split's class mapping: raw label code per class index, and readable class names. */
export interface EmnistMapping {
  /** Raw label value in the label file, per class index. */
  labelCodes: number[];
  /** Characters of each class (`"A/a"` where upper and lower case share a class). */
  classNames: string[];
}

/**
 * Official file name of an EMNIST file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { emnistFileName } from "./emnist.ts";
 * strictEqual(emnistFileName("digits", "test", "labels"), "emnist-digits-test-labels-idx1-ubyte.gz");
 * ```
 */
export function emnistFileName(
  split: EmnistSplit,
  part: "train" | "test",
  kind: "images" | "labels",
): string {
  return `emnist-${split}-${part}-${kind}-idx${kind === "images" ? 3 : 1}-ubyte.gz`;
}

/**
 * Parses `emnist-<split>-mapping.txt` (`<label> <ascii> [<ascii>]` per line, CRLF).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseEmnistMapping } from "./emnist.ts";
 * const m = parseEmnistMapping("1 65 97\r\n2 66 98\r\n", "letters-mapping.txt");
 * deepStrictEqual(m.labelCodes, [1, 2]);
 * deepStrictEqual(m.classNames, ["A/a", "B/b"]);
 * ```
 */
export function parseEmnistMapping(text: string, file: string): EmnistMapping {
  const labelCodes: number[] = [], classNames: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    if (!/^\d+( +\d+)+$/.test(line)) {
      throw new InputError(file, `line ${i + 1}`, "'<label> <ascii code> [<ascii code>]'", line);
    }
    const [code, ...chars] = line.split(/ +/).map(Number);
    if (code > 255) throw new InputError(file, `line ${i + 1}`, "a label code 0..255", `${code}`);
    labelCodes.push(code);
    classNames.push(chars.map((c) => String.fromCharCode(c)).join("/"));
  });
  if (labelCodes.length === 0) {
    throw new InputError(file, "line 1", "at least one mapping line", "an empty file");
  }
  return { labelCodes, classNames };
}

/** Options of {@link loadEmnist}. */
export interface EmnistOptions {
  /** Folder with the official `.gz` files and mapping, or with the official `gzip.zip`. */
  dir?: string;
  /** The official `gzip.zip` itself (instead of `dir`). */
  zip?: string;
  /** Which split. */
  split: EmnistSplit;
  /** Train or test part. */
  part: "train" | "test";
}

/** Reads the named entries from the official `gzip.zip` (entries live under `gzip/`). */
async function readZipEntries(zipPath: string, names: string[]): Promise<Uint8Array[]> {
  return unzipEntries(await readInputFile(zipPath), zipPath, names);
}

/**
 * Loads one EMNIST split and part, upright, with classes from the split's mapping file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadEmnist } from "./emnist.ts";
 * // A folder with emnist-digits-test-*-ubyte.gz and emnist-digits-mapping.txt, or gzip.zip.
 * const dir = Deno.env.get("EMNIST_DIR");
 * if (dir) strictEqual((await loadEmnist({ dir, split: "digits", part: "test" })).count, 40000);
 * ```
 */
export async function loadEmnist(options: EmnistOptions): Promise<DigitDataset> {
  const { split, part } = options;
  if (options.dir !== undefined) {
    const info = await statInput(options.dir);
    if (!info.isDirectory) throw new UnreadableInputError(options.dir, "a folder", fileKind(info));
  }
  const dir = options.dir ?? dirname(options.zip ?? ".");
  const imagesName = emnistFileName(split, part, "images");
  const labelsName = emnistFileName(split, part, "labels");
  const mappingName = `emnist-${split}-mapping.txt`;
  const name = `emnist-${split}-${part}`;
  const zipPath = options.zip ?? join(dir, "gzip.zip");
  if (options.zip || (!(await isFile(join(dir, imagesName))) && (await isFile(zipPath)))) {
    const [imagesGz, labelsGz, mappingBytes] = await readZipEntries(zipPath, [
      imagesName,
      labelsName,
      mappingName,
    ]);
    const mapping = parseEmnistMapping(new TextDecoder().decode(mappingBytes), mappingName);
    const at = (entry: string) => `${zipPath}:${entry}`;
    const images = decodeIdxFile(imagesGz, at(imagesName), IDX_IMAGES_MAGIC);
    const labels = decodeIdxFile(labelsGz, at(labelsName), IDX_LABELS_MAGIC);
    return idxFilesToDataset(images, labels, {
      imagesPath: at(imagesName),
      name,
      transposed: true,
      ...mapping,
    });
  }
  const mapping = await loadEmnistMapping(join(dir, mappingName));
  const images = await readIdxFile(join(dir, imagesName), IDX_IMAGES_MAGIC);
  const labels = await readIdxFile(join(dir, labelsName), IDX_LABELS_MAGIC);
  return idxFilesToDataset(images, labels, {
    imagesPath: images.file,
    name,
    transposed: true,
    ...mapping,
  });
}

/**
 * Reads and parses a mapping file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadEmnistMapping } from "./emnist.ts";
 * const m = await loadEmnistMapping("../shared/data/emnist-digits-sample/emnist-digits-mapping.txt");
 * strictEqual(m.classNames.join(""), "0123456789");
 * ```
 */
export async function loadEmnistMapping(path: string): Promise<EmnistMapping> {
  const bytes = await readInputFile(path);
  return parseEmnistMapping(new TextDecoder().decode(bytes), path);
}
