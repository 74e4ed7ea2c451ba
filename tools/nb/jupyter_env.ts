/**
 * Where the project's Jupyter pieces live and the environment that makes Jupyter find them.
 *
 * @module
 */
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../src/util/errors.ts";

/** Repository root (two levels above this file). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Folder put on `JUPYTER_PATH`; holds `kernels/deno/kernel.json`. */
export const JUPYTER_DIR: string = join(REPO_ROOT, "tools", "jupyter");

/** Debian's Python, where the apt packages `python3-nbclient` etc. install Jupyter. */
export const PYTHON: string = Deno.env.get("DIGITKIT_PYTHON") ?? "/usr/bin/python3";

/** Debian packages the headless executor needs. */
export const APT_PACKAGES: readonly string[] = [
  "jupyter-client",
  "python3-nbclient",
  "python3-nbformat",
  "python3-ipykernel",
  "jupyter-nbconvert",
];

/**
 * Environment for Jupyter processes: the project kernelspec first on `JUPYTER_PATH`, and the
 * running Deno first on `PATH` so the kernelspec's plain `deno` is the same Deno as the tools'.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { jupyterEnv } from "./jupyter_env.ts";
 * ok(jupyterEnv().JUPYTER_PATH.split(":")[0].endsWith("tools/jupyter"));
 * ```
 */
export function jupyterEnv(): Record<string, string> {
  const previous = Deno.env.get("JUPYTER_PATH");
  return {
    ...Deno.env.toObject(),
    JUPYTER_PATH: previous ? `${JUPYTER_DIR}${delimiter}${previous}` : JUPYTER_DIR,
    PATH: [dirname(Deno.execPath()), Deno.env.get("PATH") ?? ""].join(delimiter),
    NO_COLOR: "1",
  };
}

/**
 * Throws a {@link UsageError} naming the apt packages when Debian's Jupyter is not installed.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { requireJupyter } from "./jupyter_env.ts";
 * try {
 *   await requireJupyter(); // resolves when Python can import nbformat and jupyter_client
 * } catch (e) {
 *   match((e as Error).message, /cannot import nbformat\/jupyter_client: install/);
 * }
 * ```
 */
export async function requireJupyter(): Promise<void> {
  let ok = false;
  try {
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", "import nbformat, jupyter_client"],
      stdout: "null",
      stderr: "null",
    });
    ok = (await probe.output()).success;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new UsageError(
      `${PYTHON} cannot import nbformat/jupyter_client: install the Debian packages ` +
        `(apt-get install ${APT_PACKAGES.join(" ")})`,
    );
  }
}
