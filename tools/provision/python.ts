/**
 * The project's Python: a virtual environment under `.tools/venv` made with `python3 -m venv`
 * and pip from the pinned `tools/py/requirements.txt` (Jupyter machinery, JupyterLab 4,
 * scikit-learn, statsmodels, SciPy, scikit-image). `DIGITKIT_PYTHON` points everything at
 * another interpreter instead (then nothing is installed).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../src/util/errors.ts";
import { fingerprint, readState, REPO_ROOT, writeState } from "./state.ts";

/** The project-local virtual environment. */
export const VENV_DIR: string = join(REPO_ROOT, ".tools", "venv");

/** Pinned Python packages, relative to the repository root. */
export const REQUIREMENTS = "tools/py/requirements.txt";

/** Versions of every package in the venv, dependencies included. */
export const CONSTRAINTS = "tools/py/constraints.txt";

/** Interpreter every Python-using tool and test runs: `$DIGITKIT_PYTHON` or the venv's. */
export const PYTHON: string = Deno.env.get("DIGITKIT_PYTHON") ?? join(VENV_DIR, "bin", "python3");

/** Executables installed by the venv (jupyter-lab, ...) live beside its interpreter. */
export const PYTHON_BIN: string = join(PYTHON, "..");

const COMPONENT = "python";
const SETUP_HINT = "run `deno task setup` (or any of `deno task test|report|jupyter`)";

/** Runs a command; on failure prints its output and returns the last lines of it. */
async function run(cmd: string, args: string[]): Promise<{ ok: boolean; tail: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (!out.success) console.error(text);
    const lines = text.trim().split("\n").filter((line) => line.trim() !== "");
    return { ok: out.success, tail: lines.slice(-2).map((line) => line.trim()).join(" ") };
  } catch (error) {
    return { ok: false, tail: (error as Error).message };
  }
}

function fail(print: string, message: string): { ok: false; message: string } {
  writeState(COMPONENT, { ok: false, fingerprint: print, message });
  return { ok: false, message };
}

/**
 * Makes `.tools/venv` with the pinned packages unless the record says it is already built from
 * the same requirements. Never throws: a failure is recorded (see {@link requirePython}) and
 * returned with the command that fixes it.
 */
export async function provisionPython(): Promise<{ ok: boolean; message: string }> {
  if (Deno.env.get("DIGITKIT_PYTHON")) {
    return { ok: true, message: `DIGITKIT_PYTHON=${PYTHON} (nothing installed)` };
  }
  const print = await fingerprint(["python-v1", Deno.build.os], [REQUIREMENTS, CONSTRAINTS]);
  const state = readState(COMPONENT);
  if (state?.ok && state.fingerprint === print && existsSync(PYTHON)) {
    return { ok: true, message: state.detail };
  }
  const started = Date.now();
  if (!existsSync(PYTHON)) {
    console.error(`[setup] python3 -m venv ${VENV_DIR}`);
    const venv = await run("python3", ["-m", "venv", VENV_DIR]);
    if (!venv.ok) {
      await Deno.remove(VENV_DIR, { recursive: true }).catch(() => {});
      const noPython = /not found|No such file/i.test(venv.tail);
      return fail(
        print,
        noPython
          ? "python3 not found: install Python 3 with its venv module " +
            "(Debian/Ubuntu: `apt-get install python3 python3-venv`), then run `deno task setup`"
          : `\`python3 -m venv\` failed (${venv.tail}): on Debian/Ubuntu run ` +
            "`apt-get install python3-venv`, then `deno task setup`",
      );
    }
  }
  console.error(`[setup] pip install -r ${REQUIREMENTS} into .tools/venv (a few minutes)`);
  // Low retries: an unreachable index in pip's configuration must not stall for minutes.
  const pip = await run(PYTHON, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--retries",
    "1",
    "--timeout",
    "15",
    "-r",
    join(REPO_ROOT, REQUIREMENTS),
  ]);
  if (!pip.ok) {
    return fail(
      print,
      `pip could not install ${REQUIREMENTS} into .tools/venv (${pip.tail}): make a package ` +
        `index reachable, then run \`deno task setup\``,
    );
  }
  const detail = `.tools/venv from ${REQUIREMENTS} (built in ${
    Math.round((Date.now() - started) / 1000)
  } s)`;
  writeState(COMPONENT, { ok: true, fingerprint: print, detail });
  return { ok: true, message: detail };
}

/**
 * Returns {@link PYTHON} when it imports all `modules`; otherwise throws a {@link UsageError}
 * naming what to run (the recorded provisioning failure when there is one).
 *
 * @example
 * ```ts ignore
 * import { requirePython } from "./python.ts";
 * const python = requirePython(["sklearn", "statsmodels"]);
 * ```
 */
export function requirePython(modules: string[]): string {
  let stderr = "";
  try {
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", `import ${modules.join(", ")}`],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (probe.success) return PYTHON;
    stderr = new TextDecoder().decode(probe.stderr).trim().split("\n").at(-1) ?? "";
  } catch {
    stderr = `${PYTHON} does not exist`;
  }
  const state = readState(COMPONENT);
  const fix = Deno.env.get("DIGITKIT_PYTHON")
    ? `install ${REQUIREMENTS} into it (\`${PYTHON} -m pip install -r ${REQUIREMENTS}\`) or unset DIGITKIT_PYTHON`
    : state && !state.ok
    ? state.message
    : SETUP_HINT;
  throw new UsageError(`${PYTHON} cannot import ${modules.join(", ")} (${stderr}): ${fix}`);
}
