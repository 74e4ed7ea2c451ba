import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encode } from "fast-png";
import { zipSync } from "fflate";
import { InputError } from "../util/errors.ts";
import { detectFormat } from "./detect.ts";
import { encodeIdx } from "./idx.ts";
import { encodeKaggleCsv } from "./kaggle_write.ts";
import { loadPath } from "./load_path.ts";
import { loadMnist } from "./mnist.ts";
import { countClasses } from "./ops.ts";
import { emnistSampleDir, mnistDataDir } from "./paths.ts";
import { stratifiedSample } from "./split.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("detectFormat reads content first and falls back to the name", () => {
  assert.equal(detectFormat(bytes(0, 0, 8, 3, 0, 0, 0, 1), "anything"), "idx-images");
  assert.equal(detectFormat(bytes(0, 0, 8, 1), "anything"), "idx-labels");
  assert.equal(
    detectFormat(new Uint8Array(gzipSync(bytes(0, 0, 8, 1, 0, 0, 0, 0))), "x.bin"),
    "idx-labels",
  );
  assert.equal(detectFormat(bytes(0x50, 0x4b, 3, 4), "a"), "zip");
  assert.equal(
    detectFormat(encode({ width: 1, height: 1, data: bytes(0), channels: 1 }), "a"),
    "png",
  );
  assert.equal(detectFormat(text("label,pixel0,pixel1"), "a"), "kaggle-csv");
  assert.equal(detectFormat(text("pixel0,pixel1"), "a"), "kaggle-csv");
  // Broken files still reach the loader that can say what is wrong.
  assert.equal(detectFormat(bytes(1, 2, 3, 4), "bad-images-idx3-ubyte"), "idx-images");
  assert.equal(detectFormat(new Uint8Array(0), "train.csv"), "kaggle-csv");
  assert.throws(
    () => detectFormat(bytes(1, 2, 3, 4), "mystery.bin"),
    (e: unknown) =>
      e instanceof InputError &&
      /mystery\.bin: bytes 0-3: expected a supported file.*01 02 03 04/.test(e.message),
  );
});

Deno.test("loadPath: MNIST folder, EMNIST sample folder, label-only files", async () => {
  const mnist = await loadPath(mnistDataDir());
  assert.equal(mnist.format, "folder");
  assert.deepEqual(mnist.datasets.map((d) => d.count).sort(), [10000, 60000]);
  const sample = await loadPath(emnistSampleDir());
  const byName = new Map(sample.datasets.map((d) => [d.name, d]));
  const official = byName.get("emnist-digits-sample600-images-idx3-ubyte")!;
  const upright = byName.get("emnist-digits-sample600-upright-images-idx3-ubyte")!;
  assert.deepEqual(official.images, upright.images, "official layout turned upright");
  assert.deepEqual(countClasses(official).perClass, new Array(10).fill(60));
  assert.deepEqual(upright.labels, official.labels, "the upright copy shares the sample labels");
  assert.deepEqual(sample.labelSets.map((s) => s.count).sort(), [240000, 40000]);
  const labelsOnly = await loadPath(
    join(emnistSampleDir(), "emnist-digits-test-labels-idx1-ubyte.gz"),
  );
  assert.equal(labelsOnly.format, "idx-labels");
  assert.equal(labelsOnly.labelSets[0].count, 40000);
  const pair = await loadPath(
    join(emnistSampleDir(), "emnist-digits-sample600-labels-idx1-ubyte.gz"),
  );
  assert.equal(pair.datasets[0].count, 600, "a label file loads with its image partner");
});

Deno.test("loadPath: Kaggle CSV, PNG folder, EMNIST zip, missing path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ds = stratifiedSample(await loadMnist("test"), 20, 1);
    await Deno.writeTextFile(join(dir, "train.csv"), encodeKaggleCsv(ds));
    const csv = await loadPath(join(dir, "train.csv"));
    assert.equal(csv.format, "kaggle-csv");
    assert.deepEqual(csv.datasets[0].images, ds.images);
    await Deno.mkdir(join(dir, "pngs", "3"), { recursive: true });
    await Deno.writeFile(
      join(dir, "pngs", "3", "a.png"),
      encode({ width: 28, height: 28, data: ds.images.subarray(0, 784), channels: 1 }),
    );
    const pngs = await loadPath(join(dir, "pngs"));
    assert.equal(pngs.format, "png-folder");
    assert.deepEqual([...pngs.datasets[0].labels], [3]);
    const labels = encodeIdx(ds.labels, [20]);
    const images = encodeIdx(ds.images, [20, 28, 28]);
    const mapping = text(
      "0 48\r\n1 49\r\n2 50\r\n3 51\r\n4 52\r\n5 53\r\n6 54\r\n7 55\r\n8 56\r\n9 57\r\n",
    );
    const entries: Record<string, Uint8Array> = { "emnist-digits-mapping.txt": mapping };
    for (const part of ["train", "test"]) {
      entries[`emnist-digits-${part}-images-idx3-ubyte.gz`] = new Uint8Array(gzipSync(images));
      entries[`emnist-digits-${part}-labels-idx1-ubyte.gz`] = new Uint8Array(gzipSync(labels));
    }
    await Deno.writeFile(join(dir, "gzip.zip"), zipSync({ gzip: entries }));
    const zip = await loadPath(join(dir, "gzip.zip"));
    assert.equal(zip.format, "zip");
    assert.deepEqual(zip.datasets.map((d) => d.name), [
      "emnist-digits-train",
      "emnist-digits-test",
    ]);
    assert.deepEqual(zip.datasets[0].labels, ds.labels);
    await assert.rejects(
      loadPath(join(dir, "gzip.zip"), "letters"),
      /expected EMNIST letters entries.*found digits/,
    );
    await assert.rejects(
      loadPath(join(dir, "nothing")),
      /nothing: expected an existing file or folder/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
