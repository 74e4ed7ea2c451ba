/**
 * Errors a user can act on, and the one rule by which the CLI reports every error: one line
 * on stderr (and a JSON object on stdout under `--json`), exit 1, no stack trace unless
 * `DIGITKIT_DEBUG=1`.
 *
 * @module
 */

/** Longest quoted value an error message shows, in characters. */
export const QUOTE_MAX = 80;

/** Longest error line the CLI prints, in characters (a safety net over {@link QUOTE_MAX}). */
export const LINE_MAX = 480;

/**
 * `text` with control characters, NULs and other non-printables escaped (`\n`, `\x00`,
 * `\u2028`), so a message stays on one line and shows what the bytes were.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { escapeText } from "./errors.ts";
 * strictEqual(escapeText("a\nb\u0000c"), "a\\nb\\x00c");
 * ```
 */
export function escapeText(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffd]/g,
    (c) => {
      if (c === "\n") return "\\n";
      if (c === "\r") return "\\r";
      if (c === "\t") return "\\t";
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}

/**
 * `text` cut to `max` characters with an ellipsis and the full length, after escaping.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { clip } from "./errors.ts";
 * strictEqual(clip("abcdef", 3), "abc… (6 characters)");
 * strictEqual(clip("abc", 3), "abc");
 * ```
 */
export function clip(text: string, max = QUOTE_MAX): string {
  const escaped = escapeText(text);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max)}… (${text.length} characters)`;
}

/**
 * A value from the user's input, quoted for an error message: escaped and cut to
 * {@link QUOTE_MAX} characters.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { quote } from "./errors.ts";
 * strictEqual(quote("pixel0"), "'pixel0'");
 * strictEqual(quote("x".repeat(100)).length < 110, true);
 * ```
 */
export function quote(value: string, max = QUOTE_MAX): string {
  const escaped = escapeText(value);
  if (escaped.length <= max) return `'${escaped}'`;
  return `'${escaped.slice(0, max)}…' (${value.length} characters)`;
}

/**
 * Bad input: names the file, the position in it, and what was expected.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { InputError } from "./errors.ts";
 * const e = new InputError("train.csv", "line 3, column 786", "a pixel value 0..255", "300");
 * strictEqual(e.message, "train.csv: line 3, column 786: expected a pixel value 0..255, found 300");
 * ```
 */
export class InputError extends Error {
  /** Path of the offending file. */
  readonly file: string;
  /** Where in the file (e.g. "byte 0", "line 3, column 786"), or "" for the whole file. */
  readonly position: string;
  /** What was expected there. */
  readonly expected: string;
  /** What was found there, if said. */
  readonly found?: string;

  constructor(file: string, position: string, expected: string, found?: string) {
    const shownFile = clip(file, 3 * QUOTE_MAX);
    const where = position ? `${shownFile}: ${position}` : shownFile;
    // A safety net: callers quote values with quote(); descriptions pass through unchanged.
    const shownFound = found === undefined ? undefined : clip(found, 2 * QUOTE_MAX);
    super(
      `${where}: expected ${expected}${shownFound === undefined ? "" : `, found ${shownFound}`}`,
    );
    this.name = "InputError";
    this.file = file;
    this.position = position;
    this.expected = expected;
    this.found = shownFound;
  }
}

/**
 * A problem the user can fix that is not about a file (bad flag, missing backend, NaN loss).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { isUserError, UsageError } from "./errors.ts";
 * const e = new UsageError("--epochs must be an integer ≥ 1, got '-1'");
 * strictEqual(isUserError(e), true);
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
 * import { strictEqual } from "node:assert";
 * import { isUserError, UsageError } from "./errors.ts";
 * strictEqual(isUserError(new UsageError("bad flag")), true);
 * strictEqual(isUserError(new TypeError("bug")), false);
 * ```
 */
export function isUserError(error: unknown): error is InputError | UsageError {
  return error instanceof InputError || error instanceof UsageError;
}

/** How the CLI reports one error: the stderr line and the `--json` object. */
export interface ErrorReport {
  /** The one line for stderr (without the `kit <command>: ` prefix). */
  line: string;
  /** `input` (a file), `usage` (flags, environment), `system` (the OS refused) or `internal`. */
  kind: "input" | "usage" | "system" | "internal";
  /** The `--json` error object: `{error, kind, file?, position?, expected?, found?}`. */
  json: Record<string, string>;
}

/** Hint appended to errors that are not the user's: how to see more. */
export const DEBUG_HINT = "rerun with DIGITKIT_DEBUG=1 for the stack trace";

function oneLine(text: string): string {
  return clip(text.trim(), LINE_MAX);
}

/**
 * The one-line report of any thrown value. Input and usage errors are shown as they are;
 * operating-system errors (`Deno.errors.*`) by their message, which names the path; anything
 * else is an internal error with {@link DEBUG_HINT}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { errorReport, InputError } from "./errors.ts";
 * const r = errorReport(new InputError("a.csv", "line 2", "a data row", "end of file"));
 * strictEqual(r.line, "a.csv: line 2: expected a data row, found end of file");
 * deepStrictEqual(Object.keys(r.json), ["error", "kind", "file", "position", "expected", "found"]);
 * strictEqual(errorReport(new TypeError("x is\nundefined")).line.split("\n").length, 1);
 * ```
 */
export function errorReport(error: unknown): ErrorReport {
  if (error instanceof InputError) {
    const line = oneLine(error.message);
    return {
      line,
      kind: "input",
      json: {
        error: line,
        kind: "input",
        file: error.file,
        position: error.position,
        expected: error.expected,
        ...(error.found === undefined ? {} : { found: error.found }),
      },
    };
  }
  if (error instanceof UsageError) {
    const line = oneLine(error.message);
    return { line, kind: "usage", json: { error: line, kind: "usage" } };
  }
  const systemError = Object.values(Deno.errors).some((type) => error instanceof type);
  if (systemError) {
    const line = oneLine((error as Error).message);
    return { line, kind: "system", json: { error: line, kind: "system" } };
  }
  const text = error instanceof Error
    ? `${error.name}: ${error.message.split("\n")[0]}`
    : String(error);
  const line = `${oneLine(`internal error: ${text}`)} (${DEBUG_HINT})`;
  return { line, kind: "internal", json: { error: line, kind: "internal" } };
}

/**
 * True when `DIGITKIT_DEBUG` asks for stack traces (any value but empty and `0`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { debugEnabled } from "./errors.ts";
 * strictEqual(typeof debugEnabled(), "boolean");
 * ```
 */
export function debugEnabled(): boolean {
  try {
    const value = Deno.env.get("DIGITKIT_DEBUG");
    return value !== undefined && value !== "" && value !== "0";
  } catch {
    return false; // no --allow-env
  }
}
