import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { emnistFileName, loadEmnist, parseEmnistMapping } from "./emnist.ts";
import { loadEmnistDigitsSample } from "./emnist_sample.ts";
import { encodeIdx, readIdxFile } from "./idx.ts";
import { loadIdxDataset } from "./idx_dataset.ts";
import { countClasses } from "./ops.ts";
import { emnistSampleDir } from "./paths.ts";

const SAMPLE = emnistSampleDir();

async function requireSample(): Promise<void> {
  try {
    await Deno.stat(join(SAMPLE, "README.md"));
  } catch {
    throw new Error(
      `EMNIST tests need the shared real sample at ${SAMPLE} (../shared/data/emnist-digits-sample ` +
        "beside the repository); it is missing",
    );
  }
}

const sampleFile = (suffix: string) => join(SAMPLE, `emnist-digits-sample600-${suffix}`);

Deno.test("EMNIST sample: the loader's upright images equal the upright file byte for byte", async () => {
  await requireSample();
  const { sample, trainLabels, testLabels } = await loadEmnistDigitsSample();
  const upright = await readIdxFile(sampleFile("upright-images-idx3-ubyte.gz"));
  assert.equal(sample.count, 600);
  assert.equal(sample.images.length, upright.data.length);
  assert.ok(
    sample.images.every((v, i) => v === upright.data[i]),
    "images differ from the upright file",
  );
  assert.deepEqual(countClasses(sample).perClass, new Array(10).fill(60));
  assert.equal(trainLabels.count, 240000);
  assert.equal(testLabels.count, 40000);
  assert.deepEqual(countClasses(trainLabels).perClass, new Array(10).fill(24000));
  assert.deepEqual(countClasses(testLabels).perClass, new Array(10).fill(4000));
  // README checksums of the official decompressed label files.
  assert.equal(
    trainLabels.checksum,
    "86013a4b932e35477a90ecff239cf492643795cf3c68dd6b7fae3264fb24316b",
  );
  assert.equal(
    testLabels.checksum,
    "a456cc5cfc928851403b513f94937b9d7570f424ea6d56dce3b28f6c0723608a",
  );
  // ids are the official test indices, whose official labels equal the sample's labels.
  assert.equal(sample.ids?.length, 600);
  for (let i = 0; i < 600; i++) assert.equal(testLabels.labels[sample.ids![i]], sample.labels[i]);
  assert.deepEqual(sample.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
});

Deno.test("EMNIST mapping: CRLF lines, letters with upper/lower case, bad lines rejected", async () => {
  await requireSample();
  const digits = parseEmnistMapping(
    await Deno.readTextFile(join(SAMPLE, "emnist-digits-mapping.txt")),
    "m",
  );
  assert.deepEqual(digits.labelCodes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(digits.classNames.join(""), "0123456789");
  const letters = parseEmnistMapping("1 65 97\r\n2 66 98\r\n26 90 122\r\n", "letters");
  assert.deepEqual(letters.classNames, ["A/a", "B/b", "Z/z"]);
  assert.throws(
    () => parseEmnistMapping("0 48\r\nzero 48\r\n", "bad.txt"),
    /bad\.txt: line 2: expected/,
  );
});

Deno.test("EMNIST from official file names in a folder and inside gzip.zip, upright", async () => {
  await requireSample();
  const dir = await Deno.makeTempDir();
  try {
    const imagesGz = await Deno.readFile(sampleFile("images-idx3-ubyte.gz"));
    const labelsGz = await Deno.readFile(sampleFile("labels-idx1-ubyte.gz"));
    const mapping = await Deno.readFile(join(SAMPLE, "emnist-digits-mapping.txt"));
    const folder = join(dir, "folder");
    await Deno.mkdir(folder);
    await Deno.writeFile(join(folder, emnistFileName("digits", "test", "images")), imagesGz);
    await Deno.writeFile(join(folder, emnistFileName("digits", "test", "labels")), labelsGz);
    await Deno.writeFile(join(folder, "emnist-digits-mapping.txt"), mapping);
    const fromFolder = await loadEmnist({ dir: folder, split: "digits", part: "test" });
    const upright = await loadIdxDataset({
      imagesPath: sampleFile("upright-images-idx3-ubyte.gz"),
      labelsPath: sampleFile("labels-idx1-ubyte.gz"),
    });
    assert.equal(fromFolder.name, "emnist-digits-test");
    assert.deepEqual(fromFolder.images, upright.images);
    assert.deepEqual(fromFolder.labels, upright.labels);

    const zip = zipSync({
      gzip: {
        [emnistFileName("digits", "test", "images")]: imagesGz,
        [emnistFileName("digits", "test", "labels")]: labelsGz,
        "emnist-digits-mapping.txt": mapping,
      },
    });
    const zipDir = join(dir, "zip");
    await Deno.mkdir(zipDir);
    await Deno.writeFile(join(zipDir, "gzip.zip"), zip);
    const fromZip = await loadEmnist({ dir: zipDir, split: "digits", part: "test" });
    assert.deepEqual(fromZip.images, upright.images);
    assert.deepEqual(fromZip.labels, upright.labels);
    await assert.rejects(
      loadEmnist({ zip: join(zipDir, "gzip.zip"), split: "letters", part: "test" }),
      /gzip\.zip: expected an entry emnist-letters-test-images-idx3-ubyte\.gz/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EMNIST letters: raw label codes 1..26 become class indices 0..25", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from({ length: 26 }, (_, i) => `${i + 1} ${65 + i} ${97 + i}`).join("\r\n");
    await Deno.writeTextFile(join(dir, "emnist-letters-mapping.txt"), lines + "\r\n");
    const gz = (bytes: Uint8Array) => gzipSync(bytes);
    await Deno.writeFile(
      join(dir, emnistFileName("letters", "train", "images")),
      gz(encodeIdx(new Uint8Array(3 * 784), [3, 28, 28])),
    );
    await Deno.writeFile(
      join(dir, emnistFileName("letters", "train", "labels")),
      gz(encodeIdx(new Uint8Array([1, 26, 2]), [3])),
    );
    const ds = await loadEmnist({ dir, split: "letters", part: "train" });
    assert.deepEqual([...ds.labels], [0, 25, 1]);
    assert.equal(ds.classNames.length, 26);
    assert.equal(ds.classNames[25], "Z/z");
    await Deno.writeFile(
      join(dir, emnistFileName("letters", "test", "labels")),
      gz(encodeIdx(new Uint8Array([0, 1, 2]), [3])),
    );
    await Deno.copyFile(
      join(dir, emnistFileName("letters", "train", "images")),
      join(dir, emnistFileName("letters", "test", "images")),
    );
    await assert.rejects(
      loadEmnist({ dir, split: "letters", part: "test" }),
      /byte 8 \(label 0\): expected a class label in \{26 codes\}, found 0/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
