import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeFingerprints, imageFingerprints } from "../data/fingerprint.ts";
import { loadMnistSplits } from "../data/mnist.ts";
import { decodeIdSet } from "../data/provenance.ts";
import { applySplitPreset } from "../data/split.ts";
import {
  ITEMS_JSON,
  itemsRecord,
  readItemsRecord,
  readRunItems,
  writeItemsRecord,
} from "./items_record.ts";

Deno.test("items.json records the mdsist split exactly and compactly, and refuses a changed file", async () => {
  const mnist = await loadMnistSplits();
  const sets = applySplitPreset("mdsist-70-15-15", mnist, 42);
  const record = itemsRecord(sets);
  assert.deepEqual(record.train.sources.map((s) => [s.name, s.checksum, s.count]), [
    ["mnist-train", mnist.train.checksum, 49000 - 7035],
    ["mnist-test", mnist.test.checksum, 7035],
  ]);
  assert.equal(record.validation!.count, 10500);
  // Exactly the split's (source, id) pairs and its images' fingerprints.
  const testIds = decodeIdSet(record.train.sources[1].ids);
  const expected = sets.train.provenance!.sourceIds.filter((_, i) =>
    sets.train.provenance!.sourceIndex[i] === 1
  ).sort();
  assert.deepEqual(testIds, expected);
  assert.deepEqual(
    decodeFingerprints(record.train.fingerprints),
    imageFingerprints(sets.train.images, sets.train.count).sort(),
  );

  const dir = await Deno.makeTempDir({ prefix: "items-record-" });
  const reference = await writeItemsRecord(dir, record);
  const size = (await Deno.stat(join(dir, ITEMS_JSON))).size;
  assert.ok(size < 1_000_000, `items.json is ${size} bytes for 59,500 items`);
  await Deno.writeTextFile(join(dir, "run.json"), JSON.stringify({ items: reference }));
  assert.deepEqual(await readRunItems(dir), record);
  // One id changed: the sha256 run.json recorded no longer matches.
  const text = await Deno.readTextFile(join(dir, ITEMS_JSON));
  await Deno.writeTextFile(join(dir, ITEMS_JSON), text.replace('"count":10500', '"count":10501'));
  await assert.rejects(() => readItemsRecord(dir, reference), /items\.json: expected sha256 /);
  await Deno.remove(dir, { recursive: true });
});
