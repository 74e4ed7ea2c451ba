import assert from "node:assert/strict";
import { Random } from "../util/random.ts";
import { EpochBatches, toTrainingArrays } from "./batches.ts";
import { barDigits } from "../testing.ts";

Deno.test("epoch batches cover every item once, in a seeded order, as views", () => {
  const data = toTrainingArrays(barDigits(25, 1));
  const batches = new EpochBatches(data, 10);
  assert.equal(batches.batchCount, 3);
  const orderOf = (seed: number) => {
    batches.shuffle(new Random(seed));
    const labels: number[] = [];
    for (let b = 0; b < batches.batchCount; b++) labels.push(...batches.batch(b).labels);
    return labels;
  };
  const a = orderOf(1);
  assert.equal(a.length, 25);
  assert.deepEqual([...a].sort(), [...data.labels].sort());
  assert.deepEqual(orderOf(1), a);
  assert.notDeepEqual(orderOf(2), a);
  const last = batches.batch(2);
  assert.equal(last.count, 5);
  assert.equal(last.images.length, 5 * 784);
  // Rows move with their labels: the bar row of each image matches its label.
  for (let k = 0; k < last.count; k++) {
    const row = 4 + 2 * last.labels[k];
    assert.ok(
      last.images.subarray(k * 784 + row * 28, k * 784 + row * 28 + 28).some((v) => v === 1),
    );
  }
});

Deno.test("unlabelled items are refused with the item index", () => {
  const ds = barDigits(3, 1);
  ds.labels[2] = 255;
  assert.throws(() => toTrainingArrays(ds), /bars: item 2 has no valid label \(255\)/);
});
