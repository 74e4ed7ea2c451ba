/**
 * Operating-system failures while writing outputs (full disk, read-only filesystem, no
 * permission, a file where a folder belongs) as one-line {@link UsageError}s naming the path.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/** What each errno means for an output location. */
const OUTPUT_PROBLEMS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "the file is larger than the allowed file size",
  EROFS: "the filesystem is read-only",
  EACCES: "permission denied (expected a folder you can write)",
  EPERM: "operation not permitted (expected a folder you can write)",
  ENOTDIR: "a file stands where a folder is needed",
  EISDIR: "a folder stands where a file is needed",
  ENOENT: "a parent folder does not exist",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the name is too long",
};

/**
 * The errno of an operating-system error (`ENOSPC`, …), or null for other errors.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { errnoOf } from "./output_errors.ts";
 * deepStrictEqual(errnoOf(Object.assign(new Error("x"), { code: "ENOSPC" })), "ENOSPC");
 * deepStrictEqual(errnoOf(new Error("File too large (os error 27): writefile 'x'")), "EFBIG");
 * deepStrictEqual(errnoOf(new TypeError("bug")), null);
 * ```
 */
export function errnoOf(error: unknown): string | null {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
  // Deno leaves `code` unset for some errnos; its message still ends in "(os error N)".
  const number = /\(os error (\d+)\)/.exec(String((error as Error)?.message))?.[1];
  return number === undefined ? null : LINUX_ERRNOS[Number(number)] ?? null;
}

/** Linux numbers of the errnos {@link OUTPUT_PROBLEMS} describes. */
const LINUX_ERRNOS: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  13: "EACCES",
  20: "ENOTDIR",
  21: "EISDIR",
  27: "EFBIG",
  28: "ENOSPC",
  30: "EROFS",
  36: "ENAMETOOLONG",
  40: "ELOOP",
  122: "EDQUOT",
};

/**
 * `error` as a one-line {@link UsageError} naming `path` when it is an operating-system failure
 * of an output; other errors (bugs) are returned unchanged.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { describeOutputError } from "./output_errors.ts";
 * const full = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * deepStrictEqual(
 *   (describeOutputError("runs/x", full) as Error).message,
 *   "cannot write runs/x: no space left on the device",
 * );
 * ```
 */
export function describeOutputError(path: string, error: unknown): unknown {
  const code = error instanceof OutputError ? error.code : errnoOf(error);
  if (code === null || (error instanceof UsageError && !(error instanceof OutputError))) {
    return error;
  }
  const problem = OUTPUT_PROBLEMS[code] ?? (error as Error).message.split("\n")[0];
  return new OutputError(path, code, `cannot write ${path}: ${problem}`);
}

/**
 * An output that could not be written: a {@link UsageError} that keeps the errno, so an outer
 * writer can name its own (final) path instead of a temporary one.
 */
export class OutputError extends UsageError {
  constructor(readonly path: string, readonly code: string, message: string) {
    super(message);
    this.name = "OutputError";
  }
}
