import assert from "node:assert/strict";
import { augmentDataset } from "../augment/dataset.ts";
import { Random } from "../util/random.ts";
import { loadMnistSplits } from "./mnist.ts";
import { concatDatasets, subset } from "./ops.ts";
import { decodeIdSet, encodeIdSet, provenanceOf, sourceItems } from "./provenance.ts";
import { applySplitPreset, stratifiedSample, stratifiedSplit, tailSplit } from "./split.ts";
import { DIGIT_CLASSES, type DigitDataset, PIXELS } from "./types.ts";
import { imageFingerprints } from "./fingerprint.ts";

/**
 * A loaded-like source whose every image carries its own identity in its first pixels
 * (byte 0: source number + 1, bytes 1-4: the item's id), so provenance can be checked against
 * the pixels after any composition, independently of the provenance code.
 */
function identitySource(k: number, count: number, random: Random): DigitDataset {
  const ids = k === 2 ? Uint32Array.from({ length: count }, (_, i) => 1000 + 3 * i) : undefined;
  const images = new Uint8Array(count * PIXELS);
  for (let i = 0; i < count; i++) {
    const id = ids ? ids[i] : i;
    images[i * PIXELS] = k + 1;
    new DataView(images.buffer).setUint32(i * PIXELS + 1, id, true);
  }
  return {
    name: `source${k}`,
    images,
    labels: Uint8Array.from({ length: count }, () => random.int(10)),
    count,
    classNames: [...DIGIT_CLASSES],
    source: `memory ${k}`,
    checksum: `checksum-${k}`,
    ...(ids ? { ids } : {}),
  };
}

function assertProvenanceMatchesPixels(ds: DigitDataset, path: string): void {
  const p = provenanceOf(ds);
  assert.equal(p.sourceIndex.length, ds.count, path);
  const view = new DataView(ds.images.buffer, ds.images.byteOffset);
  for (let i = 0; i < ds.count; i++) {
    const source = p.sources[p.sourceIndex[i]];
    assert.equal(source.checksum, `checksum-${ds.images[i * PIXELS] - 1}`, `${path}: item ${i}`);
    assert.equal(source.name, `source${ds.images[i * PIXELS] - 1}`, `${path}: item ${i}`);
    assert.equal(p.sourceIds[i], view.getUint32(i * PIXELS + 1, true), `${path}: item ${i}`);
  }
}

type Step = (ds: DigitDataset, random: Random, pool: DigitDataset[]) => [DigitDataset, string];

const STEPS: Step[] = [
  (ds, r) => {
    const n = r.int(ds.count + 1);
    const indices = Array.from({ length: n }, () => r.int(ds.count));
    return [subset(ds, indices), `subset(${n})`];
  },
  (ds, r) => {
    const start = r.int(ds.count), n = r.int(ds.count - start + 1);
    return [subset(ds, Array.from({ length: n }, (_, i) => start + i)), `range(${start},${n})`];
  },
  (ds, r) => {
    const parts = stratifiedSplit(ds, [0.5, 0.3, 0.2], r.int(1000));
    const k = r.int(3);
    return [parts[k], `stratifiedSplit part ${k}`];
  },
  (ds, r) => {
    const n = r.int(ds.count + 1);
    return [stratifiedSample(ds, n, r.int(1000)), `sample(${n})`];
  },
  (ds, r) => {
    const k = r.int(2);
    return [tailSplit(ds, 0.25)[k], `tailSplit part ${k}`];
  },
  (ds, r, pool) => {
    const other = pool[r.int(pool.length)];
    return [concatDatasets(r.int(2) ? [ds, other] : [other, ds]), `concat with ${other.name}`];
  },
  (ds, r, pool) => {
    const preset = ["kaggle-60-20-20", "keras-last-10", "mdsist-70-15-15"][r.int(3)];
    const part = (["train", "validation", "test"] as const)[r.int(3)];
    const sets = applySplitPreset(preset, { train: ds, test: pool[r.int(pool.length)] }, 42);
    return [sets[part], `${preset} ${part}`];
  },
  (ds, r) => {
    const augmented = augmentDataset(ds, [{ op: "affine", rotate: 20, translate: 0.1 }], r.int(99));
    assert.deepEqual(provenanceOf(augmented), provenanceOf(ds));
    assert.deepEqual(augmented.ids, ds.ids);
    // Continue from the augmented set with the identity pixels back (augmentation moved them).
    return [{ ...augmented, images: ds.images }, "augment"];
  },
];

Deno.test("provenance survives random compositions of split, sample, concat and augment", () => {
  const random = new Random(2026);
  for (let trial = 0; trial < 60; trial++) {
    const pool = [0, 1, 2].map((k) => identitySource(k, 40 + random.int(120), random));
    let ds = pool[random.int(3)];
    const path = [ds.name];
    for (let step = 0; step < 1 + random.int(6); step++) {
      if (ds.count === 0) break;
      const [next, what] = STEPS[random.int(STEPS.length)](ds, random, pool);
      path.push(what);
      ds = next;
      assertProvenanceMatchesPixels(ds, path.join(" → "));
      pool.push(ds);
    }
    // The compact per-source form names exactly the items' (source, id) pairs.
    const expected = new Set<string>(), recorded = new Set<string>();
    const p = provenanceOf(ds);
    for (let i = 0; i < ds.count; i++) {
      expected.add(`${p.sources[p.sourceIndex[i]].checksum}/${p.sourceIds[i]}`);
    }
    for (const s of sourceItems(ds)) {
      for (const id of decodeIdSet(s.ids)) recorded.add(`${s.checksum}/${id}`);
    }
    assert.deepEqual(recorded, expected, path.join(" → "));
  }
});

Deno.test("id sets round-trip as ranges or bitmaps and pick the shorter", () => {
  const random = new Random(7);
  for (let trial = 0; trial < 200; trial++) {
    const size = 1 + random.int(5000), density = random.next();
    const ids = Uint32Array.from({ length: size }, (_, i) => i).filter(() =>
      random.next() < density
    );
    const set = encodeIdSet(ids);
    assert.deepEqual(decodeIdSet(set), ids);
  }
  assert.ok("ranges" in encodeIdSet(Uint32Array.from({ length: 60000 }, (_, i) => i)));
  const scattered = Uint32Array.from({ length: 30000 }, (_, i) => 2 * i);
  assert.ok("bitmap" in encodeIdSet(scattered));
  assert.throws(() => decodeIdSet({} as never), /ranges/);
});

Deno.test("the mdsist split trains on 7,035 MNIST test images: by provenance and by fingerprint", async () => {
  const mnist = await loadMnistSplits();
  const sets = applySplitPreset("mdsist-70-15-15", mnist, 42);
  const fromTest = (ds: DigitDataset) => {
    const p = provenanceOf(ds);
    const k = p.sources.findIndex((s) => s.checksum === mnist.test.checksum);
    return p.sourceIndex.filter((s) => s === k).length;
  };
  assert.equal(fromTest(sets.train), 7035);
  // Independently of provenance: the train split's images that are MNIST test images.
  const testPrints = new Set(imageFingerprints(mnist.test.images, mnist.test.count));
  const trainPrints = imageFingerprints(sets.train.images, sets.train.count);
  assert.equal(trainPrints.filter((f) => testPrints.has(f)).length, 7035);
  // The quick profile's 12,000-image stratified sample of it (seed = the recipe's split seed).
  assert.equal(fromTest(stratifiedSample(sets.train, 12000, 42)), 1759);
});
