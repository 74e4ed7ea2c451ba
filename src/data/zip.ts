/**
 * Zip archives (the official EMNIST `gzip.zip`) with fflate, within the limits: entry sizes
 * are read from the central directory and checked before anything is decompressed, and an
 * entry that inflates beyond its declared size is refused.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { InputError, quote } from "../util/errors.ts";
import { formatBytes, type InputLimits, inputLimits, limitExpectation } from "./limits.ts";

/** One entry of a zip's central directory. */
export interface ZipEntry {
  /** Path inside the archive. */
  name: string;
  /** Compressed size in bytes. */
  size: number;
  /** Declared uncompressed size in bytes. */
  originalSize: number;
}

function zipError(file: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  return new InputError(file, "", "a valid zip archive", quote((error as Error).message));
}

/**
 * The entries of zip `bytes` (named `file` in errors), without decompressing any.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { zipSync } from "fflate";
 * import { listZipEntries } from "./zip.ts";
 * const zip = zipSync({ "gzip/a.txt": new Uint8Array(3) });
 * deepStrictEqual(listZipEntries(zip, "a.zip").map((e) => e.name), ["gzip/a.txt"]);
 * ```
 */
export function listZipEntries(bytes: Uint8Array, file: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  try {
    unzipSync(bytes, {
      filter: ({ name, size, originalSize }) => {
        entries.push({ name, size, originalSize });
        return false;
      },
    });
  } catch (error) {
    throw zipError(file, error);
  }
  return entries;
}

/**
 * Decompresses the entries of zip `bytes` whose base names (after the last `/`) are `names`,
 * in that order. Declared sizes over the decoded-size limit are refused before inflating; a
 * missing entry is an {@link InputError}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { zipSync } from "fflate";
 * import { unzipEntries } from "./zip.ts";
 * const zip = zipSync({ "gzip/a.txt": new Uint8Array([1, 2]) });
 * deepStrictEqual(unzipEntries(zip, "a.zip", ["a.txt"]), [new Uint8Array([1, 2])]);
 * throws(() => unzipEntries(zip, "a.zip", ["a.txt"], { maxDecodedBytes: 1 }), /at most 1 bytes/);
 * ```
 */
export function unzipEntries(
  bytes: Uint8Array,
  file: string,
  names: readonly string[],
  overrides: Partial<InputLimits> = {},
): Uint8Array[] {
  const limits = inputLimits(overrides);
  const base = (name: string) => name.replace(/^.*\//, "");
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: ({ name, originalSize }) => {
        if (!names.includes(base(name))) return false;
        if (originalSize > limits.maxDecodedBytes) {
          throw new InputError(
            `${file}:${name}`,
            "central directory",
            `an entry of ${limitExpectation("maxDecodedBytes", limits)}`,
            formatBytes(originalSize),
          );
        }
        return true;
      },
    });
  } catch (error) {
    throw zipError(file, error);
  }
  const byBase = new Map(Object.entries(entries).map(([k, v]) => [base(k), v]));
  return names.map((name) => {
    const entry = byBase.get(name);
    if (!entry) throw new InputError(file, "", `an entry ${name}`, "none");
    return entry;
  });
}
