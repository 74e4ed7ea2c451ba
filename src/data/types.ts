/**
 * The one dataset shape every loader returns.
 *
 * @module
 */

/** Side length of every digit image the kit works with. */
export const IMAGE_SIZE = 28;

/** Pixels per image (28 × 28). */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/**
 * A set of 28×28 uint8 grayscale digits, upright, white (255) on black (0), as MNIST stores them.
 *
 * `images` holds `count × 28 × 28` bytes row-major; `labels[i]` is an index into `classNames`,
 * or 255 when the item is unlabeled (e.g. the Kaggle `test.csv`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { type DigitDataset, PIXELS } from "./types.ts";
 * const ds: DigitDataset = {
 *   name: "tiny", images: new Uint8Array(PIXELS), labels: new Uint8Array([3]), count: 1,
 *   classNames: ["0","1","2","3","4","5","6","7","8","9"], source: "memory", checksum: "",
 * };
 * strictEqual(ds.labels.length, ds.count);
 * ```
 */
export interface DigitDataset {
  /** Short name, e.g. `mnist-train`. */
  name: string;
  /** `count × 28 × 28` uint8 pixels, row-major, upright. */
  images: Uint8Array;
  /** One class index per image; {@link UNLABELED} where no label is known. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
  /** Human-readable class names; index = label. */
  classNames: string[];
  /** Where the data came from (file path or package). */
  source: string;
  /** sha256 (hex) of the source bytes the images were decoded from. */
  checksum: string;
  /** Stable item ids (e.g. original index in the source file); defaults to 0..count-1. */
  ids?: Uint32Array;
  /**
   * Where every item came from, kept by subsets, splits, samples and joins (see
   * `src/data/provenance.ts`). Absent on a set as loaded: each item is then item `ids[i]` of
   * the source (`name`, `checksum`) itself.
   */
  provenance?: Provenance;
}

/** A source of items: a loaded file or package part, known by name and by content checksum. */
export interface ItemSource {
  /** Name of the set as loaded, e.g. `mnist-test`. */
  name: string;
  /** sha256 (hex) of the source bytes, the identity that matters. */
  checksum: string;
}

/**
 * Per-item origin in compact form: item i is item `sourceIds[i]` of `sources[sourceIndex[i]]`.
 */
export interface Provenance {
  /** The distinct sources of the set's items. */
  sources: ItemSource[];
  /** Index into `sources`, one per item. */
  sourceIndex: Uint32Array;
  /** The item's id in its source (its index there, or the source's own id), one per item. */
  sourceIds: Uint32Array;
}

/**
 * Labels without images, e.g. a complete label file whose images are not available.
 * Every {@link DigitDataset} is also a `LabelSet`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { LabelSet } from "./types.ts";
 * const set: LabelSet = {
 *   name: "l", labels: new Uint8Array([0]), count: 1, classNames: ["0"], source: "", checksum: "",
 * };
 * strictEqual(set.labels.length, set.count);
 * ```
 */
export type LabelSet = Omit<DigitDataset, "images" | "ids" | "provenance">;

/** Label value for items without a known class. */
export const UNLABELED = 255;

/** The ten digit class names. */
export const DIGIT_CLASSES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
