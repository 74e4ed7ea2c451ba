/**
 * `deno run -A tools/provision/mod.ts [--strict] <task>` — provisions, on first use and
 * idempotently, what a task needs; `deno task test|report|jupyter|setup` run it first.
 * A finished setup is recognised from the records in `.tools/provision/` in well under 2 s.
 *
 * - `report`: npm packages and the native tensorflow backend (`tools/setup.sh`)
 * - `jupyter`, `notebooks`: those plus the Python venv `.tools/venv` (JupyterLab 4, Jupyter
 *   client)
 * - `test`, `setup`: those plus Chromium for the browser tests
 *
 * A component that cannot be installed is reported with the command that fixes it; the tests
 * that need it then fail with the same message. `--strict` (used by `deno task setup`) exits 1
 * in that case; otherwise the task goes on.
 *
 * @module
 */
import { provisionChromium } from "./chromium.ts";
import { provisionPython } from "./python.ts";
import { provisionTensorflow } from "./tensorflow.ts";

type Provisioner = () => Promise<{ ok: boolean; message: string }>;

/** Components in install order. */
export const COMPONENTS: Record<string, Provisioner> = {
  python: provisionPython,
  tensorflow: provisionTensorflow,
  chromium: provisionChromium,
};

/** Components each task needs, in install order (setup.sh prefers the venv's pip). */
export const TASK_NEEDS: Record<string, string[]> = {
  report: ["tensorflow"],
  jupyter: ["python", "tensorflow"],
  notebooks: ["python", "tensorflow"],
  test: ["python", "tensorflow", "chromium"],
  setup: ["python", "tensorflow", "chromium"],
};

if (import.meta.main) {
  const strict = Deno.args.includes("--strict");
  const task = Deno.args.find((arg) => !arg.startsWith("--")) ?? "setup";
  const needs = TASK_NEEDS[task];
  if (!needs) {
    console.error(`error: unknown task '${task}': expected ${Object.keys(TASK_NEEDS).join(", ")}`);
    Deno.exit(2);
  }
  const started = performance.now();
  const failures: string[] = [];
  const ready: string[] = [];
  for (const name of needs) {
    const result = await COMPONENTS[name]();
    if (result.ok) ready.push(name);
    else failures.push(`${name}: ${result.message}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (ready.length > 0) console.error(`[setup] ready: ${ready.join(", ")} (${seconds} s)`);
  for (const failure of failures) console.error(`[setup] NOT INSTALLED ${failure}`);
  if (strict && failures.length > 0) Deno.exit(1);
}
