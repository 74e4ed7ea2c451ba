/**
 * Runs notebooks headless through `tools/nb/execute.py` (Debian's Jupyter) and reads the results.
 *
 * @module
 */
import { join, relative } from "node:path";
import { JUPYTER_DIR, jupyterEnv, PYTHON, REPO_ROOT, requireJupyter } from "./jupyter_env.ts";

/** What went wrong in a failed notebook. */
export interface NotebookFailure {
  /** 1-based position of the failing cell in the executed copy, or null for whole-notebook failures. */
  cell: number | null;
  /** Source of the failing cell ("" when not about a cell). */
  source: string;
  /** Error text: traceback, timeout, kernel death, asynchronous error, missing outputs. */
  error: string;
}

/** Outcome of one notebook. */
export interface NotebookResult {
  /** Notebook path as given. */
  path: string;
  /** Where the executed copy was written. */
  output: string;
  ok: boolean;
  seconds: number;
  failure: NotebookFailure | null;
}

/** Options for {@link runNotebooks}. */
export interface RunOptions {
  /** Notebook files to execute, in order. */
  notebooks: string[];
  /** Folder for executed copies (default `reports/notebooks`). */
  outDir?: string;
  /** Apply each notebook's `metadata.digitkit.quick_parameters`. */
  quick?: boolean;
  /** Parameter overrides (JSON-serialisable), applied after the quick ones. */
  params?: Record<string, unknown>;
  /** Default per-cell timeout in seconds; a cell's `metadata.timeout` wins. */
  timeoutS?: number;
  /**
   * Seconds the kernel must stay quiet after the last cell (no output, no new asynchronous
   * errors) before a notebook counts as done; default 3, enough for late rejections and timers.
   */
  settleS?: number;
  /** "inherit" shows the executor's progress; "piped" keeps it in `log`. */
  output?: "inherit" | "piped";
}

/** Results plus, when output was piped, the executor's combined log. */
export interface RunReport {
  results: NotebookResult[];
  log: string;
}

/** Notebooks under `dir` (default the repo's `notebooks/`), sorted by name. */
export async function findNotebooks(dir: string = join(REPO_ROOT, "notebooks")): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) found.push(join(dir, entry.name));
  }
  return found.sort().map((path) => relative(Deno.cwd(), path) || path);
}

/**
 * Executes `notebooks` one after another in fresh Deno kernels; never throws for a failing cell
 * (see each result's `failure`), only when Jupyter itself is missing.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`: it starts a Jupyter kernel and runs a notebook (minutes).
 * import { ok } from "node:assert";
 * import { runNotebooks } from "./executor.ts";
 * const { results } = await runNotebooks({ notebooks: ["notebooks/01-data.ipynb"], quick: true });
 * ok(results[0].ok);
 * ```
 */
export async function runNotebooks(options: RunOptions): Promise<RunReport> {
  await requireJupyter();
  const outDir = options.outDir ?? join(REPO_ROOT, "reports", "notebooks");
  const resultsFile = await Deno.makeTempFile({ prefix: "digitkit-nb-", suffix: ".json" });
  const args = [join(REPO_ROOT, "tools", "nb", "execute.py"), "--out", outDir];
  args.push("--results", resultsFile, "--timeout", String(options.timeoutS ?? 600));
  if (options.quick) args.push("--quick");
  if (options.settleS !== undefined) args.push("--settle", String(options.settleS));
  for (const [name, value] of Object.entries(options.params ?? {})) {
    args.push("--param", `${name}=${JSON.stringify(value)}`);
  }
  args.push(...options.notebooks);
  const piped = options.output === "piped";
  try {
    const child = new Deno.Command(PYTHON, {
      args,
      env: { ...jupyterEnv(), PYTHONUNBUFFERED: "1" },
      stdout: piped ? "piped" : "inherit",
      stderr: piped ? "piped" : "inherit",
    }).spawn();
    const done = await child.output();
    const decoder = new TextDecoder();
    const log = piped ? decoder.decode(done.stdout) + decoder.decode(done.stderr) : "";
    let results: NotebookResult[];
    try {
      results = JSON.parse(await Deno.readTextFile(resultsFile));
    } catch {
      throw new Error(
        `notebook executor crashed (exit ${done.code}) before writing results\n${log}`,
      );
    }
    return { results, log };
  } finally {
    await Deno.remove(resultsFile).catch(() => {});
  }
}

/** Folder holding the project kernelspec (for messages and docs). */
export const KERNELSPEC_DIR: string = join(JUPYTER_DIR, "kernels", "deno");
