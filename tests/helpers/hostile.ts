/**
 * Builders of hostile input files for the fault suite, made at run time (no large fixtures):
 * hand-assembled PNG chunks, and deflate streams that expand a thousandfold without ever
 * holding their expansion in memory (one compressed block of zeros, repeated).
 *
 * @module
 */
import { constants, crc32, deflateRawSync } from "node:zlib";
import { concatBytes } from "../../src/util/bytes.ts";

const encoder = new TextEncoder();

export { concatBytes };

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/** One PNG chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concatBytes(encoder.encode(type), data);
  return concatBytes(u32(data.length), typed, u32(crc32(typed)));
}

/** The PNG signature. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** An IHDR chunk's data (13 bytes). */
export function ihdr(width: number, height: number, depth = 8, colorType = 0): Uint8Array {
  return concatBytes(u32(width), u32(height), Uint8Array.of(depth, colorType, 0, 0, 0));
}

/**
 * A raw deflate stream of `prefix` then `zeros` zero bytes, built from one compressed block of
 * `chunk` zeros repeated (each block ends byte-aligned by a sync flush, so blocks concatenate),
 * ended by an empty final block. `zeros` must be a multiple of `chunk`.
 */
export function deflateZeros(prefix: Uint8Array, zeros: number, chunk = 1 << 20): Uint8Array {
  if (zeros % chunk !== 0) throw new Error(`zeros (${zeros}) must be a multiple of ${chunk}`);
  const flush = { finishFlush: constants.Z_SYNC_FLUSH, level: 9 };
  const head = new Uint8Array(deflateRawSync(prefix, flush));
  const block = new Uint8Array(deflateRawSync(new Uint8Array(chunk), flush));
  const blocks = new Array<Uint8Array>(zeros / chunk).fill(block);
  return concatBytes(head, ...blocks, Uint8Array.of(0x03, 0x00));
}

/** A zlib stream (PNG IDAT data) of `zeros` zero bytes, with its correct Adler-32. */
export function zlibZeros(zeros: number, chunk: number): Uint8Array {
  const adler = ((zeros % 65521) * 65536 + 1) >>> 0; // a = 1, b = n × 1 (mod 65521)
  return concatBytes(
    Uint8Array.of(0x78, 0xda),
    deflateZeros(new Uint8Array(0), zeros, chunk),
    u32(adler),
  );
}

/**
 * A gzip stream of `prefix` then `zeros` zero bytes. Its trailer (CRC, size) is left zero:
 * decoders that honour a size bound stop long before reaching it.
 */
export function gzipZeros(prefix: Uint8Array, zeros: number, chunk = 1 << 20): Uint8Array {
  const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3);
  return concatBytes(header, deflateZeros(prefix, zeros, chunk), new Uint8Array(8));
}

/**
 * A grey 8-bit PNG of `width × height` zeros whose compressed data is built block by block:
 * `rowsPerBlock` rows per repeated block (it must divide `height`).
 */
export function zeroPng(width: number, height: number, rowsPerBlock: number): Uint8Array {
  const idat = zlibZeros((width + 1) * height, (width + 1) * rowsPerBlock);
  return concatBytes(
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr(width, height)),
    pngChunk("IDAT", idat),
    pngChunk("IEND", new Uint8Array(0)),
  );
}

/** Overwrites the declared uncompressed size of every entry of zip `bytes` (local and central). */
export function patchZipSizes(bytes: Uint8Array, size: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return out;
}
