/**
 * The IDX format of MNIST and EMNIST: a 4-byte magic (0, 0, type 0x08 = uint8, number of
 * dimensions), big-endian uint32 sizes, then the data. Images are magic 2051 (N × rows × cols),
 * labels magic 2049 (N).
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "./checksum.ts";
import { gunzipBounded, gunzipHead, isGzip, readInputFile, readInputHead } from "./files.ts";
import { formatBytes, type InputLimits, inputLimits, limitExpectation } from "./limits.ts";

/** Magic number of IDX3 uint8 image files (N × rows × cols). */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of IDX1 uint8 label files (N). */
export const IDX_LABELS_MAGIC = 2049;

/** Longest IDX header: the magic and 255 sizes. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

/** A decoded IDX array: its sizes and a view on its uint8 data (no copy). */
export interface IdxArray {
  /** Magic number (2051 for images, 2049 for labels). */
  magic: number;
  /** Size of each dimension, outermost first. */
  dims: number[];
  /** The data bytes, a view into the file's bytes. */
  data: Uint8Array;
}

/** An IDX array read from a file, with the sha256 of its decompressed bytes. */
export interface IdxFile extends IdxArray {
  /** Path it was read from. */
  file: string;
  /** sha256 (hex) of the decompressed file. */
  checksum: string;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return "2051 (IDX3 images)";
  if (magic === IDX_LABELS_MAGIC) return "2049 (IDX1 labels)";
  return `IDX magic ${IDX_IMAGES_MAGIC} or ${IDX_LABELS_MAGIC}`;
}

/** What an IDX header says: the magic, the sizes, and where the data starts and ends. */
export interface IdxHeader {
  /** Magic number (2051 for images, 2049 for labels). */
  magic: number;
  /** Size of each dimension, outermost first. */
  dims: number[];
  /** Bytes before the data: 4 + 4 × dimensions. */
  headerLength: number;
  /** Data bytes the sizes promise: their product. */
  dataLength: number;
}

/**
 * Reads and checks an IDX header from the first bytes of a file (decompressed): the magic,
 * and the sizes against the item and decoded-size limits, before anything is allocated.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { encodeIdx, parseIdxHeader } from "./idx.ts";
 * const head = encodeIdx(new Uint8Array(0), [0, 28, 28]);
 * head.set([0xff, 0xff, 0xff, 0xff], 4); // 4294967295 images
 * throws(() => parseIdxHeader(head, "bomb-idx3"), /bomb-idx3: bytes 4-7: expected at most/);
 * deepStrictEqual(parseIdxHeader(encodeIdx(new Uint8Array(2), [2]), "l").dims, [2]);
 * ```
 */
export function parseIdxHeader(
  bytes: Uint8Array,
  file: string,
  expectedMagic?: number,
  limits: InputLimits = inputLimits(),
): IdxHeader {
  if (bytes.length === 0) throw new InputError(file, "byte 0", "an IDX file", "an empty file");
  if (bytes.length < 4) {
    throw new InputError(file, `byte ${bytes.length}`, "a 4-byte IDX magic number", "end of file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const ndims = bytes[3];
  const validMagic = bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08 && ndims >= 1;
  if (!validMagic || (expectedMagic !== undefined && magic !== expectedMagic)) {
    throw new InputError(
      file,
      "bytes 0-3",
      `magic ${describeMagic(expectedMagic ?? -1)}`,
      `${magic}`,
    );
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new InputError(
      file,
      `byte ${bytes.length}`,
      `a ${headerLength}-byte header with ${ndims} sizes`,
      "end of file (truncated)",
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d));
  const dataLength = dims.reduce((a, b) => a * b, 1);
  if (dims[0] > limits.maxItems) {
    throw new InputError(file, "bytes 4-7", limitExpectation("maxItems", limits), `${dims[0]}`);
  }
  if (dataLength > limits.maxDecodedBytes) {
    throw new InputError(
      file,
      `bytes 4-${headerLength - 1}`,
      `sizes of ${limitExpectation("maxDecodedBytes", limits)}`,
      `${dims.join("×")} = ${formatBytes(dataLength)}`,
    );
  }
  return { magic, dims, headerLength, dataLength };
}

/**
 * Decodes IDX bytes (already decompressed); `file` names the source in errors. When
 * `expectedMagic` is given, any other magic is rejected.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { encodeIdx, parseIdx } from "./idx.ts";
 * const idx = parseIdx(encodeIdx(new Uint8Array([7, 2]), [2]), "labels.idx");
 * deepStrictEqual([idx.magic, idx.dims, idx.data], [2049, [2], new Uint8Array([7, 2])]);
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  file: string,
  expectedMagic?: number,
  limits: InputLimits = inputLimits(),
): IdxArray {
  const { magic, dims, headerLength, dataLength } = parseIdxHeader(
    bytes,
    file,
    expectedMagic,
    limits,
  );
  const actual = bytes.length - headerLength;
  if (actual < dataLength) {
    throw new InputError(
      file,
      `byte ${bytes.length}`,
      `${dataLength} data bytes (${dims.join("×")}) after the header`,
      `${actual} (truncated)`,
    );
  }
  if (actual > dataLength) {
    throw new InputError(
      file,
      `byte ${headerLength + dataLength}`,
      `end of file after ${dataLength} data bytes (${dims.join("×")})`,
      `${actual - dataLength} extra bytes`,
    );
  }
  return { magic, dims, data: bytes.subarray(headerLength) };
}

/**
 * Encodes uint8 `data` with sizes `dims` as IDX bytes (magic 2049 for 1-D, 2051 for 3-D).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { encodeIdx } from "./idx.ts";
 * strictEqual(encodeIdx(new Uint8Array([1]), [1]).length, 9);
 * ```
 */
export function encodeIdx(data: Uint8Array, dims: number[]): Uint8Array {
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, headerLength);
  return out;
}

/**
 * Decodes the bytes of an IDX file as stored (raw or gzip) named `file` (e.g. an entry of a
 * zip) and checksums the decompressed bytes. A gzip's header is decoded first and its sizes
 * checked against the limits; the stream is then decompressed to at most the size the header
 * promises, so memory is bounded by the output.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { gzipSync } from "node:zlib";
 * import { decodeIdxFile, encodeIdx } from "./idx.ts";
 * const gz = new Uint8Array(gzipSync(encodeIdx(new Uint8Array([3]), [1])));
 * deepStrictEqual(decodeIdxFile(gz, "labels.gz", 2049).dims, [1]);
 * ```
 */
export function decodeIdxFile(
  stored: Uint8Array,
  file: string,
  expectedMagic?: number,
  limits: InputLimits = inputLimits(),
): IdxFile {
  if (stored.length === 0) {
    throw new InputError(file, "byte 0", "a non-empty file", "an empty file");
  }
  let bytes = stored;
  if (isGzip(stored)) {
    const head = gunzipHead(stored);
    if (head.length === 0) {
      // Nothing decodable at the start: the full decoder's error says why (or "empty").
      bytes = gunzipBounded(stored, file, 1);
    } else {
      const { headerLength, dataLength, dims } = parseIdxHeader(head, file, expectedMagic, limits);
      const expected = headerLength + dataLength;
      bytes = gunzipBounded(stored, file, expected, () =>
        new InputError(
          file,
          `byte ${expected}`,
          `end of file after ${dataLength} data bytes (${dims.join("×")})`,
          "more bytes",
        ));
    }
    if (bytes.length === 0) {
      throw new InputError(file, "byte 0", "a non-empty file", "empty gzip content");
    }
  }
  const idx = parseIdx(bytes, file, expectedMagic, limits);
  return { ...idx, file, checksum: sha256Hex(bytes) };
}

/**
 * Reads an IDX file, raw or gzip, checking its magic when `expectedMagic` is given.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { IDX_LABELS_MAGIC, readIdxFile } from "./idx.ts";
 * const labels = await readIdxFile(
 *   "../shared/data/emnist-digits-sample/emnist-digits-test-labels-idx1-ubyte.gz",
 *   IDX_LABELS_MAGIC,
 * );
 * deepStrictEqual(labels.dims, [40000]);
 * ```
 */
export async function readIdxFile(
  path: string,
  expectedMagic?: number,
  limits: InputLimits = inputLimits(),
): Promise<IdxFile> {
  // A raw file's sizes are judged from its header before the data is read.
  const head = await readInputHead(path, MAX_HEADER_BYTES);
  if (head.length > 0 && !isGzip(head)) parseIdxHeader(head, path, expectedMagic, limits);
  return decodeIdxFile(await readInputFile(path, limits), path, expectedMagic, limits);
}
