/**
 * The record of exactly which items a training run trained and validated on (`items.json`
 * beside `run.json`): per part, per source the checksum and the set of item ids (ranges or a
 * bitmap), plus the sorted 64-bit content fingerprints of the part's images. `run.json` names
 * the file with its sha256, so the record is part of the run's checksummed record and a changed
 * or swapped file is refused when read.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../data/checksum.ts";
import { encodeFingerprints, imageFingerprints } from "../data/fingerprint.ts";
import { type SourceItems, sourceItems } from "../data/provenance.ts";
import type { DigitDataset } from "../data/types.ts";
import { InputError } from "../util/errors.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** File name of the record in a run folder. */
export const ITEMS_JSON = "items.json";

/** The items of one part (train or validation). */
export interface PartItems {
  /** Items in the part. */
  count: number;
  /** Per source: name, checksum, item count and ids. */
  sources: SourceItems[];
  /** base64 of the distinct fingerprints, sorted, 8 bytes little-endian each. */
  fingerprints: string;
}

/** Contents of `items.json`. */
export interface ItemsRecord {
  schema: "digitkit.items/1";
  train: PartItems;
  validation: PartItems | null;
}

/** How `run.json` names the record. */
export interface ItemsReference {
  file: string;
  sha256: string;
}

function partItems(ds: DigitDataset): PartItems {
  return {
    count: ds.count,
    sources: sourceItems(ds),
    fingerprints: encodeFingerprints(imageFingerprints(ds.images, ds.count)),
  };
}

/**
 * The record of a run's training and validation items.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { itemsRecord } from "./items_record.ts";
 * import { barDigits } from "../testing.ts";
 * const record = itemsRecord({ train: barDigits(10, 1) });
 * deepStrictEqual(record.train.sources[0].ids, { ranges: [[0, 10]] });
 * deepStrictEqual(record.validation, null);
 * ```
 */
export function itemsRecord(data: { train: DigitDataset; validation?: DigitDataset }): ItemsRecord {
  return {
    schema: "digitkit.items/1",
    train: partItems(data.train),
    validation: data.validation ? partItems(data.validation) : null,
  };
}

/**
 * Writes `record` as `items.json` into `runDir` atomically; returns the reference for
 * `run.json`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { itemsRecord, readItemsRecord, writeItemsRecord } from "./items_record.ts";
 * import { barDigits } from "../testing.ts";
 * const dir = await Deno.makeTempDir();
 * const ref = await writeItemsRecord(dir, itemsRecord({ train: barDigits(5, 1) }));
 * strictEqual((await readItemsRecord(dir, ref)).train.count, 5);
 * ```
 */
export async function writeItemsRecord(
  runDir: string,
  record: ItemsRecord,
): Promise<ItemsReference> {
  const bytes = new TextEncoder().encode(JSON.stringify(record) + "\n");
  await Deno.mkdir(runDir, { recursive: true });
  await writeFileAtomic(join(runDir, ITEMS_JSON), bytes);
  return { file: ITEMS_JSON, sha256: sha256Hex(bytes) };
}

/**
 * Reads the record `reference` (from `run.json`) names in `runDir`, checking its sha256.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { barDigits } from "../testing.ts";
 * import { itemsRecord, readItemsRecord, writeItemsRecord } from "./items_record.ts";
 * const runDir = await Deno.makeTempDir();
 * const written = itemsRecord({ train: barDigits(10, 1) });
 * const reference = await writeItemsRecord(runDir, written); // what run.json's `items` holds
 * deepStrictEqual(await readItemsRecord(runDir, reference), written);
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function readItemsRecord(
  runDir: string,
  reference: ItemsReference,
): Promise<ItemsRecord> {
  const path = join(runDir, reference.file);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new InputError(path, "", "the run's record of its training items", "missing");
  }
  const actual = sha256Hex(bytes);
  if (actual !== reference.sha256) {
    throw new InputError(path, "", `sha256 ${reference.sha256} (as run.json records)`, actual);
  }
  const record = JSON.parse(new TextDecoder().decode(bytes)) as ItemsRecord;
  if (record?.schema !== "digitkit.items/1" || !record.train) {
    throw new InputError(path, "", "a digitkit.items/1 record");
  }
  return record;
}

/**
 * The items record of the run in `runDir`, or null when the folder has no `run.json` or the
 * run predates the record (a bare `model.json` folder, an older run).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readRunItems } from "./items_record.ts";
 * strictEqual(await readRunItems(await Deno.makeTempDir()), null);
 * ```
 */
export async function readRunItems(runDir: string): Promise<ItemsRecord | null> {
  let run: { items?: ItemsReference };
  try {
    run = JSON.parse(await Deno.readTextFile(join(runDir, "run.json")));
  } catch {
    return null;
  }
  return run.items ? await readItemsRecord(runDir, run.items) : null;
}
