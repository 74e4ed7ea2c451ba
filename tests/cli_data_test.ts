/**
 * `kit data` end to end: real datasets print their counts, and every kind of bad input exits 1
 * with one line naming the file, the position and what was expected (no stack trace).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx } from "../src/data/idx.ts";
import { encodeKaggleCsv } from "../src/data/kaggle_write.ts";
import { kaggleHeader } from "../src/data/kaggle_csv.ts";
import { loadMnist } from "../src/data/mnist.ts";
import { stratifiedSample } from "../src/data/split.ts";
import { runKit } from "./helpers/kit.ts";

const kitData = (...args: string[]) => runKit(["data", ...args]);

Deno.test("kit data --dataset mnist --json prints counts per split and class, checksum, time", async () => {
  const { code, stdout } = await kitData(
    "--dataset",
    "mnist",
    "--json",
    "--split",
    "keras-last-10",
  );
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  assert.deepEqual(result.splits.map((s: { count: number }) => s.count), [60000, 10000]);
  assert.equal(result.splits[1].classCounts["5"], 892);
  assert.equal(
    result.splits[0].checksum,
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  );
  assert.ok(result.loadSeconds > 0);
  assert.deepEqual(result.preset.sets.map((s: { count: number }) => s.count), [54000, 6000, 10000]);
});

Deno.test("kit data --dataset emnist-digits-sample --json reads the shared real data", async () => {
  const { code, stdout, stderr } = await kitData("--dataset", "emnist-digits-sample", "--json");
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  const counts = result.splits.map((s: { name: string; count: number }) => `${s.name}:${s.count}`);
  assert.deepEqual(counts, [
    "emnist-digits-sample600:600",
    "emnist-digits-train-labels:240000",
    "emnist-digits-test-labels:40000",
  ]);
  assert.equal(result.splits[1].classCounts["7"], 24000);
});

Deno.test("kit data: every bad input exits 1 with one line naming file, position, expectation", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ds = stratifiedSample(await loadMnist("test"), 3, 1);
    const images = encodeIdx(ds.images, [3, 28, 28]);
    const write = async (name: string, bytes: Uint8Array | string) => {
      const path = join(dir, name);
      if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
      else await Deno.writeFile(path, bytes);
      return path;
    };
    const wrongMagic = images.slice();
    wrongMagic[3] = 9;
    const goodCsv = encodeKaggleCsv(ds).split("\n");
    const csvWith = (line2: string) => [goodCsv[0], line2, goodCsv[2]].join("\n") + "\n";
    const pixels = (value: string) => ["4", value, ...new Array(783).fill("0")].join(",");
    // The count-mismatch pair is found by the MNIST naming: images → labels partner.
    await write("pair-labels-idx1-ubyte", encodeIdx(ds.labels.subarray(0, 2), [2]));
    const cases: [string, string, RegExp][] = [
      [
        "wrong magic",
        await write("a-images-idx3-ubyte", wrongMagic),
        /bytes 0-3: expected magic 2051/,
      ],
      [
        "truncated",
        await write("b-images-idx3-ubyte.gz", new Uint8Array(gzipSync(images.subarray(0, 1000)))),
        /b-images-idx3-ubyte\.gz: byte 1000: expected 2352 data bytes .*found 984 \(truncated\)/,
      ],
      [
        "count mismatch",
        await write("pair-images-idx3-ubyte", images),
        /pair-labels-idx1-ubyte: bytes 4-7: expected 3 labels, one per image in .*pair-images-idx3-ubyte, found 2/,
      ],
      [
        "CSV column count",
        await write("cols.csv", csvWith(goodCsv[1] + ",0")),
        /cols\.csv: line 2: expected 785 columns, found 786/,
      ],
      [
        "non-numeric pixel",
        await write("nan.csv", csvWith(pixels("x7"))),
        /nan\.csv: line 2, column 2: expected a pixel value 0\.\.255, found 'x7'/,
      ],
      [
        "pixel > 255",
        await write("big.csv", csvWith(pixels("300"))),
        /big\.csv: line 2, column 2: expected a pixel value 0\.\.255, found '300'/,
      ],
      [
        "pixel < 0",
        await write("neg.csv", csvWith(pixels("-5"))),
        /neg\.csv: line 2, column 2: expected a pixel value 0\.\.255, found '-5'/,
      ],
      [
        "bad CSV label",
        await write("label.csv", csvWith(pixels("0").replace(/^4/, "12"))),
        /label\.csv: line 2, column 1: expected a label 0\.\.9, found '12'/,
      ],
      [
        "bad IDX label",
        await write("c-images-idx3-ubyte", images).then(() =>
          write("c-labels-idx1-ubyte", encodeIdx(new Uint8Array([1, 10, 2]), [3]))
        ),
        /c-labels-idx1-ubyte: byte 9 \(label 1\): expected a class label in \{0,1,2,3,4,5,6,7,8,9\}, found 10/,
      ],
      [
        "empty CSV",
        await write("empty.csv", ""),
        /empty\.csv: line 1: expected a CSV header line, found an empty file/,
      ],
      [
        "empty IDX",
        await write("d-images-idx3-ubyte", ""),
        /d-images-idx3-ubyte: byte 0: expected a non-empty file/,
      ],
      [
        "missing header",
        await write("nohead.csv", goodCsv.slice(1).join("\n")),
        /nohead\.csv: line 1, column 1: expected a header line/,
      ],
      [
        "missing file",
        join(dir, "missing.csv"),
        /missing\.csv: expected an existing file or folder, found no such file/,
      ],
    ];
    assert.ok(kaggleHeader(true).length === 785);
    for (const [what, path, pattern] of cases) {
      const { code, stdout, stderr } = await kitData("--path", path, "--json");
      assert.equal(code, 1, `${what}: exit code (stderr: ${stderr})`);
      const lines = stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${what}: one line, no stack trace:\n${stderr}`);
      assert.match(lines[0], /^kit data: /, what);
      assert.match(lines[0], pattern, what);
      assert.match(JSON.parse(stdout).error, pattern, `${what}: JSON error on stdout`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kit data rejects bad flags with a usage line", async () => {
  const { code, stderr } = await kitData("--dataset", "cifar");
  assert.equal(code, 1);
  assert.match(stderr, /unknown dataset 'cifar'/);
});
