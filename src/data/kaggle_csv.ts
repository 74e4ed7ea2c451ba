/**
 * Kaggle digit-recognizer CSVs: `train.csv` (`label,pixel0..pixel783`) and the unlabeled
 * `test.csv` (`pixel0..pixel783`).
 *
 * Parsing is a byte-level pass over the numeric rows, not papaparse: on our 2-core machines
 * papaparse needs ~1.8 s just to split a 42,000-row train.csv into strings (~7.3 s with
 * dynamicTyping), while reading, parsing, checking and hashing it here takes ~0.4 s of CPU
 * (`deno bench bench/data_bench.ts`). Every field is checked (column count, digits only,
 * 0..255, label class); errors give the file, line and column of the first problem.
 *
 * @module
 */
import { InputError, quote } from "../util/errors.ts";
import { type InputLimits, inputLimits, limitExpectation } from "./limits.ts";
import { DIGIT_CLASSES, type DigitDataset, PIXELS, UNLABELED } from "./types.ts";
import { sha256Hex } from "./checksum.ts";
import { maybeGunzip, readInputFile } from "./files.ts";

const COMMA = 44, NEWLINE = 10, CR = 13, ZERO = 48, NINE = 57;

/**
 * The header of a Kaggle CSV, labeled (`label,pixel0..`) or not.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { kaggleHeader } from "./kaggle_csv.ts";
 * deepStrictEqual(kaggleHeader(true).slice(0, 3), ["label", "pixel0", "pixel1"]);
 * ```
 */
export function kaggleHeader(labeled: boolean): string[] {
  const pixels = Array.from({ length: PIXELS }, (_, i) => `pixel${i}`);
  return labeled ? ["label", ...pixels] : pixels;
}

/** Refuses UTF-16/UTF-32 text (a BOM, or NUL bytes in the first line) and binary junk. */
function checkTextEncoding(bytes: Uint8Array, file: string): void {
  const head = bytes.subarray(0, 4096);
  const utf16Bom = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const nul = head.indexOf(0);
  if (utf16Bom || nul >= 0) {
    const kind = utf16Bom || (nul >= 0 && nul < 4) ? "UTF-16 text" : "NUL bytes";
    throw new InputError(
      file,
      utf16Bom ? "bytes 0-1" : `byte ${nul}`,
      "UTF-8 or ASCII text",
      `${kind}: save the file as UTF-8/ASCII`,
    );
  }
}

/** Reads line 1, decides labeled/unlabeled, and returns where the data rows start. */
function parseHeader(bytes: Uint8Array, file: string): { labeled: boolean; dataStart: number } {
  checkTextEncoding(bytes, file);
  let end = bytes.indexOf(NEWLINE);
  const dataStart = end < 0 ? bytes.length : end + 1;
  if (end < 0) end = bytes.length;
  const text = new TextDecoder().decode(bytes.subarray(0, end)).replace(/^\uFEFF/, "")
    .replace(/\r$/, "");
  // Header names may come quoted from other CSV writers; the numeric rows never are.
  const columns = text.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const labeled = columns[0] === "label";
  const expected = kaggleHeader(labeled);
  const wanted = "a header line 'label,pixel0,…,pixel783' or 'pixel0,…,pixel783'";
  const mismatch = expected.findIndex((name, i) => columns[i] !== name);
  if (mismatch >= 0 || columns.length !== expected.length) {
    const column = mismatch >= 0 ? mismatch + 1 : expected.length + 1;
    const found = /^\s*-?\d/.test(text)
      ? `a data row ${quote(text, 24)} (missing header)`
      : columns[column - 1] === undefined
      ? "end of line"
      : quote(columns[column - 1]);
    throw new InputError(file, `line 1, column ${column}`, wanted, found);
  }
  return { labeled, dataStart };
}

/** Counts data rows from `start` in `bytes` that has no trailing line breaks. */
function countRows(bytes: Uint8Array, start: number): number {
  if (start >= bytes.length) return 0;
  let rows = 1;
  for (let i = bytes.indexOf(NEWLINE, start); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) rows++;
  return rows;
}

/**
 * Refuses more rows than the item limit, and rows too short to hold a digit, before the
 * images are allocated: a valid row has at least 2 × columns − 1 bytes, so a valid file's
 * images are never larger than the file (a file of empty lines is not a billion blank digits).
 */
function checkRowCount(
  bytes: Uint8Array,
  dataStart: number,
  rows: number,
  labeled: boolean,
  file: string,
  limits: InputLimits,
): void {
  if (rows > limits.maxItems) {
    throw new InputError(
      file,
      `line ${limits.maxItems + 2}`,
      `${limitExpectation("maxItems", limits)}`,
      `${rows} rows`,
    );
  }
  const minRow = 2 * (labeled ? PIXELS + 1 : PIXELS) - 1;
  if (rows * minRow + (rows - 1) <= bytes.length - dataStart) return;
  // Some row is too short: find the first and let diagnoseRow say what is wrong with it.
  let lineStart = dataStart;
  for (let row = 0; row < rows; row++) {
    let lineEnd = bytes.indexOf(NEWLINE, lineStart);
    if (lineEnd < 0) lineEnd = bytes.length;
    if (lineEnd - lineStart < minRow) diagnoseRow(bytes, lineStart, row, labeled, file);
    lineStart = lineEnd + 1;
  }
}

/** `bytes` without trailing line breaks (a view, no copy). */
function trimTrailingBreaks(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === NEWLINE || bytes[end - 1] === CR)) end--;
  return bytes.subarray(0, end);
}

/**
 * Parses Kaggle CSV bytes (`file` names the source in errors) into a dataset; rows of an
 * unlabeled file get the {@link UNLABELED} label. Images are stored as given (the Kaggle files
 * are already upright, white on black).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { kaggleHeader, parseKaggleCsv } from "./kaggle_csv.ts";
 * const row = ["3", ...Array(784).fill("0")].join(",");
 * const csv = new TextEncoder().encode(kaggleHeader(true).join(",") + "\n" + row + "\n");
 * deepStrictEqual(parseKaggleCsv(csv, "train.csv").labels, new Uint8Array([3]));
 * ```
 */
export function parseKaggleCsv(
  fileBytes: Uint8Array,
  file: string,
  limits: InputLimits = inputLimits(),
): DigitDataset {
  const bytes = trimTrailingBreaks(fileBytes);
  if (bytes.length === 0) {
    throw new InputError(file, "line 1", "a CSV header line", "an empty file");
  }
  const { labeled, dataStart } = parseHeader(bytes, file);
  const rows = countRows(bytes, dataStart);
  if (rows === 0) throw new InputError(file, "line 2", "a data row", "end of file");
  checkRowCount(bytes, dataStart, rows, labeled, file, limits);
  const images = new Uint8Array(rows * PIXELS);
  // Zero-filled like the images, so the fast path may skip a bare "0" label too.
  const labels = new Uint8Array(rows).fill(labeled ? 0 : UNLABELED);
  const length = bytes.length;
  const classCount = DIGIT_CLASSES.length;
  const firstColumn = labeled ? -1 : 0; // column -1 is the label
  let i = dataStart;
  // Hot loop kept branch-light: any anomaly hands the row to diagnoseRow, which re-reads it
  // and throws the precise error.
  for (let row = 0; row < rows; row++) {
    const lineStart = i;
    const base = row * PIXELS;
    for (let col = firstColumn; col < PIXELS; col++) {
      // Most pixels are a bare "0" followed by a comma, and the arrays start zeroed: skip them.
      if (bytes[i] === ZERO && bytes[i + 1] === COMMA && col < PIXELS - 1) {
        i += 2;
        continue;
      }
      const start = i;
      let value = 0;
      let b = bytes[i];
      while (b >= ZERO && b <= NINE) {
        value = value * 10 + (b - ZERO);
        b = bytes[++i];
      }
      if (i === start || value > 255) diagnoseRow(bytes, lineStart, row, labeled, file);
      if (col >= 0) images[base + col] = value;
      else if (value < classCount) labels[row] = value;
      else diagnoseRow(bytes, lineStart, row, labeled, file);
      if (col < PIXELS - 1) {
        if (b !== COMMA) diagnoseRow(bytes, lineStart, row, labeled, file);
      } else {
        if (b === CR) b = bytes[++i];
        if (i < length && b !== NEWLINE) diagnoseRow(bytes, lineStart, row, labeled, file);
      }
      i++;
    }
  }
  return {
    name: file.split(/[\\/]/).pop()!.replace(/\.gz$/, ""),
    images,
    labels,
    count: rows,
    classNames: [...DIGIT_CLASSES],
    source: file,
    checksum: sha256Hex(fileBytes),
  };
}

/** Re-reads one row that failed the fast path and throws the first problem in it. */
function diagnoseRow(
  bytes: Uint8Array,
  lineStart: number,
  row: number,
  labeled: boolean,
  file: string,
): never {
  let lineEnd = bytes.indexOf(NEWLINE, lineStart);
  if (lineEnd < 0) lineEnd = bytes.length;
  let text = new TextDecoder().decode(bytes.subarray(lineStart, lineEnd));
  if (text.endsWith("\r")) text = text.slice(0, -1);
  const fields = text.split(",");
  const line = row + 2;
  const columns = labeled ? PIXELS + 1 : PIXELS;
  const classCount = DIGIT_CLASSES.length;
  for (let col = 0; col < Math.min(fields.length, columns); col++) {
    const field = fields[col];
    const isLabel = labeled && col === 0;
    const expected = isLabel ? `a label 0..${classCount - 1}` : "a pixel value 0..255";
    const found = field === "" ? "an empty field" : quote(field, 24);
    if (!/^\d+$/.test(field) || Number(field) > (isLabel ? classCount - 1 : 255)) {
      throw new InputError(file, `line ${line}, column ${col + 1}`, expected, found);
    }
  }
  throw new InputError(file, `line ${line}`, `${columns} columns`, `${fields.length}`);
}

/**
 * Loads a Kaggle digit-recognizer CSV (raw or gzip).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { kaggleHeader, loadKaggleCsv } from "./kaggle_csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, `${kaggleHeader(false)}\n${Array(784).fill(0)}\n`);
 * strictEqual((await loadKaggleCsv(path)).count, 1);
 * ```
 */
export async function loadKaggleCsv(path: string): Promise<DigitDataset> {
  const limits = inputLimits();
  return parseKaggleCsv(maybeGunzip(await readInputFile(path, limits), path, limits), path, limits);
}
