/**
 * Turning IDX image and label files into a {@link DigitDataset}: shape checks, label/image
 * count agreement, class-set checks, checksum pinning, and EMNIST's transposed layout.
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { DIGIT_CLASSES, type DigitDataset, IMAGE_SIZE, type LabelSet, PIXELS } from "./types.ts";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxFile, readIdxFile } from "./idx.ts";

/** Options of {@link loadIdxDataset}. */
export interface IdxDatasetOptions {
  /** IDX3 image file (raw or gzip). */
  imagesPath: string;
  /** IDX1 label file (raw or gzip); without it every item is unlabeled. */
  labelsPath?: string;
  /** Dataset name; defaults to the image file's base name. */
  name?: string;
  /** Class names, index = class; defaults to the ten digits. */
  classNames?: readonly string[];
  /** Raw label value stored in the file for each class index; defaults to 0..classes-1. */
  labelCodes?: readonly number[];
  /** True for EMNIST's official files, whose images are stored transposed. */
  transposed?: boolean;
  /** Pinned sha256 of the decompressed files; a mismatch is an input error. */
  expectedSha256?: { images?: string; labels?: string };
  /** Source description; defaults to the image path. */
  source?: string;
}

/**
 * Transposes each 28×28 image in place (EMNIST's official files store images transposed).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { transposeImagesInPlace } from "./idx_dataset.ts";
 * const img = new Uint8Array(784);
 * img[1] = 9; // row 0, column 1
 * transposeImagesInPlace(img, 1);
 * strictEqual(img[28], 9); // now row 1, column 0
 * ```
 */
export function transposeImagesInPlace(images: Uint8Array, count: number): Uint8Array {
  for (let n = 0; n < count; n++) {
    const base = n * PIXELS;
    for (let r = 0; r < IMAGE_SIZE; r++) {
      for (let c = r + 1; c < IMAGE_SIZE; c++) {
        const a = base + r * IMAGE_SIZE + c, b = base + c * IMAGE_SIZE + r;
        const t = images[a];
        images[a] = images[b];
        images[b] = t;
      }
    }
  }
  return images;
}

/**
 * Rewrites raw label values as class indices in place, rejecting values outside the class set.
 * `firstByte` is the file offset of `labels[0]`, so errors point at the exact byte.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { mapLabelsInPlace } from "./idx_dataset.ts";
 * const labels = new Uint8Array([1, 26]);
 * mapLabelsInPlace(labels, [1, 2, 26], "letters.idx", 8);
 * deepStrictEqual(labels, new Uint8Array([0, 2]));
 * ```
 */
export function mapLabelsInPlace(
  labels: Uint8Array,
  labelCodes: readonly number[],
  file: string,
  firstByte: number,
): Uint8Array {
  const classOf = new Int16Array(256).fill(-1);
  labelCodes.forEach((code, index) => classOf[code] = index);
  const identity = labelCodes.every((code, index) => code === index);
  for (let i = 0; i < labels.length; i++) {
    const cls = classOf[labels[i]];
    if (cls < 0) {
      const set = labelCodes.length <= 12 ? labelCodes.join(",") : `${labelCodes.length} codes`;
      throw new InputError(
        file,
        `byte ${firstByte + i} (label ${i})`,
        `a class label in {${set}}`,
        String(labels[i]),
      );
    }
    if (!identity) labels[i] = cls;
  }
  return labels;
}

function checkSha256(file: IdxFile, expected: string | undefined): void {
  if (expected !== undefined && file.checksum !== expected) {
    throw new InputError(file.file, "", `sha256 ${expected}`, file.checksum);
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop()!.replace(/\.gz$/, "");
}

/**
 * Builds a dataset from decoded IDX files (images view and labels are used in place).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { encodeIdx, parseIdx } from "./idx.ts";
 * import { idxFilesToDataset } from "./idx_dataset.ts";
 * const images = { ...parseIdx(encodeIdx(new Uint8Array(784), [1, 28, 28]), "i"), file: "i", checksum: "" };
 * const labels = { ...parseIdx(encodeIdx(new Uint8Array([4]), [1]), "l"), file: "l", checksum: "" };
 * deepStrictEqual(idxFilesToDataset(images, labels, { imagesPath: "i" }).labels, new Uint8Array([4]));
 * ```
 */
export function idxFilesToDataset(
  images: IdxFile,
  labels: IdxFile | undefined,
  options: IdxDatasetOptions,
): DigitDataset {
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new InputError(
      images.file,
      "bytes 4-15",
      `N×${IMAGE_SIZE}×${IMAGE_SIZE} images`,
      images.dims.join("×"),
    );
  }
  const classNames = [...(options.classNames ?? DIGIT_CLASSES)];
  let labelBytes: Uint8Array;
  if (labels) {
    if (labels.dims[0] !== count || labels.dims.length !== 1) {
      throw new InputError(
        labels.file,
        "bytes 4-7",
        `${count} labels, one per image in ${images.file}`,
        labels.dims.join("×"),
      );
    }
    const codes = options.labelCodes ?? classNames.map((_, i) => i);
    labelBytes = mapLabelsInPlace(labels.data, codes, labels.file, 8);
  } else {
    labelBytes = new Uint8Array(count).fill(255);
  }
  if (options.transposed) transposeImagesInPlace(images.data, count);
  return {
    name: options.name ?? baseName(images.file),
    images: images.data,
    labels: labelBytes,
    count,
    classNames,
    source: options.source ?? images.file,
    checksum: images.checksum,
  };
}

/**
 * Loads an IDX image file and its optional label file as a {@link DigitDataset}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadIdxDataset } from "./idx_dataset.ts";
 * const dir = "../shared/data/emnist-digits-sample";
 * const ds = await loadIdxDataset({
 *   imagesPath: `${dir}/emnist-digits-sample600-upright-images-idx3-ubyte.gz`,
 *   labelsPath: `${dir}/emnist-digits-sample600-labels-idx1-ubyte.gz`,
 * });
 * strictEqual(ds.count, 600);
 * ```
 */
export async function loadIdxDataset(options: IdxDatasetOptions): Promise<DigitDataset> {
  const images = await readIdxFile(options.imagesPath, IDX_IMAGES_MAGIC);
  checkSha256(images, options.expectedSha256?.images);
  const labels = options.labelsPath
    ? await readIdxFile(options.labelsPath, IDX_LABELS_MAGIC)
    : undefined;
  if (labels) checkSha256(labels, options.expectedSha256?.labels);
  return idxFilesToDataset(images, labels, options);
}

/**
 * Loads an IDX1 label file alone (e.g. a complete EMNIST label file whose images are absent).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadIdxLabels } from "./idx_dataset.ts";
 * const set = await loadIdxLabels(
 *   "../shared/data/emnist-digits-sample/emnist-digits-test-labels-idx1-ubyte.gz",
 * );
 * strictEqual(set.count, 40000);
 * ```
 */
export async function loadIdxLabels(
  path: string,
  options: Pick<IdxDatasetOptions, "name" | "classNames" | "labelCodes"> = {},
): Promise<LabelSet> {
  const file = await readIdxFile(path, IDX_LABELS_MAGIC);
  const classNames = [...(options.classNames ?? DIGIT_CLASSES)];
  const codes = options.labelCodes ?? classNames.map((_, i) => i);
  return {
    name: options.name ?? baseName(path),
    labels: mapLabelsInPlace(file.data, codes, path, 8),
    count: file.dims[0],
    classNames,
    source: path,
    checksum: file.checksum,
  };
}
