import assert from "node:assert/strict";
import { loadMnist, loadMnistSplits } from "./mnist.ts";
import { concatDatasets, countClasses, itemIds, subset, toFloat32 } from "./ops.ts";
import {
  applySplitPreset,
  stratifiedSample,
  stratifiedSplit,
  stratifiedSplitIndices,
  tailSplit,
} from "./split.ts";

const mnist = await loadMnistSplits();

Deno.test("stratified split: exact sizes, disjoint, complete, proportional per class, seeded", () => {
  const ds = mnist.test;
  const parts = stratifiedSplitIndices(ds.labels, [0.6, 0.2, 0.2], 42);
  assert.deepEqual(parts.map((p) => p.length), [6000, 2000, 2000]);
  const seen = new Uint8Array(ds.count);
  for (const p of parts) for (const i of p) seen[i]++;
  assert.ok(seen.every((s) => s === 1), "every item in exactly one part");
  const total = countClasses(ds).perClass;
  parts.forEach((p, k) => {
    const counts = countClasses(subset(ds, p)).perClass;
    counts.forEach((c, cls) => assert.ok(Math.abs(c - total[cls] * [0.6, 0.2, 0.2][k]) <= 1));
  });
  assert.deepEqual(stratifiedSplitIndices(ds.labels, [0.6, 0.2, 0.2], 42), parts);
  assert.notDeepEqual(stratifiedSplitIndices(ds.labels, [0.6, 0.2, 0.2], 43)[1], parts[1]);
  assert.throws(() => stratifiedSplitIndices(ds.labels, [0.5, 0.4], 1), /sum to 1/);
});

Deno.test("split presets have the cards' sizes and keep source ids", () => {
  const kaggle = applySplitPreset("kaggle-60-20-20", mnist);
  assert.deepEqual([kaggle.train.count, kaggle.validation.count, kaggle.test.count], [
    36000,
    12000,
    12000,
  ]);
  const i = 123;
  const id = kaggle.validation.ids![i];
  assert.deepEqual(
    kaggle.validation.images.subarray(i * 784, (i + 1) * 784),
    mnist.train.images.subarray(id * 784, (id + 1) * 784),
  );
  const keras = applySplitPreset("keras-last-10", mnist);
  assert.deepEqual([keras.train.count, keras.validation.count, keras.test.count], [
    54000,
    6000,
    10000,
  ]);
  assert.equal(keras.validation.ids![0], 54000);
  assert.equal(
    keras.validation.images.buffer,
    mnist.train.images.buffer,
    "no copy for a tail split",
  );
  const mdsist = applySplitPreset("mdsist-70-15-15", mnist);
  assert.deepEqual([mdsist.train.count, mdsist.validation.count, mdsist.test.count], [
    49000,
    10500,
    10500,
  ]);
  assert.ok(mdsist.test.ids!.some((x) => x >= 60000), "merged test images take part");
  assert.throws(() => applySplitPreset("nope", mnist), /unknown split preset 'nope'/);
});

Deno.test("stratifiedSample, tailSplit, concat and toFloat32", async () => {
  const test = await loadMnist("test");
  const sample = stratifiedSample(test, 100, 7);
  assert.equal(sample.count, 100);
  assert.ok(countClasses(sample).perClass.every((c) => c >= 8 && c <= 12));
  assert.deepEqual(stratifiedSample(test, 100, 7).ids, sample.ids);
  const [head, tail] = tailSplit(sample, 0.25);
  assert.deepEqual([head.count, tail.count], [75, 25]);
  const joined = concatDatasets([head, tail]);
  assert.deepEqual(joined.images, sample.images);
  assert.deepEqual([...itemIds(joined)].slice(0, 3), [0, 1, 2]);
  assert.throws(() => concatDatasets([sample, { ...sample, classNames: ["a"] }]), /cannot join/);
  const x = toFloat32(sample, [3]);
  assert.equal(x.length, 784);
  assert.ok(x.every((v, p) => Math.abs(v - sample.images[3 * 784 + p] / 255) < 1e-7));
  assert.equal(toFloat32(sample).length, 100 * 784);
  const re = stratifiedSplit(sample, [0.5, 0.5], 1);
  assert.equal(re[0].count + re[1].count, 100);
  assert.throws(() => subset(sample, [100]), /index 100 outside 0\.\.99/);
});
