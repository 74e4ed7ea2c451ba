/**
 * Item provenance: which source (name + checksum) every item of a dataset came from and its id
 * there, kept through subsets, splits, samples and joins, and written compactly per source as
 * sorted id ranges or a bitmap (whichever is smaller), so a training run can say exactly what it
 * saw.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { InputError } from "../util/errors.ts";
import type { DigitDataset, ItemSource, Provenance } from "./types.ts";

/**
 * The item ids of `ds` (its `ids`, or 0..count-1 when it has none).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { itemIds } from "./provenance.ts";
 * deepStrictEqual(itemIds({ count: 2 } as never), new Uint32Array([0, 1]));
 * ```
 */
export function itemIds(ds: DigitDataset): Uint32Array {
  if (ds.ids) return ds.ids;
  const ids = new Uint32Array(ds.count);
  for (let i = 0; i < ds.count; i++) ids[i] = i;
  return ids;
}

/**
 * The provenance of `ds`: its own, or, for a set as loaded, every item from `ds` itself.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { provenanceOf } from "./provenance.ts";
 * const p = provenanceOf({ name: "s", checksum: "c", count: 2 } as never);
 * deepStrictEqual(p.sources, [{ name: "s", checksum: "c" }]);
 * deepStrictEqual(p.sourceIds, new Uint32Array([0, 1]));
 * ```
 */
export function provenanceOf(ds: DigitDataset): Provenance {
  if (ds.provenance) return ds.provenance;
  return {
    sources: [{ name: ds.name, checksum: ds.checksum }],
    sourceIndex: new Uint32Array(ds.count),
    sourceIds: itemIds(ds).subarray(0, ds.count),
  };
}

/**
 * The provenance of the items of `ds` at `indices` (indices already checked).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { subsetProvenance } from "./provenance.ts";
 * const p = subsetProvenance({ name: "s", checksum: "c", count: 3 } as never, [2, 0]);
 * deepStrictEqual(p.sourceIds, new Uint32Array([2, 0]));
 * ```
 */
export function subsetProvenance(ds: DigitDataset, indices: ArrayLike<number>): Provenance {
  const parent = provenanceOf(ds);
  const n = indices.length;
  const sourceIndex = new Uint32Array(n), sourceIds = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    sourceIndex[k] = parent.sourceIndex[indices[k]];
    sourceIds[k] = parent.sourceIds[indices[k]];
  }
  return { sources: parent.sources, sourceIndex, sourceIds };
}

const sourceKey = (s: ItemSource) => `${s.checksum}\u0000${s.name}`;

/**
 * The provenance of `datasets` joined in order: one sources table (a source shared by parts
 * appears once), each item keeping its source and id.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { concatProvenance } from "./provenance.ts";
 * const a = { name: "a", checksum: "x", count: 1 } as never;
 * const p = concatProvenance([a, a]);
 * deepStrictEqual([p.sources.length, p.sourceIds], [1, new Uint32Array([0, 0])]);
 * ```
 */
export function concatProvenance(datasets: readonly DigitDataset[]): Provenance {
  const sources: ItemSource[] = [];
  const position = new Map<string, number>();
  const count = datasets.reduce((a, d) => a + d.count, 0);
  const sourceIndex = new Uint32Array(count), sourceIds = new Uint32Array(count);
  let at = 0;
  for (const d of datasets) {
    const p = provenanceOf(d);
    const remap = p.sources.map((s) => {
      const key = sourceKey(s);
      if (!position.has(key)) {
        position.set(key, sources.length);
        sources.push({ name: s.name, checksum: s.checksum });
      }
      return position.get(key)!;
    });
    for (let i = 0; i < d.count; i++) sourceIndex[at + i] = remap[p.sourceIndex[i]];
    sourceIds.set(p.sourceIds.subarray(0, d.count), at);
    at += d.count;
  }
  return { sources, sourceIndex, sourceIds };
}

/**
 * A set of item ids, exactly: sorted half-open ranges `[from, to)`, or a bitmap (bit i of byte
 * i >> 3, base64) over `0..size-1`, whichever {@link encodeIdSet} found smaller.
 */
export type IdSet = { ranges: [number, number][] } | { bitmap: string; size: number };

/**
 * Encodes a set of ids (any order, duplicates allowed) as ranges or a bitmap, whichever is
 * shorter as JSON.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeIdSet, encodeIdSet } from "./provenance.ts";
 * deepStrictEqual(encodeIdSet(new Uint32Array([5, 3, 4, 9])), { ranges: [[3, 6], [9, 10]] });
 * deepStrictEqual(decodeIdSet(encodeIdSet(new Uint32Array([5, 3, 4, 9]))), new Uint32Array([3, 4, 5, 9]));
 * ```
 */
export function encodeIdSet(ids: ArrayLike<number>): IdSet {
  const sorted = Uint32Array.from(ids).sort();
  const ranges: [number, number][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const last = ranges.at(-1);
    if (last && sorted[i] <= last[1]) last[1] = Math.max(last[1], sorted[i] + 1);
    else ranges.push([sorted[i], sorted[i] + 1]);
  }
  const size = sorted.length ? sorted[sorted.length - 1] + 1 : 0;
  const rangesChars = ranges.reduce((a, [f, t]) => a + String(f).length + String(t).length + 4, 0);
  if (rangesChars <= Math.ceil(size / 8 / 3) * 4 + 32) return { ranges };
  const bits = new Uint8Array(Math.ceil(size / 8));
  for (const id of sorted) bits[id >> 3] |= 1 << (id & 7);
  return { bitmap: Buffer.from(bits).toString("base64"), size };
}

/**
 * The ids of an {@link IdSet}, ascending, each once.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeIdSet } from "./provenance.ts";
 * deepStrictEqual(decodeIdSet({ bitmap: "BQ==", size: 3 }), new Uint32Array([0, 2]));
 * ```
 */
export function decodeIdSet(set: IdSet, where = "id set"): Uint32Array {
  if ("ranges" in set && Array.isArray(set.ranges)) {
    const n = set.ranges.reduce((a, [f, t]) => a + (t - f), 0);
    const out = new Uint32Array(n);
    let at = 0;
    for (const [from, to] of set.ranges) for (let id = from; id < to; id++) out[at++] = id;
    return out;
  }
  if ("bitmap" in set && typeof set.bitmap === "string" && Number.isInteger(set.size)) {
    const bits = Buffer.from(set.bitmap, "base64");
    const out: number[] = [];
    for (let id = 0; id < set.size; id++) if (bits[id >> 3] & (1 << (id & 7))) out.push(id);
    return Uint32Array.from(out);
  }
  throw new InputError(where, "", "{ranges: [[from, to], …]} or {bitmap, size}");
}

/** The items one source contributed to a set. */
export interface SourceItems extends ItemSource {
  /** Items of the set from this source. */
  count: number;
  /** Their ids in the source. */
  ids: IdSet;
}

/**
 * Groups the items of `ds` by source: per source its name, checksum, item count and id set.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sourceItems } from "./provenance.ts";
 * const items = sourceItems({ name: "s", checksum: "c", count: 3 } as never);
 * deepStrictEqual(items, [{ name: "s", checksum: "c", count: 3, ids: { ranges: [[0, 3]] } }]);
 * ```
 */
export function sourceItems(ds: DigitDataset): SourceItems[] {
  const p = provenanceOf(ds);
  const groups: number[][] = p.sources.map(() => []);
  for (let i = 0; i < ds.count; i++) groups[p.sourceIndex[i]].push(p.sourceIds[i]);
  return p.sources.flatMap((s, k) =>
    groups[k].length === 0 ? [] : [{
      name: s.name,
      checksum: s.checksum,
      count: groups[k].length,
      ids: encodeIdSet(groups[k]),
    }]
  );
}
