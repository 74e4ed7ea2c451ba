/**
 * A PNG's size, checked from its chunk headers before anything is inflated: the IHDR
 * dimensions against the pixel limit (a 389 KB PNG can claim 20000×20000 pixels), 0×0 images,
 * truncated chunks, and image data that would inflate beyond what the IHDR promises (a
 * decompression bomb) — each one line naming the file and the byte.
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import { concatBytes } from "../util/bytes.ts";
import { InputError, quote } from "../util/errors.ts";
import { formatBytes, type InputLimits, limitExpectation } from "./limits.ts";

/** What the IHDR chunk says. */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  depth: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  /** Samples per pixel of the colour type. */
  channels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Largest deflate expansion (zlib's 1032:1), to skip the check where no bomb is possible. */
const DEFLATE_MAX_RATIO = 1032;

/** Largest inflated ICC profile accepted. */
const MAX_ICC_BYTES = 16 * 1024 * 1024;

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/** True when `data` inflates to more than `max` bytes (stopping as soon as it does). */
function inflatesBeyond(data: Uint8Array, max: number): boolean {
  if (data.length * DEFLATE_MAX_RATIO <= max) return false;
  try {
    inflateSync(data, { maxOutputLength: max });
    return false;
  } catch (error) {
    // Other zlib errors are the decoder's to report, with its own words.
    return error instanceof RangeError;
  }
}

/**
 * Walks the chunks of PNG `bytes` (signature already checked) and returns the IHDR, throwing an
 * {@link InputError} for a missing or zero-sized header, more pixels than
 * `limits.maxImagePixels`, a truncated chunk, or compressed data that inflates beyond its
 * bounds.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { encode } from "fast-png";
 * import { checkPngBounds } from "./png_bounds.ts";
 * import { inputLimits } from "./limits.ts";
 * const png = encode({ width: 3, height: 2, data: new Uint8Array(6), channels: 1 });
 * strictEqual(checkPngBounds(png, "a.png", inputLimits()).width, 3);
 * throws(
 *   () => checkPngBounds(png, "a.png", inputLimits({ maxImagePixels: 5 })),
 *   /a\.png: bytes 16-23 \(IHDR\): expected an image of at most 5 pixels.*found 3×2/,
 * );
 * ```
 */
export function checkPngBounds(bytes: Uint8Array, file: string, limits: InputLimits): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || chunkType(bytes, 12) !== "IHDR" || view.getUint32(8) !== 13) {
    throw new InputError(file, "byte 8", "a 13-byte IHDR chunk after the signature", "none");
  }
  const width = view.getUint32(16), height = view.getUint32(20);
  const depth = bytes[24], colorType = bytes[25], interlaced = bytes[28] !== 0;
  if (width === 0 || height === 0) {
    throw new InputError(
      file,
      "bytes 16-23 (IHDR)",
      "an image of at least 1×1 pixels",
      `${width}×${height}`,
    );
  }
  if (width * height > limits.maxImagePixels) {
    throw new InputError(
      file,
      "bytes 16-23 (IHDR)",
      `an image of ${limitExpectation("maxImagePixels", limits)}`,
      `${width}×${height}`,
    );
  }
  const channels = CHANNELS[colorType];
  if (channels === undefined) {
    throw new InputError(file, "byte 25 (IHDR)", "a colour type 0, 2, 3, 4 or 6", `${colorType}`);
  }
  const idat: Uint8Array[] = [];
  let icc: Uint8Array | undefined;
  for (let at = 8; at < bytes.length;) {
    if (at + 8 > bytes.length) {
      throw new InputError(file, `byte ${at}`, "a chunk header (8 bytes)", "end of file");
    }
    const length = view.getUint32(at), type = chunkType(bytes, at + 4);
    const end = at + 12 + length;
    if (end > bytes.length) {
      throw new InputError(
        file,
        `byte ${at}`,
        `${quote(type)} chunk data of ${length} bytes and its CRC`,
        "end of file (truncated)",
      );
    }
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "iCCP") icc = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IEND") break;
    at = end;
  }
  // One filter byte per row; Adam7 adds at most one per row of each pass (< 2 × height rows).
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const rawBytes = height * (1 + rowBytes) + (interlaced ? 4 * height + 64 : 0);
  if (rawBytes > limits.maxDecodedBytes) {
    throw new InputError(
      file,
      "bytes 16-28 (IHDR)",
      `image data of ${limitExpectation("maxDecodedBytes", limits)}`,
      `${width}×${height}×${channels}×${depth} bits = ${formatBytes(rawBytes)}`,
    );
  }
  if (inflatesBeyond(concatBytes(...idat), rawBytes)) {
    throw new InputError(
      file,
      "IDAT chunks",
      `image data of ${rawBytes} bytes (the ${width}×${height} image of IHDR)`,
      "more (a decompression bomb?)",
    );
  }
  if (icc) {
    const nameEnd = icc.indexOf(0);
    if (nameEnd >= 0 && inflatesBeyond(icc.subarray(nameEnd + 2), MAX_ICC_BYTES)) {
      throw new InputError(
        file,
        "iCCP chunk",
        `an ICC profile of at most ${formatBytes(MAX_ICC_BYTES)}`,
        "more (a decompression bomb?)",
      );
    }
  }
  return { width, height, depth, colorType, channels };
}
