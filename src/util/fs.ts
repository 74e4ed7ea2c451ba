/**
 * Files at the edges: atomic writes (a temporary file in the same folder, then a rename, so a
 * reader or a crash never sees half a file), JSON reading with errors that name the file, and
 * an existence check.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { exists, readJson, writeJsonAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/x.json`, { ok: true });
 * deepStrictEqual(await readJson(`${dir}/x.json`), { ok: true });
 * deepStrictEqual(await exists(`${dir}/missing.json`), false);
 * ```
 *
 * @module
 */
import { InputError } from "./errors.ts";

/**
 * Writes `data` (bytes or text) to `path` atomically: a temporary file beside it, then a rename.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { writeFileAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "hello");
 * strictEqual(await Deno.readTextFile(`${dir}/a.txt`), "hello");
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${Deno.pid}`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * {@link writeFileAtomic} for synchronous callers (e.g. code that runs while a backend
 * initialises).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { writeFileAtomicSync } from "./fs.ts";
 * const dir = Deno.makeTempDirSync();
 * writeFileAtomicSync(`${dir}/a.txt`, "hello");
 * strictEqual(Deno.readTextFileSync(`${dir}/a.txt`), "hello");
 * ```
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const temp = `${path}.tmp-${Deno.pid}`;
  try {
    if (typeof data === "string") Deno.writeTextFileSync(temp, data);
    else Deno.writeFileSync(temp, data);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch { /* never written */ }
    throw error;
  }
}

/**
 * Writes `value` as JSON to `path` atomically: pretty with a final newline by default,
 * `{ compact: true }` for large machine-read files.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { writeJsonAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/run.json`, { ok: true }, { compact: true });
 * strictEqual(await Deno.readTextFile(`${dir}/run.json`), '{"ok":true}');
 * ```
 */
export function writeJsonAtomic(
  path: string,
  value: unknown,
  { compact = false }: { compact?: boolean } = {},
): Promise<void> {
  return writeFileAtomic(
    path,
    compact ? JSON.stringify(value) : JSON.stringify(value, null, 2) + "\n",
  );
}

/**
 * Reads and parses a JSON file, with an {@link InputError} naming the file when it is missing or
 * not JSON.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert";
 * import { readJson, writeJsonAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/x.json`, [1]);
 * deepStrictEqual(await readJson(`${dir}/x.json`), [1]);
 * await rejects(() => readJson(`${dir}/none.json`), /expected an existing file/);
 * ```
 */
export async function readJson<T = unknown>(path: string): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new InputError(path, "", "an existing file");
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InputError(path, "", "valid JSON", (error as Error).message);
  }
}

/**
 * True when something (file, folder or link) exists at `path`; other errors than "not found"
 * (e.g. permissions) are thrown.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { exists } from "./fs.ts";
 * strictEqual(await exists(await Deno.makeTempDir()), true);
 * strictEqual(await exists("/nonexistent/digitkit"), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
