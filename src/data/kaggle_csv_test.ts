import assert from "node:assert/strict";
import { join } from "node:path";
import Papa from "papaparse";
import { InputError } from "../util/errors.ts";
import { kaggleHeader, loadKaggleCsv, parseKaggleCsv } from "./kaggle_csv.ts";
import { encodeKaggleCsv, encodeSubmissionCsv, writeSubmissionCsv } from "./kaggle_write.ts";
import { loadMnist } from "./mnist.ts";
import { stratifiedSample } from "./split.ts";
import { UNLABELED } from "./types.ts";

const encoder = new TextEncoder();
const mnistSample = stratifiedSample(await loadMnist("test"), 50, 3);

function parse(text: string, file = "train.csv") {
  return parseKaggleCsv(encoder.encode(text), file);
}

function assertCsvError(text: string, pattern: RegExp): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => e instanceof InputError && pattern.test(e.message),
  );
}

const header = kaggleHeader(true).join(",");
const zeros = new Array(784).fill("0");
const row = (label: string, pixels: string[] = zeros) => [label, ...pixels].join(",");

Deno.test("Kaggle train.csv and test.csv generated from MNIST parse back exactly", () => {
  const train = parse(encodeKaggleCsv(mnistSample));
  assert.equal(train.count, 50);
  assert.deepEqual(train.images, mnistSample.images);
  assert.deepEqual(train.labels, mnistSample.labels);
  const test = parse(encodeKaggleCsv(mnistSample, false), "test.csv");
  assert.deepEqual(test.images, mnistSample.images);
  assert.ok(test.labels.every((l) => l === UNLABELED));
  // papaparse, the general CSV reader, agrees on every field.
  const text = encodeKaggleCsv(mnistSample);
  const rows = Papa.parse<string[]>(text.trim()).data;
  assert.equal(rows.length, 51);
  assert.equal(Number(rows[7][0]), train.labels[6]);
  assert.equal(Number(rows[7][300]), train.images[6 * 784 + 299]);
});

Deno.test("Kaggle CSV tolerates CRLF, a BOM, a quoted header and trailing blank lines", () => {
  const text = "\uFEFF" + header + "\r\n" + row("3") + "\r\n" + row("9") + "\r\n\r\n";
  const ds = parse(text);
  assert.deepEqual([...ds.labels], [3, 9]);
  const quoted = kaggleHeader(true).map((h) => `"${h}"`).join(",") + "\n" + row("5");
  assert.deepEqual([...parse(quoted).labels], [5]);
});

Deno.test("Kaggle CSV errors name file, line, column and expectation", () => {
  assertCsvError("", /train\.csv: line 1: expected a CSV header line, found an empty file/);
  assertCsvError(row("1") + "\n", /line 1, column 1: expected a header line .*missing header/);
  assertCsvError(
    header.replace("pixel5,", "pixelX,") + "\n" + row("1"),
    /line 1, column 7: .*found 'pixelX'/,
  );
  assertCsvError(header + "\n", /line 2: expected a data row, found end of file/);
  assertCsvError(
    header + "\n" + row("1") + "\n" + row("1", zeros.slice(1)),
    /line 3: expected 785 columns, found 784/,
  );
  assertCsvError(
    header + "\n" + row("1", [...zeros, "0"]),
    /line 2: expected 785 columns, found 786/,
  );
  const bad = (col: number, value: string) => zeros.map((z, i) => (i === col ? value : z));
  assertCsvError(
    header + "\n" + row("1", bad(9, "abc")),
    /line 2, column 11: expected a pixel value 0\.\.255, found 'abc'/,
  );
  assertCsvError(
    header + "\n" + row("1", bad(0, "")),
    /line 2, column 2: expected a pixel value 0\.\.255, found an empty field/,
  );
  assertCsvError(
    header + "\n" + row("1", bad(783, "256")),
    /line 2, column 785: expected a pixel value 0\.\.255, found '256'/,
  );
  assertCsvError(
    header + "\n" + row("1", bad(4, "-1")),
    /line 2, column 6: expected a pixel value 0\.\.255, found '-1'/,
  );
  assertCsvError(
    header + "\n" + row("1", bad(4, "1.5")),
    /line 2, column 6: expected a pixel value .*'1\.5'/,
  );
  assertCsvError(
    header + "\n" + row("10"),
    /line 2, column 1: expected a label 0\.\.9, found '10'/,
  );
  assertCsvError(header + "\n" + row("x"), /line 2, column 1: expected a label 0\.\.9, found 'x'/);
});

Deno.test("Kaggle CSV from a file, and the ImageId,Label submission", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "train.csv"), encodeKaggleCsv(mnistSample));
    const ds = await loadKaggleCsv(join(dir, "train.csv"));
    assert.equal(ds.name, "train.csv");
    assert.equal(ds.checksum.length, 64);
    await assert.rejects(
      loadKaggleCsv(join(dir, "none.csv")),
      /none\.csv: expected an existing file/,
    );
    await writeSubmissionCsv(join(dir, "submission.csv"), [7, 2, 1]);
    assert.equal(
      await Deno.readTextFile(join(dir, "submission.csv")),
      "ImageId,Label\n1,7\n2,2\n3,1\n",
    );
    assert.throws(() => encodeSubmissionCsv([3, 12]), /prediction 1 is 12/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
