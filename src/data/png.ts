/**
 * PNG digits: one image (for prediction) or a folder of them (one sub-folder per class, or
 * flat and unlabeled), decoded with fast-png and normalised MNIST-style.
 *
 * @module
 */
import { join } from "node:path";
import { decode, hasPngSignature } from "fast-png";
import { InputError, quote } from "../util/errors.ts";
import { DIGIT_CLASSES, type DigitDataset, PIXELS, UNLABELED } from "./types.ts";
import { sha256Hex } from "./checksum.ts";
import { readInputDir, readInputFile } from "./files.ts";
import { type InputLimits, inputLimits, limitExpectation } from "./limits.ts";
import { checkPngBounds } from "./png_bounds.ts";
import { type GrayImage, toMnistStyle } from "./mnist_style.ts";

/** A dataset decoded from PNG files, with the file of each item. */
export interface PngDataset extends DigitDataset {
  /** Path of each item's PNG file. */
  files: string[];
}

/** Sample values of one decoded PNG as numbers 0..1, unpacking 1/2/4-bit rows. */
function samples(png: ReturnType<typeof decode>): Float32Array {
  const { width, height, depth, channels, data } = png;
  const out = new Float32Array(width * height * channels);
  if (depth >= 8) {
    const max = depth === 16 ? 65535 : 255;
    for (let i = 0; i < out.length; i++) out[i] = data[i] / max;
    return out;
  }
  const perRow = Math.ceil((width * channels * depth) / 8), max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let s = 0; s < width * channels; s++) {
      const bit = s * depth;
      const byte = data[y * perRow + (bit >> 3)];
      out[y * width * channels + s] = ((byte >> (8 - depth - (bit & 7))) & max) / max;
    }
  }
  return out;
}

/**
 * Decodes PNG bytes to luminance 0..255, compositing transparency over paper that contrasts
 * with the visible strokes (white under dark ink, black under light ink).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { encode } from "fast-png";
 * import { decodePngGray } from "./png.ts";
 * const png = encode({ width: 1, height: 1, data: new Uint8Array([10]), channels: 1, depth: 8 });
 * strictEqual(decodePngGray(png, "x.png").data[0], 10);
 * ```
 */
export function decodePngGray(
  bytes: Uint8Array,
  file: string,
  limits: InputLimits = inputLimits(),
): GrayImage {
  if (bytes.length === 0) throw new InputError(file, "byte 0", "a PNG file", "an empty file");
  if (!hasPngSignature(bytes)) {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0"));
    throw new InputError(
      file,
      "bytes 0-7",
      "the PNG signature 89 50 4e 47 0d 0a 1a 0a",
      head.join(" "),
    );
  }
  checkPngBounds(bytes, file, limits);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new InputError(file, "", "a valid PNG", quote((error as Error).message));
  }
  const { width, height, palette, depth } = png;
  const pixels = width * height;
  // Luminance and alpha 0..1, straight from the decoded samples: no per-sample float copy, so
  // memory stays at two floats per pixel beside the decoder's own buffer.
  const lum = new Float32Array(pixels), alpha = new Float32Array(pixels).fill(1);
  const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b; // BT.601
  if (palette) {
    const indices = depth < 8
      ? samples(png).map((v) => Math.round(v * ((1 << depth) - 1)))
      : png.data;
    for (let p = 0; p < pixels; p++) {
      const color = palette[indices[p]] ?? [0, 0, 0];
      lum[p] = (color.length >= 3 ? luma(color[0], color[1], color[2]) : color[0]) / 255;
      if (color.length === 4) alpha[p] = color[3] / 255;
    }
  } else {
    const channels = png.channels;
    const values = depth < 8 ? samples(png) : png.data;
    const scale = depth < 8 ? 1 : 1 / (depth === 16 ? 65535 : 255);
    const hasAlpha = channels === 2 || channels === 4;
    const colors = hasAlpha ? channels - 1 : channels;
    for (let p = 0, at = 0; p < pixels; p++, at += channels) {
      lum[p] = scale *
        (colors >= 3 ? luma(values[at], values[at + 1], values[at + 2]) : values[at]);
      if (hasAlpha) alpha[p] = scale * values[at + colors];
    }
  }
  let inkSum = 0, inkWeight = 0;
  for (let p = 0; p < pixels; p++) {
    inkSum += lum[p] * alpha[p];
    inkWeight += alpha[p];
  }
  // Transparent pixels are paper: white under dark strokes, black under light strokes (a
  // white-on-transparent drawing would vanish on white).
  const paper = inkWeight > 0 && inkSum / inkWeight > 0.5 ? 0 : 1;
  const data = lum; // composited in place
  for (let p = 0; p < pixels; p++) {
    data[p] = 255 * (lum[p] * alpha[p] + paper * (1 - alpha[p]));
  }
  return { width, height, data };
}

/**
 * Loads one PNG as a one-item, unlabeled, MNIST-style dataset (for prediction).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { encode } from "fast-png";
 * import { loadPngImage } from "./png.ts";
 * const path = await Deno.makeTempFile({ suffix: ".png" });
 * await Deno.writeFile(path, encode({ width: 8, height: 8, data: new Uint8Array(64), channels: 1 }));
 * strictEqual((await loadPngImage(path)).count, 1);
 * ```
 */
export async function loadPngImage(path: string): Promise<PngDataset> {
  const bytes = await readInputFile(path);
  const images = toMnistStyle(decodePngGray(bytes, path));
  return {
    name: path.split(/[\\/]/).pop()!,
    images,
    labels: new Uint8Array([UNLABELED]),
    count: 1,
    classNames: [...DIGIT_CLASSES],
    source: path,
    checksum: sha256Hex(bytes),
    files: [path],
  };
}

const isPng = (name: string) => /\.png$/i.test(name);

/**
 * Loads a folder of PNGs: with one sub-folder per class (`0/`…`9/`, or any names, sorted), or
 * flat (all unlabeled). Items are in sorted path order; the checksum covers every file.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { encode } from "fast-png";
 * import { loadPngFolder } from "./png.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/7`);
 * const png = encode({ width: 8, height: 8, data: new Uint8Array(64).fill(255), channels: 1 });
 * await Deno.writeFile(`${dir}/7/a.png`, png);
 * deepStrictEqual((await loadPngFolder(dir)).labels, new Uint8Array([7]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPngFolder(dir: string): Promise<PngDataset> {
  const entries = await readInputDir(dir);
  const classDirs = entries.filter((e) => e.isDirectory).map((e) => e.name);
  const files: string[] = [], labelList: number[] = [];
  let classNames = [...DIGIT_CLASSES];
  if (classDirs.length > 0) {
    const allDigits = classDirs.every((name) => DIGIT_CLASSES.includes(name));
    if (!allDigits) classNames = classDirs;
    for (const name of classDirs) {
      for (const entry of await readInputDir(join(dir, name))) {
        if (entry.isFile && isPng(entry.name)) {
          files.push(join(dir, name, entry.name));
          labelList.push(classNames.indexOf(name));
        }
      }
    }
  } else {
    for (const entry of entries) {
      if (entry.isFile && isPng(entry.name)) {
        files.push(join(dir, entry.name));
        labelList.push(UNLABELED);
      }
    }
  }
  if (files.length === 0) {
    throw new InputError(dir, "", "PNG files (*.png), flat or in one sub-folder per class", "none");
  }
  const limits = inputLimits();
  if (files.length > limits.maxItems) {
    throw new InputError(
      dir,
      "",
      `PNG files: ${limitExpectation("maxItems", limits)}`,
      `${files.length}`,
    );
  }
  const images = new Uint8Array(files.length * PIXELS);
  const digests: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const bytes = await readInputFile(files[i], limits);
    images.set(toMnistStyle(decodePngGray(bytes, files[i], limits)), i * PIXELS);
    digests.push(sha256Hex(bytes));
  }
  return {
    name: dir.replace(/[\\/]+$/, "").split(/[\\/]/).pop()!,
    images,
    labels: Uint8Array.from(labelList),
    count: files.length,
    classNames,
    source: dir,
    checksum: sha256Hex(new TextEncoder().encode(digests.join("\n"))),
    files,
  };
}
