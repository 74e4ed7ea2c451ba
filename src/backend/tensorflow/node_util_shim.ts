/**
 * tfjs-node 4.22 calls `util.isNullOrUndefined` and `util.isArray`, long-deprecated helpers that
 * Deno's `node:util` does not provide. Without them the first op that passes optional
 * attributes throws "isNullOrUndefined is not a function".
 *
 * @module
 */
import util from "node:util";

/**
 * Adds the missing legacy helpers to `node:util` (only where absent). Must run before
 * `@tensorflow/tfjs-node` is imported. Idempotent.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import util from "node:util";
 * import { installNodeUtilShim } from "./node_util_shim.ts";
 * installNodeUtilShim();
 * ok((util as unknown as { isArray(v: unknown): boolean }).isArray([1]));
 * ```
 */
export function installNodeUtilShim(): void {
  const target = util as unknown as Record<string, unknown>;
  target.isNullOrUndefined ??= (value: unknown) => value === null || value === undefined;
  target.isArray ??= Array.isArray;
}
