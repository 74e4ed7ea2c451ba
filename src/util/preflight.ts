/**
 * Output preflight: before any data, backend, training or evaluation, a command checks that
 * its output folder can be made (or exists and is a folder), that it can write there, and that
 * the filesystem has room for at least one checkpoint or report, so a problem shows up in the
 * first second as one line instead of after hours as a stack trace.
 *
 * @module
 */
import { statfs } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.ts";
import { describeOutputError } from "./output_errors.ts";
import { temporaryName } from "./atomic_folder.ts";

/** Options of {@link preflightOutput}. */
export interface PreflightOptions {
  /** Bytes the command will need at least (one checkpoint, one report). */
  bytes?: number;
  /** What the bytes are for, for the message ("a checkpoint of mlp"). */
  purpose?: string;
  /** The flag naming the folder, for the message (default `--out`). */
  flag?: string;
}

/** The nearest existing ancestor of `path` (itself when it exists), with its stat. */
async function nearestExisting(path: string): Promise<{ path: string; info: Deno.FileInfo }> {
  let current = resolve(path);
  for (;;) {
    try {
      return { path: current, info: await Deno.stat(current) };
    } catch (error) {
      const missing = error instanceof Deno.errors.NotFound ||
        error instanceof Deno.errors.NotADirectory; // a file on the way: found one level up
      if (!missing || dirname(current) === current) {
        throw describeOutputError(path, error);
      }
      current = dirname(current);
    }
  }
}

/**
 * Free bytes for an unprivileged writer on the filesystem holding `path`, or null where
 * the platform cannot tell.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { freeBytes } from "./preflight.ts";
 * deepStrictEqual((await freeBytes(Deno.cwd()) ?? 1) > 0, true);
 * ```
 */
export async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}

/**
 * Checks output folder `dir` before any work: it is a folder (or can be made: its nearest
 * existing ancestor is a folder), this process can create files there, and its filesystem
 * has `bytes` free. Creates nothing that stays. Throws one-line {@link UsageError}s.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { preflightOutput } from "./preflight.ts";
 * const root = await Deno.makeTempDir();
 * await preflightOutput(`${root}/runs/new`, { bytes: 1024 }); // fine: creatable, writable
 * await Deno.writeTextFile(`${root}/file`, "");
 * await rejects(preflightOutput(`${root}/file`), /--out .*\/file is a file; expected a folder/);
 * await rejects(
 *   preflightOutput(root, { bytes: 2 ** 60, purpose: "a checkpoint" }),
 *   /MB free .*a checkpoint needs about/,
 * );
 * ```
 */
export async function preflightOutput(dir: string, options: PreflightOptions = {}): Promise<void> {
  const flag = options.flag ?? "--out";
  const existing = await nearestExisting(dir);
  if (!existing.info.isDirectory) {
    const what = existing.path === resolve(dir) ? dir : `${existing.path} (in ${dir})`;
    throw new UsageError(`${flag} ${what} is a file; expected a folder`);
  }
  const probe = temporaryName(join(existing.path, ".digitkit-probe"));
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
  } catch (error) {
    throw describeOutputError(dir, error);
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
  const needed = options.bytes ?? 0;
  const free = needed > 0 ? await freeBytes(existing.path) : null;
  if (free !== null && free < needed) {
    throw new UsageError(
      `cannot write ${dir}: ${megabytes(free)} free on its filesystem, ` +
        `${options.purpose ?? "the output"} needs about ${megabytes(needed)}`,
    );
  }
}
