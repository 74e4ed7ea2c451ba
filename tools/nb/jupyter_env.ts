/**
 * Where the project's Jupyter pieces live and the environment that makes Jupyter find them.
 *
 * @module
 */
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON_BIN, requirePython } from "../provision/python.ts";

/** Repository root (two levels above this file). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Folder put on `JUPYTER_PATH`; holds `kernels/deno/kernel.json`. */
export const JUPYTER_DIR: string = join(REPO_ROOT, "tools", "jupyter");

/** The project's Python (`.tools/venv`, or `$DIGITKIT_PYTHON`); see tools/provision/python.ts. */
export { PYTHON, PYTHON_BIN } from "../provision/python.ts";

/**
 * Environment for Jupyter processes: the project kernelspec first on `JUPYTER_PATH`, and the
 * running Deno first on `PATH` so the kernelspec's plain `deno` is the same Deno as the tools'.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { jupyterEnv } from "./jupyter_env.ts";
 * deepStrictEqual(jupyterEnv().JUPYTER_PATH.split(":")[0].endsWith("tools/jupyter"), true);
 * ```
 */
export function jupyterEnv(): Record<string, string> {
  const previous = Deno.env.get("JUPYTER_PATH");
  return {
    ...Deno.env.toObject(),
    JUPYTER_PATH: previous ? `${JUPYTER_DIR}${delimiter}${previous}` : JUPYTER_DIR,
    // The venv's bin next, for `jupyter` subcommands found by name.
    PATH: [dirname(Deno.execPath()), PYTHON_BIN, Deno.env.get("PATH") ?? ""].join(delimiter),
    NO_COLOR: "1",
  };
}

/**
 * Throws a {@link UsageError} naming the fix when the project's Python lacks the Jupyter
 * client the executor needs.
 *
 * @example
 * ```ts
 * import { requireJupyter } from "./jupyter_env.ts";
 * await requireJupyter(); // resolves when .tools/venv imports nbformat, nbclient, jupyter_client
 * ```
 */
export function requireJupyter(): Promise<void> {
  requirePython(["nbformat", "nbclient", "jupyter_client"]);
  return Promise.resolve();
}
