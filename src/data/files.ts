/**
 * Reading input files with errors a user can act on: missing, empty, gzip-compressed.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.ts";

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a whole file, turning "not found" and "is a directory" into {@link InputError}s.
 *
 * @example
 * ```ts
 * import { readInputFile } from "./files.ts";
 * const bytes = await readInputFile("deno.json");
 * console.log(bytes.length > 0);
 * ```
 */
export async function readInputFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(path, "", "an existing file", "no such file");
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new InputError(path, "", "a file", "a directory");
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new InputError(path, "", "a readable file", "permission denied");
    }
    throw error;
  }
}

/**
 * Decompresses `bytes` when they are gzip, else returns them unchanged (no copy).
 * A truncated or corrupt stream becomes an {@link InputError} naming `file`.
 *
 * @example
 * ```ts
 * import { gzipSync } from "node:zlib";
 * import { maybeGunzip } from "./files.ts";
 * const packed = new Uint8Array(gzipSync(new Uint8Array([1, 2, 3])));
 * console.log(maybeGunzip(packed, "x.gz")); // Uint8Array [1, 2, 3]
 * ```
 */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw new InputError(file, "gzip stream", "a complete gzip stream", (error as Error).message);
  }
}

/**
 * Reads a file and decompresses it when it is gzip; empty files are rejected.
 *
 * @example
 * ```ts
 * import { readMaybeGzip } from "./files.ts";
 * const bytes = await readMaybeGzip("deno.json");
 * console.log(bytes[0] === "{".charCodeAt(0));
 * ```
 */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await readInputFile(path);
  if (raw.length === 0) throw new InputError(path, "byte 0", "a non-empty file", "an empty file");
  const bytes = maybeGunzip(raw, path);
  if (bytes.length === 0) {
    throw new InputError(path, "byte 0", "a non-empty file", "empty gzip content");
  }
  return bytes;
}

/**
 * True when `path` exists and is a regular file (false for folders and missing paths).
 *
 * @example
 * ```ts
 * import { isFile } from "./files.ts";
 * console.log(await isFile("deno.json")); // true
 * ```
 */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
