/**
 * Errors a user can act on: the CLI prints their message alone (no stack trace) and exits 1.
 *
 * @module
 */

/**
 * Bad input: names the file, the position in it, and what was expected.
 *
 * @example
 * ```ts
 * import { InputError } from "./errors.ts";
 * const e = new InputError("train.csv", "line 3, column 786", "a pixel value 0..255", "300");
 * console.log(e.message); // train.csv: line 3, column 786: expected a pixel value 0..255, found 300
 * ```
 */
export class InputError extends Error {
  /** Path of the offending file. */
  readonly file: string;
  /** Where in the file (e.g. "byte 0", "line 3, column 786"), or "" for the whole file. */
  readonly position: string;

  constructor(file: string, position: string, expected: string, found?: string) {
    const where = position ? `${file}: ${position}` : file;
    super(`${where}: expected ${expected}${found === undefined ? "" : `, found ${found}`}`);
    this.name = "InputError";
    this.file = file;
    this.position = position;
  }
}

/**
 * A problem the user can fix that is not about a file (bad flag, missing backend, NaN loss).
 *
 * @example
 * ```ts
 * import { isUserError, UsageError } from "./errors.ts";
 * const e = new UsageError("--epochs must be a positive integer, got -1");
 * console.log(isUserError(e), e.message); // true --epochs must be a positive integer, got -1
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * True for errors whose message is the whole story for the user.
 *
 * @example
 * ```ts
 * import { isUserError, UsageError } from "./errors.ts";
 * console.log(isUserError(new UsageError("bad flag")), isUserError(new TypeError("bug"))); // true false
 * ```
 */
export function isUserError(error: unknown): error is InputError | UsageError {
  return error instanceof InputError || error instanceof UsageError;
}
