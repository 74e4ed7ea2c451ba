/**
 * The one call a command makes before any work on an output folder: preflight it, claim it
 * exclusively, and clear what killed writers left behind.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";
import { recoverReplaced, removeLeftovers } from "./atomic_folder.ts";
import { claimFolder, type FolderLock } from "./lock.ts";
import { type PreflightOptions, preflightOutput } from "./preflight.ts";

/**
 * Checks `dir` ({@link preflightOutput}), takes its lock ({@link claimFolder}), puts back a
 * folder a killed writer had moved aside, and removes temporary files and folders of dead
 * writers beside and inside it. Release the lock (or
 * `await using` it) when the output is complete.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { claimOutput } from "./output_claim.ts";
 * const dir = (await Deno.makeTempDir()) + "/eval";
 * await using lock = await claimOutput(dir, "kit eval");
 * await rejects(claimOutput(dir, "kit eval"), /is being written by kit eval/);
 * ```
 */
export async function claimOutput(
  dir: string,
  command: string,
  options: PreflightOptions = {},
): Promise<FolderLock> {
  await preflightOutput(dir, options);
  const lock = await claimFolder(dir, command);
  const full = resolve(dir);
  await recoverReplaced(full);
  await removeLeftovers(dirname(full), `.${basename(full)}.`);
  await removeLeftovers(full, "");
  return lock;
}
