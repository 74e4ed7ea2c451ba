/**
 * Finds tfjs-backend-wasm's `.wasm` binaries in node_modules. In Deno the package loads as
 * its Node build, which reads the binaries from the file system, so a directory path works
 * as `setWasmPaths` prefix (no fetch, no server).
 *
 * @module
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import * as fs from "node:fs";

/** The binary names tfjs-backend-wasm 4.22 loads. */
export const WASM_BINARIES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

/**
 * The directory (with trailing slash) holding the `.wasm` binaries.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { wasmBinaryDirectory } from "./wasm_files.ts";
 * ok(wasmBinaryDirectory().endsWith("/"));
 * ```
 */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@tensorflow/tfjs-backend-wasm");
  const dir = path.dirname(main);
  const missing = WASM_BINARIES.filter((name) => !fs.existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new Error(`tfjs-backend-wasm binaries missing in ${dir}: ${missing.join(", ")}`);
  }
  return dir + path.sep;
}
