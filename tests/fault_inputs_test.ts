/**
 * The fault suite of the input side: hostile files made at run time (malformed IDX, gzip, zip,
 * CSV and PNG families, decompression and dimension bombs, unreadable files and folders,
 * symlink loops, special files) and bad flags. Every case runs the real CLI and must exit 1
 * with exactly one stderr line (no stack trace, nothing `Uncaught`) naming the file or flag,
 * print a JSON error object on stdout under `--json`, and stay within a time and memory bound.
 *
 * Permission cases need file modes to apply: the tests usually run as root, whose
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH ignore them, so as root those cases run the CLI with
 * both capabilities dropped (setpriv), which makes root's file access that of an ordinary
 * owner; the files are still made readable to that process up to the point under test.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { encode } from "fast-png";
import { encodeIdx } from "../src/data/idx.ts";
import { kaggleHeader } from "../src/data/kaggle_csv.ts";
import {
  concatBytes,
  gzipZeros,
  ihdr,
  patchZipSizes,
  PNG_SIGNATURE,
  pngChunk,
  zeroPng,
  zlibZeros,
} from "./helpers/hostile.ts";
import { type MeasuredKitRun, runKitMeasured } from "./helpers/kit.ts";

/** Wall-clock bound of one failing command, seconds (generous: the machines are shared). */
const MAX_SECONDS = 30;
/** Peak resident memory bound of one failing command (Deno itself takes ~100 MB). */
const MAX_RSS_MB = 600;
/** CLI processes at once. */
const PARALLEL = Math.max(2, Math.min(6, navigator.hardwareConcurrency));

interface Case {
  /** What the case is. */
  name: string;
  /** `kit` arguments (`--json` is added). */
  args: string[];
  /** The stderr line must match this. */
  message: RegExp;
  /** A path or flag the line must contain verbatim. */
  names: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Run with file modes applying (as root: without the DAC capabilities). */
  fileModesApply?: boolean;
}

type Outcome = MeasuredKitRun;

function runCase(c: Case): Promise<Outcome> {
  return runKitMeasured([...c.args, "--json"], {
    env: c.env,
    fileModesApply: c.fileModesApply,
    timeoutS: MAX_SECONDS,
  });
}

/** Runs `items` through `work`, at most `limit` at a time, keeping their order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** Every way the case's outcome breaks the rules, as lines (none when it keeps them). */
function violations(c: Case, o: Outcome): string[] {
  const problems: string[] = [];
  const lines = o.stderr.replace(/\n$/, "").split("\n");
  if (o.code !== 1) problems.push(`exit code ${o.code}, expected 1`);
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines, expected 1`);
  if (/^\s+at /m.test(o.stderr) || /Uncaught|error: /i.test(o.stderr)) {
    problems.push("a stack trace or uncaught error on stderr");
  }
  if (!o.stderr.includes(c.names)) problems.push(`stderr does not name ${c.names}`);
  if (!c.message.test(lines[0])) problems.push(`stderr does not match ${c.message}`);
  if (lines[0].length > 500) problems.push(`stderr line of ${lines[0].length} characters`);
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f]/.test(o.stderr)) problems.push("control bytes on stderr");
  try {
    const json = JSON.parse(o.stdout);
    if (typeof json.error !== "string" || json.error !== lines[0].replace(/^kit( \w+)?: /, "")) {
      problems.push("--json error field differs from the stderr line");
    }
  } catch {
    problems.push(`stdout is not one JSON object: ${JSON.stringify(o.stdout.slice(0, 200))}`);
  }
  if (o.seconds > MAX_SECONDS) problems.push(`took ${o.seconds.toFixed(1)} s`);
  if (o.peakRssMb > MAX_RSS_MB) problems.push(`peak memory ${o.peakRssMb.toFixed(0)} MB`);
  return problems;
}

/** A 28×28 test digit as a PNG. */
function digitPng(): Uint8Array {
  const data = new Uint8Array(28 * 28).fill(255);
  for (let y = 6; y < 22; y++) data[y * 28 + 14] = 0;
  return encode({ width: 28, height: 28, data, channels: 1, depth: 8 });
}

/** The hostile files, written into `dir`; returns the cases that use them. */
async function makeCases(dir: string): Promise<Case[]> {
  const path = (name: string) => join(dir, name);
  const write = async (name: string, bytes: Uint8Array | string, mode = 0o644) => {
    const p = path(name);
    if (typeof bytes === "string") await Deno.writeTextFile(p, bytes);
    else await Deno.writeFile(p, bytes);
    await Deno.chmod(p, mode);
    return p;
  };
  const folder = async (name: string, mode = 0o755) => {
    await Deno.mkdir(path(name), { recursive: true });
    await Deno.chmod(path(name), mode);
    return path(name);
  };
  const data = (file: string, message: RegExp, extra: Partial<Case> = {}): Case => ({
    name: extra.name ?? file.slice(dir.length + 1),
    args: ["data", "--path", file],
    message,
    names: file,
    ...extra,
  });
  const images3 = encodeIdx(new Uint8Array(3 * 784), [3, 28, 28]);
  const labels3 = encodeIdx(Uint8Array.of(1, 2, 3), [3]);
  const header = kaggleHeader(true).join(",");
  const row = (label: string, first = "0") => [label, first, ...new Array(783).fill("0")].join(",");
  const withByte = (bytes: Uint8Array, at: number, value: number) => {
    const copy = bytes.slice();
    copy[at] = value;
    return copy;
  };
  const cases: Case[] = [];

  // IDX, raw and gzip.
  cases.push(
    data(
      await write("empty-images-idx3-ubyte", ""),
      /byte 0: expected a non-empty file, found an empty file/,
    ),
    data(
      await write("short-images-idx3-ubyte", Uint8Array.of(0, 0)),
      /expected a 4-byte IDX magic/,
    ),
    data(
      await write("type-images-idx3-ubyte", withByte(images3, 2, 0x0d)),
      /bytes 0-3: expected magic 2051/,
    ),
    data(
      await write("nodims-images-idx3-ubyte", Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 3)),
      /byte 8: expected a 16-byte header with 3 sizes, found end of file/,
    ),
    data(
      await write("trunc-images-idx3-ubyte", images3.subarray(0, 1000)),
      /byte 1000: expected 2352 data bytes \(3×28×28\).*found 984 \(truncated\)/,
    ),
    data(
      await write("long-images-idx3-ubyte", concatBytes(images3, Uint8Array.of(1, 2))),
      /byte 2368: expected end of file after 2352 data bytes.*found 2 extra bytes/,
    ),
    data(
      await write("small-images-idx3-ubyte", encodeIdx(new Uint8Array(300), [3, 10, 10])),
      /bytes 4-15: expected N×28×28 images, found 3×10×10/,
    ),
    data(
      await write(
        "count-images-idx3-ubyte",
        concatBytes(Uint8Array.of(0, 0, 8, 3, 255, 255, 255, 255, 0, 0, 0, 28, 0, 0, 0, 28)),
      ),
      /bytes 4-7: expected at most 2000000 items \(raise with DIGITKIT_MAX_ITEMS\), found 4294967295/,
    ),
    data(
      await write("sized-images-idx3-ubyte", encodeIdx(new Uint8Array(20 * 784), [20, 28, 28])),
      /bytes 4-15: expected sizes of at most 10 KiB decoded \(raise with DIGITKIT_MAX_DECODED_BYTES\), found 20×28×28 = 15\.3 KiB/,
      { name: "raw IDX over the decoded-size limit", env: { DIGITKIT_MAX_DECODED_BYTES: "10K" } },
    ),
    data(
      await write(
        "huge-labels-idx1-ubyte",
        Uint8Array.of(0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff),
      ),
      /expected at most 2000000 items/,
      { name: "IDX labels header claiming 2^31 labels" },
    ),
    data(
      await write(
        "bomb-images-idx3-ubyte.gz",
        gzipZeros(encodeIdx(new Uint8Array(0), [10, 28, 28]), 1 << 30),
      ),
      /bomb-images-idx3-ubyte\.gz: byte 7856: expected end of file after 7840 data bytes \(10×28×28\), found more bytes/,
      { name: "gzip IDX bomb: 10 images promised, 1 GiB inside (stopped at the promise)" },
    ),
    data(
      await write(
        "gztrunc-images-idx3-ubyte.gz",
        new Uint8Array(gzipSync(images3)).subarray(0, 40),
      ),
      /gzip stream: expected a complete gzip stream/,
    ),
    data(
      await write(
        "gzjunk-images-idx3-ubyte.gz",
        Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8),
      ),
      /gzip stream: expected a complete gzip stream/,
    ),
    data(
      await write("gzempty-images-idx3-ubyte.gz", new Uint8Array(gzipSync(new Uint8Array(0)))),
      /empty gzip content/,
    ),
  );
  // The partner label file of an IDX pair, unreadable.
  const pair = await folder("pair");
  await write("pair/t-images-idx3-ubyte", images3);
  const lockedLabels = await write("pair/t-labels-idx1-ubyte", labels3, 0o000);
  cases.push({
    name: "IDX pair whose label file is unreadable",
    args: ["data", "--path", join(pair, "t-images-idx3-ubyte")],
    message: /t-labels-idx1-ubyte: expected a readable file, found permission denied/,
    names: lockedLabels,
    fileModesApply: true,
  });
  cases.push({
    name: "IDX folder whose label file is unreadable",
    args: ["data", "--path", pair],
    message: /permission denied/,
    names: lockedLabels,
    fileModesApply: true,
  });

  // Kaggle CSV.
  const tenMb = "x".repeat(10 * 1024 * 1024);
  cases.push(
    data(await write("empty.csv", ""), /line 1: expected a CSV header line, found an empty file/),
    data(
      await write("headeronly.csv", `${header}\n`),
      /line 2: expected a data row, found end of file/,
    ),
    data(
      await write("bigheader.csv", `${tenMb}\n${row("1")}\n`),
      /line 1, column 1: expected a header line .*found 'x{80}…' \(10485760 characters\)$/,
      { name: "a 10 MB header is quoted cut to 80 characters" },
    ),
    data(
      await write("bigcolumn.csv", `label,pixel0,${tenMb}\n${row("1")}\n`),
      /line 1, column 3: .*found 'x{80}…' \(10485760 characters\)$/,
    ),
    data(
      await write(
        "utf16.csv",
        concatBytes(
          Uint8Array.of(0xff, 0xfe),
          ...[...`${header}\n`].map((ch) => Uint8Array.of(ch.charCodeAt(0), 0)),
        ),
      ),
      /bytes 0-1: expected UTF-8 or ASCII text, found UTF-16 text: save the file as UTF-8\/ASCII/,
    ),
    data(
      await write(
        "utf16nobom.csv",
        concatBytes(...[...`${header}\n`].map((ch) => Uint8Array.of(ch.charCodeAt(0), 0))),
      ),
      /byte 1: expected UTF-8 or ASCII text, found UTF-16 text/,
    ),
    data(
      await write("pixel300.csv", `${header}\n${row("1", "300")}\n`),
      /line 2, column 2: expected a pixel value 0\.\.255, found '300'/,
    ),
    data(
      await write("label10.csv", `${header}\n${row("10")}\n`),
      /line 2, column 1: expected a label 0\.\.9, found '10'/,
    ),
    data(
      await write("neglabel.csv", `${header}\n${row("-1")}\n`),
      /line 2, column 1: expected a label 0\.\.9, found '-1'/,
    ),
    data(
      await write("nulfield.csv", `${header}\n${row("1")}\n${row("2", "7\u0000\u0001")}\n`),
      /line 3, column 2: expected a pixel value 0\.\.255, found '7\\x00\\x01'/,
      { name: "NUL bytes in a field are shown escaped" },
    ),
    data(
      await write("shortrow.csv", `${header}\n1,0,0\n`),
      /line 2: expected 785 columns, found 3/,
    ),
    data(
      await write("longrow.csv", `${header}\n${row("1")},0\n`),
      /line 2: expected 785 columns, found 786/,
    ),
    data(
      await write(
        "blanklines.csv",
        `${header}\n${row("1")}\n${"\n".repeat(1_000_000)}${row("2")}\n`,
      ),
      /line 3, column 1: expected a label 0\.\.9, found an empty field/,
      { name: "a million empty lines are not a million blank digits" },
    ),
    data(
      await write("bomb.csv.gz", gzipZeros(new TextEncoder().encode(`${header}\n`), 1 << 30)),
      /gzip stream: expected content of at most 64 MiB decoded \(raise with DIGITKIT_MAX_DECODED_BYTES\)/,
      {
        name: "gzip CSV bomb beyond the decoded-size limit",
        env: { DIGITKIT_MAX_DECODED_BYTES: "64M" },
      },
    ),
    data(
      await write("rows.csv", `${header}\n${row("1")}\n${row("2")}\n${row("3")}\n`),
      /line 4: expected at most 2 items \(raise with DIGITKIT_MAX_ITEMS\), found 3 rows/,
      { env: { DIGITKIT_MAX_ITEMS: "2" } },
    ),
    data(
      await write("binary.csv", Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 2, 3)),
      /expected a header line/,
    ),
  );

  // PNG.
  const good = digitPng();
  cases.push(
    data(
      await write("zeros-20000x20000.png", zeroPng(20000, 20000, 50)),
      /bytes 16-23 \(IHDR\): expected an image of at most 16777216 pixels \(raise with DIGITKIT_MAX_IMAGE_PIXELS\), found 20000×20000/,
      { name: "case 1: a valid ~390 KB PNG of 20000×20000 zeros" },
    ),
    data(
      await write(
        "zero.png",
        concatBytes(
          PNG_SIGNATURE,
          pngChunk("IHDR", ihdr(0, 0)),
          pngChunk("IDAT", zlibZeros(0, 1)),
          pngChunk("IEND", new Uint8Array(0)),
        ),
      ),
      /expected an image of at least 1×1 pixels, found 0×0/,
    ),
    data(
      await write(
        "wide.png",
        concatBytes(
          PNG_SIGNATURE,
          pngChunk("IHDR", ihdr(1_000_000, 0)),
          pngChunk("IEND", new Uint8Array(0)),
        ),
      ),
      /found 1000000×0/,
    ),
    data(
      await write(
        "bombidat.png",
        concatBytes(
          PNG_SIGNATURE,
          pngChunk("IHDR", ihdr(10, 10)),
          pngChunk("IDAT", zlibZeros(64 << 20, 1 << 20)),
          pngChunk("IEND", new Uint8Array(0)),
        ),
      ),
      /IDAT chunks: expected image data of 110 bytes \(the 10×10 image of IHDR\), found more/,
      { name: "PNG decompression bomb: a 10×10 IHDR over 64 MiB of data" },
    ),
    data(
      await write("truncated.png", good.subarray(0, good.length - 30)),
      /byte \d+: expected 'I\w+' chunk data of \d+ bytes and its CRC, found end of file/,
    ),
    data(await write("empty.png", ""), /expected a supported file|an empty file/),
    data(
      await write("notpng.png", "GIF89a not a png at all"),
      /bytes 0-7: expected the PNG signature/,
    ),
    data(
      await write("noihdr.png", concatBytes(PNG_SIGNATURE, pngChunk("IEND", new Uint8Array(0)))),
      /byte 8: expected a 13-byte IHDR chunk after the signature/,
    ),
    data(
      await write(
        "colortype.png",
        concatBytes(
          PNG_SIGNATURE,
          pngChunk("IHDR", ihdr(28, 28, 8, 5)),
          pngChunk("IEND", new Uint8Array(0)),
        ),
      ),
      /byte 25 \(IHDR\): expected a colour type 0, 2, 3, 4 or 6, found 5/,
    ),
    data(
      await write(
        "badzlib.png",
        concatBytes(
          PNG_SIGNATURE,
          pngChunk("IHDR", ihdr(28, 28)),
          pngChunk("IDAT", Uint8Array.of(0x78, 0xda, 0xff, 0xff, 0xff)),
          pngChunk("IEND", new Uint8Array(0)),
        ),
      ),
      /expected a valid PNG, found '/,
    ),
  );
  // PNG folders.
  await folder("pngs-file/3");
  await write("pngs-file/3/a.png", good);
  const lockedPng = await write("pngs-file/3/b.png", good, 0o000);
  cases.push({
    name: "case 7: an unreadable file inside a PNG folder",
    args: ["data", "--path", path("pngs-file")],
    message: /b\.png: expected a readable file, found permission denied/,
    names: lockedPng,
    fileModesApply: true,
  });
  await folder("pngs-dir/1");
  await write("pngs-dir/1/a.png", good);
  await folder("pngs-dir/2");
  await write("pngs-dir/2/a.png", good);
  await Deno.chmod(path("pngs-dir/2"), 0o000);
  cases.push({
    name: "case 7: an unreadable class folder",
    args: ["data", "--path", path("pngs-dir")],
    message: /pngs-dir\/2: expected a readable (file or )?folder, found permission denied/,
    names: path("pngs-dir/2"),
    fileModesApply: true,
  });
  const lockedDir = await folder("locked", 0o000);
  cases.push({
    name: "case 7: --path an unreadable folder",
    args: ["data", "--path", lockedDir],
    message: /expected a readable folder, found permission denied/,
    names: lockedDir,
    fileModesApply: true,
  });
  const lockedCsv = await write("locked.csv", `${header}\n${row("1")}\n`, 0o000);
  cases.push({
    name: "--path an unreadable file",
    args: ["data", "--path", lockedCsv],
    message: /expected a readable file, found permission denied/,
    names: lockedCsv,
    fileModesApply: true,
  });
  await folder("pngs-zero/4");
  await write("pngs-zero/4/a.png", good);
  const zeroInFolder = await write(
    "pngs-zero/4/b.png",
    concatBytes(PNG_SIGNATURE, pngChunk("IHDR", ihdr(0, 0)), pngChunk("IEND", new Uint8Array(0))),
  );
  cases.push(
    data(path("pngs-zero"), /b\.png: bytes 16-23 \(IHDR\): expected an image of at least 1×1/, {
      name: "a 0×0 PNG inside a folder",
      names: zeroInFolder,
    }),
  );
  await folder("pngs-many");
  for (const n of ["a", "b", "c"]) await write(`pngs-many/${n}.png`, good);
  cases.push(
    data(
      path("pngs-many"),
      /expected PNG files: at most 2 items \(raise with DIGITKIT_MAX_ITEMS\), found 3/,
      {
        env: { DIGITKIT_MAX_ITEMS: "2" },
      },
    ),
  );

  // Zip.
  const emnistNames = [
    "train-images-idx3",
    "train-labels-idx1",
    "test-images-idx3",
    "test-labels-idx1",
  ]
    .map((n) => `gzip/emnist-digits-${n}-ubyte.gz`);
  const emnistZip = zipSync(Object.fromEntries([
    ...emnistNames.map((
      n,
    ) => [n, new Uint8Array(gzipSync(n.includes("images") ? images3 : labels3))]),
    ["gzip/emnist-digits-mapping.txt", new TextEncoder().encode("0 48\n1 49\n2 50\n3 51\n")],
  ]));
  cases.push(
    data(
      await write("junk.zip", Uint8Array.of(0x50, 0x4b, 3, 4, 9, 9, 9, 9)),
      /junk\.zip: expected a valid zip archive, found '/,
    ),
    data(
      await write("other.zip", zipSync({ "readme.txt": new Uint8Array(10) })),
      /expected EMNIST digits entries \(the official gzip\.zip\), found none/,
    ),
    data(
      await write("truncated.zip", emnistZip.subarray(0, emnistZip.length - 30)),
      /truncated\.zip: expected a valid zip archive/,
    ),
    data(
      await write("declared.zip", patchZipSizes(emnistZip, 0xf0000000)),
      /declared\.zip:gzip\/emnist-digits-train-images-idx3-ubyte\.gz: central directory: expected an entry of at most 2 GiB decoded.*found 3\.8 GiB/,
      { name: "zip entries declaring 3.8 GiB", names: path("declared.zip") },
    ),
  );

  // The file system.
  await Deno.symlink("loop-b", path("loop-a"));
  await Deno.symlink("loop-a", path("loop-b"));
  const fifo = path("pipe.csv");
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  cases.push(
    data(path("loop-a"), /loop-a: expected a file or folder, found a symlink loop/, {
      name: "a symlink loop",
    }),
    data(
      path("missing.csv"),
      /missing\.csv: expected an existing file or folder, found no such file or folder/,
    ),
    data(
      join(path("empty.csv"), "child"),
      /child: expected a file or folder, found a path through a file/,
    ),
    data(fifo, /pipe\.csv: expected a file or folder, found a FIFO \(named pipe\)/, {
      name: "a FIFO is refused, not read forever",
    }),
    data("/dev/zero", /\/dev\/zero: expected a file or folder, found a character device/, {
      name: "a character device",
    }),
  );

  // Flags and environment, judged before anything loads.
  cases.push(
    {
      name: "kit data --seed -5",
      args: ["data", "--dataset", "mnist", "--seed", "-5"],
      message: /^kit data: --seed must be an integer ≥ 0, got '-5'$/,
      names: "--seed",
    },
    {
      name: "kit train --epochs -1",
      args: ["train", "--model", "mlp", "--epochs", "-1"],
      message: /^kit train: --epochs must be an integer ≥ 1, got '-1'$/,
      names: "--epochs",
    },
    {
      name: "kit train --limit -5",
      args: ["train", "--model", "mlp", "--limit", "-5"],
      message: /^kit train: --limit must be an integer ≥ 1, got '-5'$/,
      names: "--limit",
    },
    {
      name: "kit train --engine bogus (before the backend loads)",
      args: ["train", "--model", "mlp", "--engine", "bogus"],
      message: /^kit train: --engine: expected auto, graph or eager, got 'bogus'$/,
      names: "--engine",
    },
    {
      name: "kit train --precision fp8",
      args: ["train", "--model", "mlp", "--precision", "fp8"],
      message: /--precision: expected float32 or bfloat16, got 'fp8'/,
      names: "--precision",
    },
    {
      name: "kit train --backend gpu",
      args: ["train", "--model", "mlp", "--backend", "gpu"],
      message: /--backend must be one of auto, .*got 'gpu'/,
      names: "--backend",
    },
    {
      name: "kit eval --backend gpu (before test sets and backend load)",
      args: ["eval", "--model", "nowhere", "--backend", "gpu"],
      message: /--backend must be one of/,
      names: "--backend",
    },
    {
      name: "stray positional argument",
      args: ["data", "--dataset", "mnist", "extra"],
      message: /^kit data: unexpected argument 'extra'/,
      names: "'extra'",
    },
    {
      name: "stray positional argument to train",
      args: ["train", "mlp"],
      message: /^kit train: unexpected argument 'mlp'/,
      names: "'mlp'",
    },
    {
      name: "kit report: stray argument (no library notices on stderr either)",
      args: ["report", "--out", "a", "b"],
      message: /^kit report: unexpected argument 'b'/,
      names: "'b'",
    },
    {
      name: "kit report --epochs -1",
      args: ["report", "--epochs", "-1"],
      message: /^kit report: --epochs must be an integer ≥ 1, got '-1'$/,
      names: "--epochs",
    },
    {
      name: "kit eval --limit -5",
      args: ["eval", "--model", "nowhere", "--limit", "-5"],
      message: /^kit eval: --limit must be an integer ≥ 1, got '-5'$/,
      names: "--limit",
    },
    {
      name: "unknown command",
      args: ["dta", "--path", "x"],
      message: /^kit: unknown command 'dta' \(commands: data, /,
      names: "'dta'",
    },
    {
      name: "unknown flag",
      args: ["data", "--paht", "x"],
      message: /^kit data: unknown flag '--paht'/,
      names: "--paht",
    },
    {
      name: "flag without its value",
      args: ["data", "--path"],
      message: /^kit data: '--path' needs a value$/,
      names: "--path",
    },
    {
      name: "a bad limit variable",
      args: ["data", "--path", path("empty.csv")],
      message: /DIGITKIT_MAX_ITEMS must be a positive integer.*got 'lots'/,
      names: "DIGITKIT_MAX_ITEMS",
      env: { DIGITKIT_MAX_ITEMS: "lots" },
    },
  );
  return cases;
}

Deno.test("fault suite: every hostile input and bad flag exits 1 with one line, a JSON error, bounded time and memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kit-fault-" });
  await Deno.chmod(dir, 0o755);
  try {
    const cases = await makeCases(dir);
    assert.ok(cases.length >= 40, `${cases.length} cases`);
    const started = performance.now();
    const outcomes = await pool(cases, PARALLEL, runCase);
    const slowest = outcomes.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const heaviest = outcomes.reduce((a, b) => (b.peakRssMb > a.peakRssMb ? b : a));
    console.log(
      `${cases.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `(${PARALLEL} at a time); slowest ${slowest.seconds.toFixed(1)} s, ` +
        `peak memory ${heaviest.peakRssMb.toFixed(0)} MB`,
    );
    if (Deno.env.get("FAULT_SUITE_VERBOSE")) {
      cases.forEach((c, i) =>
        console.log(
          `${outcomes[i].seconds.toFixed(1).padStart(5)} s ${
            outcomes[i].peakRssMb.toFixed(0).padStart(4)
          } MB  ${c.name}\n           ${outcomes[i].stderr.trimEnd()}`,
        )
      );
    }
    const failures = cases.flatMap((c, i) => {
      const problems = violations(c, outcomes[i]);
      return problems.length === 0 ? [] : [
        `${c.name}: ${problems.join("; ")}\n    stderr: ${outcomes[i].stderr.slice(0, 600)}`,
      ];
    });
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases broke the rules`);
  } finally {
    await Deno.chmod(join(dir, "locked"), 0o755).catch(() => {});
    await Deno.chmod(join(dir, "pngs-dir/2"), 0o755).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fault suite: DIGITKIT_DEBUG=1 adds the stack trace to the one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kit-fault-" });
  try {
    const file = join(dir, "empty.csv");
    await Deno.writeTextFile(file, "");
    const o = await runCase({
      name: "debug",
      args: ["data", "--path", file],
      message: /./,
      names: file,
      env: { DIGITKIT_DEBUG: "1" },
    });
    assert.equal(o.code, 1);
    assert.match(o.stderr, /^kit data: .*empty\.csv: line 1: expected a CSV header line/);
    assert.match(o.stderr, /\n\s+at /, "a stack trace follows the line");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
