/**
 * sha256 checksums of source bytes, so every dataset states exactly what it was decoded from.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Hex sha256 of `bytes` (node:crypto, ~0.1 s for MNIST's 47 MB image file).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sha256Hex } from "./checksum.ts";
 * strictEqual(sha256Hex(new TextEncoder().encode("abc")).slice(0, 8), "ba7816bf");
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
