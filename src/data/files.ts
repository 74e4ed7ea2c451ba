/**
 * Reading input files with errors a user can act on (missing, unreadable, a symlink loop,
 * empty, gzip-compressed) and within the size limits of `limits.ts`.
 *
 * @module
 */
import { constants, gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.ts";
import { formatBytes, type InputLimits, inputLimits, limitExpectation } from "./limits.ts";

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * An input the operating system refused or could not find (missing, permission denied, a
 * folder where a file was expected, a symlink loop): unlike a malformed file, never skipped
 * when a folder is scanned.
 */
export class UnreadableInputError extends InputError {
  constructor(file: string, expected: string, found: string) {
    super(file, "", expected, found);
    this.name = "UnreadableInputError";
  }
}

/**
 * The {@link UnreadableInputError} for an operating-system error on `path`, or the error itself
 * when it is no such error. `kind` says what `path` should have been.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inputFsError } from "./files.ts";
 * const e = inputFsError("x.png", new Deno.errors.PermissionDenied("denied"), "file");
 * strictEqual((e as Error).message, "x.png: expected a readable file, found permission denied");
 * ```
 */
export function inputFsError(path: string, error: unknown, kind: "file" | "folder" | "path") {
  const what = kind === "path" ? "file or folder" : kind;
  if (error instanceof Deno.errors.NotFound) {
    return new UnreadableInputError(path, `an existing ${what}`, "no such file or folder");
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return new UnreadableInputError(path, `a readable ${what}`, "permission denied");
  }
  if (error instanceof Deno.errors.FilesystemLoop) {
    return new UnreadableInputError(path, `a ${what}`, "a symlink loop");
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new UnreadableInputError(path, `a ${what}`, "a folder");
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return new UnreadableInputError(path, `a ${what}`, "a path through a file");
  }
  if (Object.values(Deno.errors).some((type) => error instanceof type)) {
    const reason = (error as Error).message.replace(/\s*\(os error \d+\).*$/, "");
    return new UnreadableInputError(path, `a readable ${what}`, reason.toLowerCase());
  }
  return error;
}

/**
 * What kind of file system object `info` describes, for messages.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fileKind } from "./files.ts";
 * strictEqual(fileKind(await Deno.stat("/dev/null")), "a character device");
 * ```
 */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isFile) return "a file";
  if (info.isDirectory) return "a folder";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  return "a special file";
}

/**
 * Stats `path` (following symlinks) with errors a user can act on.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { statInput } from "./files.ts";
 * strictEqual((await statInput("deno.json")).isFile, true);
 * ```
 */
export async function statInput(path: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    throw inputFsError(path, error, "path");
  }
}

/**
 * The entries of folder `dir`, sorted by name, with errors a user can act on.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readInputDir } from "./files.ts";
 * strictEqual((await readInputDir("src")).some((e) => e.name === "cli.ts"), true);
 * ```
 */
export async function readInputDir(dir: string): Promise<Deno.DirEntry[]> {
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
  } catch (error) {
    throw inputFsError(dir, error, "folder");
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The first `length` bytes of a file (fewer when it is shorter), with errors a user can act
 * on; nothing else is read.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readInputHead } from "./files.ts";
 * strictEqual(new TextDecoder().decode(await readInputHead("deno.json", 1)), "{");
 * ```
 */
export async function readInputHead(path: string, length: number): Promise<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    throw inputFsError(path, error, "file");
  }
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return buffer.subarray(0, filled);
  } catch (error) {
    throw inputFsError(path, error, "file");
  } finally {
    file.close();
  }
}

/**
 * Reads a whole file after checking its size against the file-size limit; missing,
 * unreadable and folder paths become {@link UnreadableInputError}s.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readInputFile } from "./files.ts";
 * const bytes = await readInputFile("deno.json");
 * strictEqual(bytes.length > 0, true);
 * ```
 */
export async function readInputFile(
  path: string,
  limits: InputLimits = inputLimits(),
): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new Deno.errors.IsADirectory(path);
    // A FIFO or device would block or never end: only regular files are read.
    if (!info.isFile) throw new UnreadableInputError(path, "a regular file", fileKind(info));
    if (info.size > limits.maxFileBytes) {
      throw new InputError(
        path,
        "",
        `a file of ${limitExpectation("maxFileBytes", limits)}`,
        formatBytes(info.size),
      );
    }
    return await Deno.readFile(path);
  } catch (error) {
    throw inputFsError(path, error, "file");
  }
}

/** Compressed bytes {@link gunzipHead} decodes: a few KiB of content, at most ~4 MiB. */
const HEAD_COMPRESSED_BYTES = 4096;

/**
 * The first bytes of a gzip's content (from its first 4 KiB), without decoding the rest; empty
 * when nothing decodes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { gzipSync } from "node:zlib";
 * import { gunzipHead } from "./files.ts";
 * const packed = new Uint8Array(gzipSync(new Uint8Array([0, 0, 8, 1])));
 * deepStrictEqual(gunzipHead(packed), new Uint8Array([0, 0, 8, 1]));
 * ```
 */
export function gunzipHead(bytes: Uint8Array): Uint8Array {
  try {
    const head = bytes.subarray(0, HEAD_COMPRESSED_BYTES);
    const out = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Decompresses gzip `bytes` into at most `maxBytes` bytes: the stream stops as soon as it
 * would exceed them, so a gzip bomb costs no more memory than the limit. `tooLarge` is the
 * error for that case; a truncated or corrupt stream is an {@link InputError} naming `file`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { gzipSync } from "node:zlib";
 * import { gunzipBounded } from "./files.ts";
 * const packed = new Uint8Array(gzipSync(new Uint8Array(1000)));
 * deepStrictEqual(gunzipBounded(packed, "x.gz", 1000).length, 1000);
 * throws(() => gunzipBounded(packed, "x.gz", 999), /x\.gz: gzip stream: expected at most 999/);
 * ```
 */
export function gunzipBounded(
  bytes: Uint8Array,
  file: string,
  maxBytes: number,
  tooLarge?: () => Error,
): Uint8Array {
  try {
    const out = gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    if (error instanceof RangeError) {
      throw tooLarge?.() ??
        new InputError(file, "gzip stream", `at most ${maxBytes} decompressed bytes`, "more");
    }
    throw new InputError(file, "gzip stream", "a complete gzip stream", (error as Error).message);
  }
}

/**
 * Decompresses `bytes` when they are gzip (within the decoded-size limit), else returns them
 * unchanged (no copy). A truncated or corrupt stream becomes an {@link InputError} naming `file`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { gzipSync } from "node:zlib";
 * import { maybeGunzip } from "./files.ts";
 * const packed = new Uint8Array(gzipSync(new Uint8Array([1, 2, 3])));
 * deepStrictEqual(maybeGunzip(packed, "x.gz"), new Uint8Array([1, 2, 3]));
 * ```
 */
export function maybeGunzip(
  bytes: Uint8Array,
  file: string,
  limits: InputLimits = inputLimits(),
): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  return gunzipBounded(bytes, file, limits.maxDecodedBytes, () =>
    new InputError(
      file,
      "gzip stream",
      `content of ${limitExpectation("maxDecodedBytes", limits)}`,
      "more (a gzip bomb?)",
    ));
}

/**
 * Reads a file and decompresses it when it is gzip; empty files are rejected.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readMaybeGzip } from "./files.ts";
 * const bytes = await readMaybeGzip("deno.json");
 * strictEqual(bytes[0], "{".charCodeAt(0));
 * ```
 */
export async function readMaybeGzip(
  path: string,
  limits: InputLimits = inputLimits(),
): Promise<Uint8Array> {
  const raw = await readInputFile(path, limits);
  if (raw.length === 0) throw new InputError(path, "byte 0", "a non-empty file", "an empty file");
  const bytes = maybeGunzip(raw, path, limits);
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
 * import { ok } from "node:assert";
 * import { isFile } from "./files.ts";
 * ok(await isFile("deno.json"));
 * ```
 */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
