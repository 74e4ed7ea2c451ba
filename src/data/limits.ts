/**
 * Resource limits on input files, checked against headers BEFORE memory is allocated or
 * anything is decompressed: a 389 KB PNG that claims 20000×20000 pixels, a gzip that expands
 * a thousandfold, an IDX header promising 4 billion images or a CSV of empty lines is refused
 * with one line, instead of exhausting memory.
 *
 * Each limit has a default that fits every real digit dataset (the largest, EMNIST byclass,
 * has 697,932 training images: 547 MB decoded) and an environment variable that overrides
 * it; values take an optional K, M, G or T suffix (powers of 1024).
 *
 * | limit           | variable                     | default            |
 * | --------------- | ---------------------------- | ------------------ |
 * | file size       | `DIGITKIT_MAX_FILE_BYTES`    | 4 GiB              |
 * | decoded size    | `DIGITKIT_MAX_DECODED_BYTES` | 2 GiB              |
 * | items           | `DIGITKIT_MAX_ITEMS`         | 2,000,000          |
 * | image pixels    | `DIGITKIT_MAX_IMAGE_PIXELS`  | 16 Mi (4096×4096)  |
 *
 * @module
 */
import { quote, UsageError } from "../util/errors.ts";

/** The resource limits every loader checks. */
export interface InputLimits {
  /** Largest input file read, in bytes (compressed size for gzip/zip). */
  maxFileBytes: number;
  /** Largest decompressed stream or decoded array, in bytes. */
  maxDecodedBytes: number;
  /** Most items (images or labels) in one file or folder. */
  maxItems: number;
  /** Most pixels (width × height) of one image. */
  maxImagePixels: number;
}

/** Each limit's environment variable. */
export const LIMIT_VARIABLES: Record<keyof InputLimits, string> = {
  maxFileBytes: "DIGITKIT_MAX_FILE_BYTES",
  maxDecodedBytes: "DIGITKIT_MAX_DECODED_BYTES",
  maxItems: "DIGITKIT_MAX_ITEMS",
  maxImagePixels: "DIGITKIT_MAX_IMAGE_PIXELS",
};

/** The defaults, without overrides. */
export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxFileBytes: 4 * 1024 ** 3,
  maxDecodedBytes: 2 * 1024 ** 3,
  maxItems: 2_000_000,
  maxImagePixels: 4096 * 4096,
});

const SUFFIXES: Record<string, number> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * Parses a limit value: a positive integer with an optional K/M/G/T suffix (powers of 1024).
 * `name` (the variable or flag) is named in the error.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { parseLimit } from "./limits.ts";
 * strictEqual(parseLimit("64M", "DIGITKIT_MAX_FILE_BYTES"), 64 * 1024 * 1024);
 * strictEqual(parseLimit("1000", "DIGITKIT_MAX_ITEMS"), 1000);
 * throws(() => parseLimit("-1", "DIGITKIT_MAX_ITEMS"), /DIGITKIT_MAX_ITEMS must be/);
 * ```
 */
export function parseLimit(value: string, name: string): number {
  const match = /^\s*(\d+)\s*([kmgt]?)i?b?\s*$/i.exec(value);
  const n = match ? Number(match[1]) * SUFFIXES[match[2].toLowerCase()] : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `${name} must be a positive integer with an optional K, M, G or T suffix, got ${
        quote(value)
      }`,
    );
  }
  return n;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: the defaults apply
  }
}

/**
 * The limits in force: {@link DEFAULT_LIMITS}, each overridden by its environment variable,
 * then by `overrides` (e.g. from flags).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inputLimits } from "./limits.ts";
 * strictEqual(inputLimits({ maxItems: 10 }).maxItems, 10);
 * ```
 */
export function inputLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_VARIABLES) as (keyof InputLimits)[]) {
    const value = readEnv(LIMIT_VARIABLES[key]);
    if (value !== undefined && value !== "") limits[key] = parseLimit(value, LIMIT_VARIABLES[key]);
  }
  return { ...limits, ...overrides };
}

/**
 * A byte count for messages: `1536` → `"1.5 KiB"`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { formatBytes } from "./limits.ts";
 * strictEqual(formatBytes(2 * 1024 ** 3), "2 GiB");
 * strictEqual(formatBytes(100), "100 bytes");
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes / 1024, unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

/**
 * The "expected" part of an error about limit `key`: what is allowed and how to raise it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { DEFAULT_LIMITS, limitExpectation } from "./limits.ts";
 * strictEqual(
 *   limitExpectation("maxItems", DEFAULT_LIMITS),
 *   "at most 2000000 items (raise with DIGITKIT_MAX_ITEMS)",
 * );
 * ```
 */
export function limitExpectation(key: keyof InputLimits, limits: InputLimits): string {
  const value = limits[key];
  const shown = key === "maxItems"
    ? `${value} items`
    : key === "maxImagePixels"
    ? `${value} pixels`
    : formatBytes(value);
  const what = key === "maxDecodedBytes" ? " decoded" : key === "maxFileBytes" ? " on disk" : "";
  return `at most ${shown}${what} (raise with ${LIMIT_VARIABLES[key]})`;
}
