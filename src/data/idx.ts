/**
 * The IDX format of MNIST and EMNIST: a 4-byte magic (0, 0, type 0x08 = uint8, number of
 * dimensions), big-endian uint32 sizes, then the data. Images are magic 2051 (N × rows × cols),
 * labels magic 2049 (N).
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "./checksum.ts";
import { readMaybeGzip } from "./files.ts";

/** Magic number of IDX3 uint8 image files (N × rows × cols). */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of IDX1 uint8 label files (N). */
export const IDX_LABELS_MAGIC = 2049;

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

/**
 * Decodes IDX bytes (already decompressed); `file` names the source in errors. When
 * `expectedMagic` is given, any other magic is rejected.
 *
 * @example
 * ```ts
 * import { encodeIdx, parseIdx } from "./idx.ts";
 * const idx = parseIdx(encodeIdx(new Uint8Array([7, 2]), [2]), "labels.idx");
 * console.log(idx.magic, idx.dims, idx.data); // 2049 [2] Uint8Array [7, 2]
 * ```
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
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
 * import { encodeIdx } from "./idx.ts";
 * console.log(encodeIdx(new Uint8Array([1]), [1]).length); // 9
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
 * Reads an IDX file, raw or gzip, checking its magic when `expectedMagic` is given.
 *
 * @example
 * ```ts
 * import { IDX_LABELS_MAGIC, readIdxFile } from "./idx.ts";
 * const labels = await readIdxFile(
 *   "../shared/data/emnist-digits-sample/emnist-digits-test-labels-idx1-ubyte.gz",
 *   IDX_LABELS_MAGIC,
 * );
 * console.log(labels.dims); // [40000]
 * ```
 */
export async function readIdxFile(path: string, expectedMagic?: number): Promise<IdxFile> {
  return idxFileFromBytes(await readMaybeGzip(path), path, expectedMagic);
}

/**
 * Decodes decompressed IDX `bytes` named `file` (e.g. an entry of a zip) and checksums them.
 *
 * @example
 * ```ts
 * import { encodeIdx, idxFileFromBytes } from "./idx.ts";
 * const f = idxFileFromBytes(encodeIdx(new Uint8Array([3]), [1]), "labels.idx", 2049);
 * console.log(f.dims, f.checksum.length); // [1] 64
 * ```
 */
export function idxFileFromBytes(bytes: Uint8Array, file: string, expectedMagic?: number): IdxFile {
  const idx = parseIdx(bytes, file, expectedMagic);
  return { ...idx, file, checksum: sha256Hex(bytes) };
}
