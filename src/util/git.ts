/**
 * The git commit of the code, for reproducibility blocks of reports.
 *
 * @module
 */

/**
 * The abbreviated commit (12 hex digits) checked out in `cwd`, or `"unknown"` outside a git
 * checkout or without git.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { gitCommit } from "./git.ts";
 * ok(/^([0-9a-f]{12}|unknown)$/.test(await gitCommit()));
 * ```
 */
export async function gitCommit(cwd?: string): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--short=12", "HEAD"],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
  } catch {
    return "unknown";
  }
}
