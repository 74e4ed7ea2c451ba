/**
 * Atomic report folders: every file is written into a hidden temporary folder beside the
 * target, which is renamed into place at the end, so a crash never leaves half a report; an
 * existing report is only replaced with `force` (see `src/util/atomic_folder.ts`).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { refuseExisting, writeFolderAtomic } from "../util/atomic_folder.ts";

export { refuseExisting };

/** Relative path → content of every file of a report. */
export type ReportFiles = Map<string, string | Uint8Array>;

/**
 * Writes `files` as the folder `dir`, atomically. Throws a {@link UsageError} when `dir`
 * exists and `force` is false.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { writeFilesAtomic } from "./write.ts";
 * const dir = (await Deno.makeTempDir()) + "/run";
 * await writeFilesAtomic(dir, new Map([["report.md", "# Hi\n"]]));
 * deepStrictEqual(await Deno.readTextFile(dir + "/report.md"), "# Hi\n");
 * ```
 */
export async function writeFilesAtomic(
  dir: string,
  files: ReportFiles,
  { force = false }: { force?: boolean } = {},
): Promise<void> {
  for (const path of files.keys()) {
    if (path.startsWith("/") || path.split("/").includes("..")) {
      throw new Error(`report file path must stay inside the report: ${path}`);
    }
  }
  await writeFolderAtomic(dir, async (temp) => {
    for (const [path, content] of files) {
      const target = join(temp, path);
      await Deno.mkdir(dirname(target), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(target, content);
      else await Deno.writeFile(target, content);
    }
  }, { force });
}
