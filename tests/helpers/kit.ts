/**
 * Runs the `kit` CLI as a subprocess, the way a user does, for end-to-end tests.
 *
 * @module
 */

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;

/** Exit code and decoded output of one CLI run. */
export interface KitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run --allow-all src/cli.ts ...args` from the repo root, without colours.
 *
 * @example
 * ```ts
 * import { runKit } from "./kit.ts";
 * const { code, stdout } = await runKit(["models", "--json"]);
 * console.log(code, JSON.parse(stdout).models.length > 0); // 0 true
 * ```
 */
export async function runKit(args: string[], env: Record<string, string> = {}): Promise<KitRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}
