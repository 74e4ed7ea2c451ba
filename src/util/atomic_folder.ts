/**
 * Outputs that appear whole or not at all: files and folders are written under a temporary
 * name unique to the process (pid + random) beside their final place and renamed into place
 * once complete; a failure removes the temporary copy, and leftovers of killed processes are
 * recognised by their dead pid and removed by the next writer.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { UsageError } from "./errors.ts";
import { describeOutputError } from "./output_errors.ts";

/**
 * A temporary name for `path`, unique to this process and call: `PATH.tmp-PID-RANDOM`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { temporaryName } from "./atomic_folder.ts";
 * const name = temporaryName("runs/x/run.json");
 * deepStrictEqual(name.startsWith(`runs/x/run.json.tmp-${Deno.pid}-`), true);
 * deepStrictEqual(name === temporaryName("runs/x/run.json"), false);
 * ```
 */
export function temporaryName(path: string): string {
  return `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The pid a {@link temporaryName} was made by, or null for other names. */
function temporaryOwner(name: string): number | null {
  const match = /\.(?:tmp|old)-(\d+)-[0-9a-f]{8}$/.exec(name);
  return match ? Number(match[1]) : null;
}

function alive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    // Without /proc (not Linux) nothing can be told: keep the file.
    try {
      return !Deno.statSync("/proc/self").isDirectory;
    } catch {
      return true;
    }
  }
}

/**
 * Removes temporary files and folders in `folder` whose names start with `prefix` and that
 * were left by processes no longer running (killed mid-write). Returns the names removed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { removeLeftovers } from "./atomic_folder.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/epoch-0002.tmp-4194999-0123abcd`);
 * await Deno.writeTextFile(`${dir}/run.json.tmp-${Deno.pid}-0123abcd`, "{}");
 * deepStrictEqual(await removeLeftovers(dir, ""), ["epoch-0002.tmp-4194999-0123abcd"]);
 * ```
 */
export async function removeLeftovers(folder: string, prefix: string): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      const owner = temporaryOwner(entry.name);
      if (!entry.name.startsWith(prefix) || owner === null || alive(owner)) continue;
      await Deno.remove(join(folder, entry.name), { recursive: true }).catch(() => {});
      removed.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed.sort();
}

/**
 * Puts back folder `dir` when a writer was killed between moving the old `dir` aside and
 * renaming its replacement in (the only moment of a forced replacement when `dir` is absent):
 * the newest `.NAME.old-PID-…` of a dead process becomes `dir` again. Returns whether it did.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { recoverReplaced } from "./atomic_folder.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/.eval.old-4194999-0123abcd`);
 * deepStrictEqual(await recoverReplaced(`${root}/eval`), true);
 * deepStrictEqual((await Deno.stat(`${root}/eval`)).isDirectory, true);
 * ```
 */
export async function recoverReplaced(dir: string): Promise<boolean> {
  if (await exists(dir)) return false;
  const parent = dirname(dir), prefix = `.${basename(dir)}.old-`;
  const candidates: { name: string; mtime: number }[] = [];
  try {
    for await (const entry of Deno.readDir(parent)) {
      const owner = temporaryOwner(entry.name);
      if (!entry.name.startsWith(prefix) || owner === null || alive(owner)) continue;
      const info = await Deno.lstat(join(parent, entry.name));
      candidates.push({ name: entry.name, mtime: info.mtime?.getTime() ?? 0 });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) return false;
  await Deno.rename(join(parent, newest.name), dir);
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw error;
  }
}

async function isEmptyFolder(path: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(path)) return false;
    return true;
  } catch {
    return false; // a file, or unreadable
  }
}

/**
 * Throws a {@link UsageError} when `dir` exists and is not an empty folder: outputs are never
 * overwritten silently (an empty folder holds nothing to lose).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { refuseExisting } from "./atomic_folder.ts";
 * await refuseExisting("/nonexistent/report"); // fine: nothing there
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/report.md`, "");
 * await rejects(refuseExisting(dir), /already exists; pass --force/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function refuseExisting(dir: string): Promise<void> {
  if (await exists(dir) && !(await isEmptyFolder(dir))) {
    throw new UsageError(
      `${dir} already exists; pass --force to replace it or choose another output folder`,
    );
  }
}

/**
 * Writes `data` to `path` atomically (a temporary file in the same folder, then a rename); a
 * failure (full disk, …) leaves the old file, no temporary, and throws a one-line error.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { writeFileAtomic } from "./atomic_folder.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.json`, new TextEncoder().encode("{}"));
 * deepStrictEqual(await Deno.readTextFile(`${dir}/a.json`), "{}");
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = temporaryName(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw describeOutputError(path, error);
  }
}

/**
 * Makes folder `dir` appear complete or not at all: `fill` writes into a fresh temporary
 * sibling folder, which is then renamed to `dir` in one step. An existing `dir` is refused
 * unless `force`, and then replaced (moved aside, the new one renamed in, the old removed).
 * On any failure the temporary folder is removed and `dir` is left as it was.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { writeFolderAtomic } from "./atomic_folder.ts";
 * const dir = (await Deno.makeTempDir()) + "/eval";
 * await writeFolderAtomic(dir, (temp) => Deno.writeTextFile(`${temp}/a.txt`, "1"));
 * deepStrictEqual(await Deno.readTextFile(`${dir}/a.txt`), "1");
 * ```
 */
export async function writeFolderAtomic<T>(
  dir: string,
  fill: (temp: string) => Promise<T>,
  { force = false }: { force?: boolean } = {},
): Promise<T> {
  if (!force) await refuseExisting(dir);
  const parent = dirname(dir);
  const temp = temporaryName(join(parent, `.${basename(dir)}`));
  let value: T;
  try {
    await Deno.mkdir(temp, { recursive: true });
    value = await fill(temp);
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw describeOutputError(dir, error);
  }
  const old = temporaryName(join(parent, `.${basename(dir)}`)).replace(/\.tmp-/, ".old-");
  const replacing = await exists(dir);
  if (replacing && !force) {
    // Appeared meanwhile, made by a writer that took no lock.
    await refuseExisting(dir).catch(async (error) => {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
      throw error;
    });
  }
  try {
    if (replacing) await Deno.rename(dir, old);
    try {
      await Deno.rename(temp, dir);
    } catch (error) {
      if (replacing) await Deno.rename(old, dir);
      throw error;
    }
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw describeOutputError(dir, error);
  }
  if (replacing) await Deno.remove(old, { recursive: true }).catch(() => {});
  return value;
}
