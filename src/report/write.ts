/**
 * Atomic report folders: every file is written into a hidden temporary folder beside the
 * target, which is renamed into place at the end, so a crash never leaves half a report; an
 * existing report is only replaced with `force`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { UsageError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";

/** Relative path → content of every file of a report. */
export type ReportFiles = Map<string, string | Uint8Array>;

/**
 * Throws a {@link UsageError} when `dir` exists: reports are never overwritten silently.
 *
 * @example
 * ```ts
 * import { refuseExisting } from "./write.ts";
 * await refuseExisting("/nonexistent/report"); // fine: nothing there
 * ```
 */
export async function refuseExisting(dir: string): Promise<void> {
  if (await exists(dir)) {
    throw new UsageError(
      `${dir} already exists; pass --force to replace it or choose another run name (--out)`,
    );
  }
}

/**
 * Writes `files` as the folder `dir`, atomically. Throws a {@link UsageError} when `dir`
 * exists and `force` is false.
 *
 * @example
 * ```ts
 * import { writeFilesAtomic } from "./write.ts";
 * const dir = (await Deno.makeTempDir()) + "/run";
 * await writeFilesAtomic(dir, new Map([["report.md", "# Hi\n"]]));
 * console.log(await Deno.readTextFile(dir + "/report.md"));
 * ```
 */
export async function writeFilesAtomic(
  dir: string,
  files: ReportFiles,
  { force = false }: { force?: boolean } = {},
): Promise<void> {
  if (!force) await refuseExisting(dir);
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  const stamp = `${Deno.pid}-${Date.now().toString(36)}`;
  const temp = join(parent, `.${basename(dir)}.tmp-${stamp}`);
  try {
    for (const [path, content] of files) {
      if (path.startsWith("/") || path.split("/").includes("..")) {
        throw new Error(`report file path must stay inside the report: ${path}`);
      }
      const target = join(temp, path);
      await Deno.mkdir(dirname(target), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(target, content);
      else await Deno.writeFile(target, content);
    }
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw error;
  }
  const old = join(parent, `.${basename(dir)}.old-${stamp}`);
  const replacing = await exists(dir);
  if (replacing) await Deno.rename(dir, old);
  try {
    await Deno.rename(temp, dir);
  } catch (error) {
    if (replacing) await Deno.rename(old, dir);
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw error;
  }
  if (replacing) await Deno.remove(old, { recursive: true });
}
