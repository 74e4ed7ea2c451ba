/**
 * `deno task bench --setup-peers [LIST]`: makes each peer's project-local venv (`python3 -m venv`)
 * and installs its pinned packages with pip (the configured index: pip's own settings and
 * `PIP_INDEX_URL` / `PIP_EXTRA_INDEX_URL` apply), then checks the framework imports. Running it
 * again only re-checks: pip finds everything installed.
 *
 * @module
 */
import { join } from "node:path";
import { findPeer, type PeerSpec } from "./peer.ts";
import { UsageError } from "../src/util/errors.ts";

/** The commands that make one peer's venv, in order (what {@link setupPeer} runs). */
export function setupCommands(spec: PeerSpec, repo: string, python = "python3"): string[][] {
  const venv = join(repo, spec.venv);
  return [
    [python, "-m", "venv", venv],
    [join(venv, "bin/pip"), "install", ...spec.packages],
  ];
}

/**
 * Makes the venv of `spec` under `repo` (pip's progress on stderr) and returns the version found
 * in it; a step that fails throws a one-line {@link UsageError} with its exit status.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { setupCommands } from "./setup_peers.ts";
 * import { getPeer } from "./peer.ts";
 * deepStrictEqual(setupCommands(getPeer("keras"), "/repo"), [
 *   ["python3", "-m", "venv", "/repo/.tools/keras-venv"],
 *   ["/repo/.tools/keras-venv/bin/pip", "install", "tensorflow-cpu==2.21.0", "keras==3.15.1"],
 * ]);
 * ```
 */
export async function setupPeer(
  spec: PeerSpec,
  repo: string,
  log: (line: string) => void,
): Promise<string> {
  const venvPython = join(repo, spec.venv, "bin/python");
  for (const [command, ...args] of setupCommands(spec, repo)) {
    // An existing venv is kept (re-running `venv` over it would reset its pip).
    if (args[0] === "-m" && args[1] === "venv" && await exists(venvPython)) continue;
    log(`${spec.label}: ${[command, ...args].join(" ")}`);
    // pip's output goes to stderr: stdout stays for the command's result (--json).
    let child;
    try {
      child = new Deno.Command(command, { args, stdout: "piped", stderr: "inherit" }).spawn();
    } catch (error) {
      throw new UsageError(`${spec.label}: cannot run ${command} (${(error as Error).message})`);
    }
    await child.stdout.pipeTo(Deno.stderr.writable, { preventClose: true });
    const status = await child.status;
    if (!status.success) {
      throw new UsageError(
        `${spec.label}: '${command} ${args.join(" ")}' exited ${status.code} (output above)`,
      );
    }
  }
  const { peer, reason } = await findPeer(spec, [venvPython]);
  if (!peer) throw new UsageError(`${spec.label}: installed, but ${reason}`);
  return peer.version;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
