/**
 * `deno task jupyter [args...]` — opens Jupyter (JupyterLab if installed, else the classic
 * Notebook) in `notebooks/` with the project's Deno kernelspec on `JUPYTER_PATH`.
 *
 * @module
 */
import { join } from "node:path";
import { jupyterEnv, REPO_ROOT } from "./nb/jupyter_env.ts";

/** Jupyter front ends, preferred first: [executable, subcommand]. */
const FRONT_ENDS: [string, string][] = [
  ["jupyter-lab", "lab"],
  ["jupyter-notebook", "notebook"],
];

async function hasCommand(name: string): Promise<boolean> {
  try {
    const probe = new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null" });
    return (await probe.output()).success;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  let chosen: string | undefined;
  for (const [executable, subcommand] of FRONT_ENDS) {
    if (await hasCommand(executable)) {
      chosen = subcommand;
      break;
    }
  }
  if (!chosen) {
    console.error(
      "error: neither JupyterLab nor Jupyter Notebook is installed " +
        "(Debian: apt-get install jupyter-notebook; or pip install jupyterlab)",
    );
    Deno.exit(1);
  }
  // Containers and CI machines often run as root, which Jupyter refuses without this flag.
  const rootFlag = Deno.uid() === 0 && !Deno.args.includes("--allow-root") ? ["--allow-root"] : [];
  const child = new Deno.Command("jupyter", {
    args: [chosen, "--notebook-dir", join(REPO_ROOT, "notebooks"), ...rootFlag, ...Deno.args],
    env: jupyterEnv(),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}
