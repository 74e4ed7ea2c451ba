import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { loadMnist, loadMnistSplits, MNIST_SHA256 } from "./mnist.ts";
import { countClasses } from "./ops.ts";
import { mnistDataDir } from "./paths.ts";

Deno.test("MNIST loads 60,000 + 10,000 verified images with the known labels", async () => {
  const { train, test } = await loadMnistSplits();
  assert.equal(train.count, 60000);
  assert.equal(test.count, 10000);
  assert.equal(train.images.length, 60000 * 784);
  assert.deepEqual([...train.labels.subarray(0, 8)], [5, 0, 4, 1, 9, 2, 1, 3]);
  assert.deepEqual([...test.labels.subarray(0, 5)], [7, 2, 1, 0, 4]);
  assert.equal(train.checksum, MNIST_SHA256["train-images-idx3-ubyte"]);
  assert.deepEqual(countClasses(test).perClass, [
    980,
    1135,
    1032,
    1010,
    982,
    892,
    958,
    1028,
    974,
    1009,
  ]);
  // White digit on black: the border is background, the centre has ink.
  let border = 0, centre = 0;
  for (let n = 0; n < 100; n++) {
    border += train.images[n * 784] + train.images[n * 784 + 27];
    centre = Math.max(centre, train.images[n * 784 + 14 * 28 + 14]);
  }
  assert.equal(border, 0);
  assert.equal(centre, 255);
});

Deno.test("MNIST with a changed byte fails its sha256 check", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = mnistDataDir();
    for (const name of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
      await Deno.copyFile(join(src, name), join(dir, name));
    }
    const labels = await Deno.readFile(join(dir, "t10k-labels-idx1-ubyte"));
    labels[100] = (labels[100] + 1) % 10;
    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), labels);
    await assert.rejects(
      loadMnist("test", dir),
      (e: unknown) =>
        e instanceof InputError &&
        /t10k-labels-idx1-ubyte: expected sha256 ff7bcfd4/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
