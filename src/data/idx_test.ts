import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InputError } from "../util/errors.ts";
import { encodeIdx, IDX_IMAGES_MAGIC, parseIdx, readIdxFile } from "./idx.ts";
import { loadIdxDataset, loadIdxLabels, transposeImagesInPlace } from "./idx_dataset.ts";
import { PIXELS } from "./types.ts";

function images(count: number): Uint8Array {
  return Uint8Array.from({ length: count * PIXELS }, (_, i) => (i * 7) % 256);
}

function assertInputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && pattern.test(e.message));
}

async function assertRejectsInput(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof InputError && pattern.test(e.message));
}

Deno.test("parseIdx decodes big-endian sizes and returns a view on the data", () => {
  const data = images(2);
  const bytes = encodeIdx(data, [2, 28, 28]);
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 2]);
  const idx = parseIdx(bytes, "x", IDX_IMAGES_MAGIC);
  assert.equal(idx.magic, 2051);
  assert.deepEqual(idx.dims, [2, 28, 28]);
  assert.deepEqual(idx.data, data);
  assert.equal(idx.data.buffer, bytes.buffer);
  // 70,000 needs more than two bytes: big-endian order matters.
  const big = parseIdx(encodeIdx(new Uint8Array(70000), [70000]), "l");
  assert.deepEqual(big.dims, [70000]);
});

Deno.test("parseIdx rejects wrong magic, empty, truncated and over-long files", () => {
  const good = encodeIdx(images(1), [1, 28, 28]);
  const wrong = good.slice();
  wrong[3] = 1;
  assertInputError(
    () => parseIdx(wrong, "a.idx", IDX_IMAGES_MAGIC),
    /a\.idx: bytes 0-3: expected magic 2051.*found 2049/,
  );
  const junk = good.slice();
  junk[0] = 0x42;
  assertInputError(() => parseIdx(junk, "b.idx"), /bytes 0-3: expected magic/);
  assertInputError(() => parseIdx(new Uint8Array(0), "c.idx"), /c\.idx: byte 0: .*empty file/);
  assertInputError(
    () => parseIdx(good.subarray(0, 10), "d.idx"),
    /d\.idx: byte 10: expected a 16-byte header/,
  );
  assertInputError(
    () => parseIdx(good.subarray(0, 500), "e.idx"),
    /e\.idx: byte 500: expected 784 data bytes \(1×28×28\) after the header, found 484 \(truncated\)/,
  );
  const long = new Uint8Array(good.length + 3);
  long.set(good);
  assertInputError(() => parseIdx(long, "f.idx"), /byte 800: expected end of file.*3 extra bytes/);
});

Deno.test("IDX files load raw and gzip; counts, classes and shapes are checked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const imgs = images(3);
    await Deno.writeFile(join(dir, "i.idx"), encodeIdx(imgs, [3, 28, 28]));
    await Deno.writeFile(join(dir, "i.idx.gz"), gzipSync(encodeIdx(imgs, [3, 28, 28])));
    await Deno.writeFile(join(dir, "l.idx"), encodeIdx(new Uint8Array([4, 0, 9]), [3]));
    await Deno.writeFile(join(dir, "l2.idx"), encodeIdx(new Uint8Array([4, 0]), [2]));
    await Deno.writeFile(join(dir, "l11.idx"), encodeIdx(new Uint8Array([4, 11, 9]), [3]));
    await Deno.writeFile(join(dir, "small.idx"), encodeIdx(new Uint8Array(3 * 100), [3, 10, 10]));
    const raw = await readIdxFile(join(dir, "i.idx"));
    const gz = await readIdxFile(join(dir, "i.idx.gz"));
    assert.deepEqual(gz.data, raw.data);
    assert.equal(gz.checksum, raw.checksum, "checksum is of the decompressed bytes");
    const ds = await loadIdxDataset({
      imagesPath: join(dir, "i.idx.gz"),
      labelsPath: join(dir, "l.idx"),
    });
    assert.equal(ds.count, 3);
    assert.deepEqual([...ds.labels], [4, 0, 9]);
    assert.deepEqual(ds.images, imgs);
    await assertRejectsInput(
      loadIdxDataset({ imagesPath: join(dir, "i.idx"), labelsPath: join(dir, "l2.idx") }),
      /l2\.idx: bytes 4-7: expected 3 labels, one per image in .*i\.idx, found 2/,
    );
    await assertRejectsInput(
      loadIdxDataset({ imagesPath: join(dir, "i.idx"), labelsPath: join(dir, "l11.idx") }),
      /l11\.idx: byte 9 \(label 1\): expected a class label in \{0,1,2,3,4,5,6,7,8,9\}, found 11/,
    );
    await assertRejectsInput(
      loadIdxDataset({ imagesPath: join(dir, "small.idx") }),
      /expected N×28×28 images, found 3×10×10/,
    );
    await assertRejectsInput(
      loadIdxDataset({ imagesPath: join(dir, "l.idx") }),
      /expected magic 2051/,
    );
    await assertRejectsInput(
      loadIdxDataset({ imagesPath: join(dir, "none.idx") }),
      /none\.idx: expected an existing file/,
    );
    const truncatedGz = gzipSync(encodeIdx(imgs, [3, 28, 28])).subarray(0, 100);
    await Deno.writeFile(join(dir, "t.gz"), truncatedGz);
    await assertRejectsInput(
      readIdxFile(join(dir, "t.gz")),
      /t\.gz: gzip stream: expected a complete gzip stream/,
    );
    await Deno.writeFile(join(dir, "empty.idx"), new Uint8Array(0));
    await assertRejectsInput(
      readIdxFile(join(dir, "empty.idx")),
      /empty\.idx: byte 0: expected a non-empty file/,
    );
    const labelsOnly = await loadIdxLabels(join(dir, "l.idx"));
    assert.equal(labelsOnly.count, 3);
    assert.equal("images" in labelsOnly, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("transposeImagesInPlace swaps rows and columns of each image and is an involution", () => {
  const imgs = images(2);
  const t = transposeImagesInPlace(imgs.slice(), 2);
  for (let n = 0; n < 2; n++) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        assert.equal(t[n * PIXELS + r * 28 + c], imgs[n * PIXELS + c * 28 + r]);
      }
    }
  }
  assert.deepEqual(transposeImagesInPlace(t, 2), imgs);
});
