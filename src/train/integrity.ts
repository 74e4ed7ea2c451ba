/**
 * Integrity of saved tensor files (model weights, optimizer state): the manifest that lists a
 * file's tensors also records its size and sha256, and every load checks both before a byte is
 * decoded, so a truncated, empty or garbled file is named in one line instead of surfacing as a
 * tfjs shape error or, worse, as NaN predictions.
 *
 * Files written before checksums existed (no `integrity` entry) are accepted after the size
 * check, with a one-time warning that they are unverified.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { sha256Hex } from "../data/checksum.ts";
import { InputError } from "../util/errors.ts";

/** Size and sha256 of one saved file, as recorded in its manifest. */
export interface FileIntegrity {
  bytes: number;
  sha256: string;
}

/** File name → its recorded integrity (the `integrity` field of model.json / optimizer.json). */
export type IntegrityTable = Record<string, FileIntegrity>;

/**
 * The integrity record of `bytes`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { integrityOf } from "./integrity.ts";
 * deepStrictEqual(integrityOf(new TextEncoder().encode("abc")).bytes, 3);
 * deepStrictEqual(integrityOf(new TextEncoder().encode("abc")).sha256.slice(0, 8), "ba7816bf");
 * ```
 */
export function integrityOf(bytes: Uint8Array): FileIntegrity {
  return { bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  float16: 2,
  complex64: 8,
};

/**
 * Bytes the tensors of `specs` occupy, or null when a spec is quantised or of a variable size
 * (strings), where only the checksum can tell.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { expectedBytes } from "./integrity.ts";
 * deepStrictEqual(expectedBytes([{ name: "w", shape: [3, 3, 32, 64], dtype: "float32" }]), 73728);
 * ```
 */
export function expectedBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const perValue = DTYPE_BYTES[spec.dtype];
    if (spec.quantization || perValue === undefined) return null;
    total += spec.shape.reduce((a, b) => a * b, 1) * perValue;
  }
  return total;
}

function plural(n: number): string {
  return `${n.toLocaleString("en-US")} byte${n === 1 ? "" : "s"}`;
}

const warned = new Set<string>();

/**
 * Checks the bytes read from `path` against what `manifest` (the JSON file listing it)
 * recorded: the size the tensors need and, when recorded, size and sha256. Throws an
 * {@link InputError} naming the file and what was expected.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { integrityOf, verifyTensorFile } from "./integrity.ts";
 * const bytes = new Uint8Array(8);
 * const specs = [{ name: "w", shape: [2], dtype: "float32" as const }];
 * verifyTensorFile("w.bin", bytes, { manifest: "m.json", specs, recorded: integrityOf(bytes) });
 * throws(
 *   () => verifyTensorFile("w.bin", bytes.subarray(0, 5), { manifest: "m.json", specs }),
 *   /w.bin: expected 8 bytes \(the tensors m.json lists\), found 5 bytes/,
 * );
 * const garbled = new Uint8Array(8).fill(7);
 * throws(
 *   () => verifyTensorFile("w.bin", garbled, { manifest: "m.json", recorded: integrityOf(bytes) }),
 *   /expected sha256 af5570f5… \(recorded in m.json\), found sha256 /,
 * );
 * ```
 */
export function verifyTensorFile(
  path: string,
  bytes: Uint8Array,
  expected: {
    manifest: string;
    specs?: readonly tf.io.WeightsManifestEntry[];
    recorded?: FileIntegrity;
  },
): void {
  const size = expected.recorded?.bytes ??
    (expected.specs ? expectedBytes(expected.specs) : null);
  if (size !== null && bytes.byteLength !== size) {
    const source = expected.recorded
      ? `recorded in ${expected.manifest}`
      : `the tensors ${expected.manifest} lists`;
    throw new InputError(
      path,
      "",
      `${plural(size)} (${source})`,
      `${plural(bytes.byteLength)}${bytes.byteLength < size ? " (truncated?)" : ""}`,
    );
  }
  if (!expected.recorded) {
    if (!warned.has(path)) {
      warned.add(path);
      console.error(
        `warning: ${path} has no checksum in ${expected.manifest} (saved by an older digitkit); ` +
          "its contents are not verified",
      );
    }
    return;
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected.recorded.sha256) {
    throw new InputError(
      path,
      "",
      `sha256 ${expected.recorded.sha256.slice(0, 8)}… (recorded in ${expected.manifest})`,
      `sha256 ${actual.slice(0, 8)}…: the file is damaged`,
    );
  }
}
