/**
 * `deno task jupyter [args...]` — opens JupyterLab 4 from the project's Python (`.tools/venv`,
 * provisioned by the task) rooted at the repository and opened on `notebooks/` (so the links the
 * notebooks show into `reports/` open too), with the project's Deno kernelspec
 * (`tools/jupyter/kernels/deno`) on `JUPYTER_PATH`. Extra arguments go to JupyterLab.
 *
 * @module
 */
import { isUserError } from "../src/util/errors.ts";
import { jupyterEnv, REPO_ROOT } from "./nb/jupyter_env.ts";
import { requirePython } from "./provision/python.ts";

if (import.meta.main) {
  let python: string;
  try {
    python = requirePython(["jupyterlab"]);
  } catch (error) {
    if (!isUserError(error)) throw error;
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
  // Containers and CI machines often run as root, which Jupyter refuses without this flag.
  const rootFlag = Deno.uid() === 0 && !Deno.args.includes("--allow-root") ? ["--allow-root"] : [];
  const child = new Deno.Command(python, {
    args: [
      "-m",
      "jupyterlab",
      "--notebook-dir",
      REPO_ROOT,
      "--LabApp.default_url=/lab/tree/notebooks",
      // New notebooks get the project's Deno kernel rather than ipykernel's Python one.
      "--MultiKernelManager.default_kernel_name=deno",
      ...rootFlag,
      ...Deno.args,
    ],
    env: jupyterEnv(),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}
