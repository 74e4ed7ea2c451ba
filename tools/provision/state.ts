/**
 * What provisioning left behind: one record per component under `.tools/provision/`, holding a
 * fingerprint of its inputs (so a finished setup is recognised without re-running it) or the
 * message of its last failure (so tests needing the component can fail with it).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (two levels above this file). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Folder of the per-component records. */
export const STATE_DIR: string = join(REPO_ROOT, ".tools", "provision");

/** A component's record: `ok` with the fingerprint it was built from, or the failure message. */
export type ComponentState =
  | { ok: true; fingerprint: string; detail: string }
  | { ok: false; fingerprint: string; message: string };

/** Reads a component's record; null when provisioning never ran for it. */
export function readState(component: string): ComponentState | null {
  try {
    return JSON.parse(Deno.readTextFileSync(join(STATE_DIR, `${component}.json`)));
  } catch {
    return null;
  }
}

/** Writes a component's record atomically. */
export function writeState(component: string, state: ComponentState): void {
  Deno.mkdirSync(STATE_DIR, { recursive: true });
  const file = join(STATE_DIR, `${component}.json`);
  Deno.writeTextFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + "\n");
  Deno.renameSync(`${file}.tmp`, file);
}

/**
 * SHA-256 over the given strings and the contents of the given repository files (missing files
 * count as empty), hex-encoded: changes whenever a pinned version or a setup script changes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { fingerprint } from "./state.ts";
 * deepStrictEqual(await fingerprint(["a"], []), await fingerprint(["a"], []));
 * deepStrictEqual((await fingerprint(["a"], [])) === (await fingerprint(["b"], [])), false);
 * ```
 */
export async function fingerprint(values: string[], files: string[]): Promise<string> {
  const parts = [...values];
  for (const file of files) {
    try {
      parts.push(await Deno.readTextFile(join(REPO_ROOT, file)));
    } catch {
      parts.push("");
    }
  }
  const bytes = new TextEncoder().encode(parts.join("\u0000"));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
