/**
 * Small pure operations on datasets: index subsets, concatenation, float conversion, counts.
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { type DigitDataset, type LabelSet, PIXELS, UNLABELED } from "./types.ts";
import { sha256Hex } from "./checksum.ts";
import { concatProvenance, itemIds, subsetProvenance } from "./provenance.ts";

export { itemIds } from "./provenance.ts";

function isContiguous(indices: ArrayLike<number>): boolean {
  for (let i = 1; i < indices.length; i++) if (indices[i] !== indices[0] + i) return false;
  return true;
}

/**
 * The items of `ds` at `indices`, in that order, keeping their ids and provenance. A contiguous
 * ascending
 * range shares `ds`'s bytes (views, no copy); any other selection copies just those items.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { subset } from "./ops.ts";
 * import { DIGIT_CLASSES, PIXELS } from "./types.ts";
 * const ds = { name: "d", images: new Uint8Array(3 * PIXELS), labels: new Uint8Array([0, 1, 2]),
 *   count: 3, classNames: [...DIGIT_CLASSES], source: "", checksum: "" };
 * deepStrictEqual(subset(ds, [2, 0]).labels, new Uint8Array([2, 0]));
 * deepStrictEqual(subset(ds, [2, 0]).ids, new Uint32Array([2, 0]));
 * ```
 */
export function subset(
  ds: DigitDataset,
  indices: ArrayLike<number>,
  name = `${ds.name}[${indices.length}]`,
): DigitDataset {
  const n = indices.length;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new UsageError(`subset of ${ds.name}: index ${i} outside 0..${ds.count - 1}`);
    }
  }
  const parentIds = itemIds(ds);
  const ids = new Uint32Array(n);
  for (let k = 0; k < n; k++) ids[k] = parentIds[indices[k]];
  let images: Uint8Array, labels: Uint8Array;
  if (n > 0 && isContiguous(indices)) {
    const start = indices[0];
    images = ds.images.subarray(start * PIXELS, (start + n) * PIXELS);
    labels = ds.labels.subarray(start, start + n);
  } else {
    images = new Uint8Array(n * PIXELS);
    labels = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      images.set(ds.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
      labels[k] = ds.labels[i];
    }
  }
  return { ...ds, name, images, labels, count: n, ids, provenance: subsetProvenance(ds, indices) };
}

/**
 * Joins datasets with the same classes (e.g. MNIST + EMNIST digits) into one copy. Ids become
 * positions in the joined set (unique, e.g. for augmentation seeds); every item keeps its
 * provenance (source and id there); the checksum is the sha256 of the parts' checksums.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { concatDatasets, subset } from "./ops.ts";
 * import { DIGIT_CLASSES, PIXELS } from "./types.ts";
 * const a = { name: "a", images: new Uint8Array(PIXELS), labels: new Uint8Array([1]), count: 1,
 *   classNames: [...DIGIT_CLASSES], source: "a", checksum: "x" };
 * strictEqual(concatDatasets([a, a]).count, 2);
 * ```
 */
export function concatDatasets(
  datasets: DigitDataset[],
  name: string = datasets.map((d) => d.name).join("+"),
): DigitDataset {
  if (datasets.length === 0) throw new UsageError("concatDatasets needs at least one dataset");
  const classNames = datasets[0].classNames;
  for (const d of datasets) {
    if (d.classNames.join("\u0000") !== classNames.join("\u0000")) {
      throw new UsageError(
        `cannot join ${d.name} (classes ${d.classNames.join(",")}) with ${datasets[0].name} ` +
          `(classes ${classNames.join(",")})`,
      );
    }
  }
  const count = datasets.reduce((a, d) => a + d.count, 0);
  const images = new Uint8Array(count * PIXELS), labels = new Uint8Array(count);
  let at = 0;
  for (const d of datasets) {
    images.set(d.images.subarray(0, d.count * PIXELS), at * PIXELS);
    labels.set(d.labels.subarray(0, d.count), at);
    at += d.count;
  }
  const checksum = sha256Hex(new TextEncoder().encode(datasets.map((d) => d.checksum).join("\n")));
  const source = datasets.map((d) => d.source).join(" + ");
  return {
    name,
    images,
    labels,
    count,
    classNames: [...classNames],
    source,
    checksum,
    provenance: concatProvenance(datasets),
  };
}

/**
 * Pixels of `ds` (or of the items at `indices`) as floats in [0, 1], ready for a model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { toFloat32 } from "./ops.ts";
 * import { DIGIT_CLASSES, PIXELS } from "./types.ts";
 * const ds = { name: "d", images: new Uint8Array(PIXELS).fill(255), labels: new Uint8Array([0]),
 *   count: 1, classNames: [...DIGIT_CLASSES], source: "", checksum: "" };
 * strictEqual(toFloat32(ds)[0], 1);
 * ```
 */
export function toFloat32(ds: DigitDataset, indices?: ArrayLike<number>): Float32Array {
  const scale = 1 / 255;
  if (!indices) {
    const out = new Float32Array(ds.count * PIXELS);
    for (let p = 0; p < out.length; p++) out[p] = ds.images[p] * scale;
    return out;
  }
  const out = new Float32Array(indices.length * PIXELS);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new UsageError(`toFloat32 of ${ds.name}: index ${i} outside 0..${ds.count - 1}`);
    }
    const src = i * PIXELS, dst = k * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[dst + p] = ds.images[src + p] * scale;
  }
  return out;
}

/** Per-class counts of a label set. */
export interface ClassCounts {
  /** Count per class index. */
  perClass: number[];
  /** Items with the {@link UNLABELED} label. */
  unlabeled: number;
}

/**
 * Counts items per class (and unlabeled items).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { countClasses } from "./ops.ts";
 * const c = countClasses({ labels: new Uint8Array([1, 1, 255]), count: 3, classNames: ["0", "1"] } as never);
 * deepStrictEqual(c.perClass, [0, 2]);
 * strictEqual(c.unlabeled, 1);
 * ```
 */
export function countClasses(set: LabelSet): ClassCounts {
  const perClass = new Array<number>(set.classNames.length).fill(0);
  let unlabeled = 0;
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i];
    if (label === UNLABELED) unlabeled++;
    else perClass[label]++;
  }
  return { perClass, unlabeled };
}
