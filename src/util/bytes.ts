/**
 * Byte-array helpers shared by the loaders, the report writer and the tests' file makers.
 *
 * @module
 */

/**
 * The bytes of `parts`, one after another, in one new array.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { concatBytes } from "./bytes.ts";
 * deepStrictEqual(concatBytes(Uint8Array.of(1, 2), Uint8Array.of(3)), Uint8Array.of(1, 2, 3));
 * ```
 */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
