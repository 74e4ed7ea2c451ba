/**
 * `deno task notebooks [--quick] [--param NAME=VALUE]... [--timeout S] [--settle S] [--out DIR]
 * [FILE.ipynb...]`
 *
 * Executes notebooks headless through Jupyter with the project's Deno kernel, writes executed
 * copies under `reports/notebooks/`, and exits 1 if any cell failed. `DIGITKIT_QUICK=1` is the
 * same as `--quick` (each notebook's `metadata.digitkit.quick_parameters`).
 *
 * @module
 */
import { parseFlags } from "../src/cli/args.ts";
import { isUserError, UsageError } from "../src/util/errors.ts";
import { findNotebooks, runNotebooks } from "./nb/executor.ts";

/** Parses `NAME=VALUE` (VALUE as JSON when it parses, else a string). */
export function parseParam(pair: string): [string, unknown] {
  const at = pair.indexOf("=");
  if (at <= 0) throw new UsageError(`--param expects NAME=VALUE, got "${pair}"`);
  const raw = pair.slice(at + 1);
  try {
    return [pair.slice(0, at), JSON.parse(raw)];
  } catch {
    return [pair.slice(0, at), raw];
  }
}

const HELP =
  `usage: deno task notebooks [--quick] [--param NAME=VALUE]... [--timeout S] [--settle S]
                            [--out DIR] [NOTEBOOK.ipynb...]

Executes notebooks (default: notebooks/*.ipynb) headless through Jupyter with the project's Deno
kernel and writes the executed copies to DIR (default reports/notebooks/). Fails (exit 1) on a
thrown error, syntax error, unhandled rejection, timer error, kernel death or cell timeout;
asynchronous errors are blamed on the cell whose timer caused them, and after the last cell
the kernel must stay quiet for --settle seconds, so late rejections and timers are caught.

  --quick            use each notebook's metadata.digitkit.quick_parameters (DIGITKIT_QUICK=1)
  --param NAME=VALUE override a parameter declared with let in the "parameters" cell
                     (VALUE is JSON when it parses, else a string)
  --timeout S        default per-cell timeout in seconds (a cell's metadata.timeout wins; 600)
  --settle S         quiet seconds awaited after the last cell before a notebook passes (3)
  --out DIR          folder for the executed copies`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(argv, {
    quick: { type: "boolean" },
    param: { type: "string", short: "p", multiple: true },
    timeout: { type: "string" },
    settle: { type: "string" },
    out: { type: "string" },
  }, { allowPositionals: true });
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);
  }
  const settleS = values.settle === undefined ? undefined : Number(values.settle);
  if (settleS !== undefined && !(settleS >= 0)) {
    throw new UsageError(`--settle must be a number of seconds ≥ 0, got "${values.settle}"`);
  }
  const notebooks = positionals.length > 0 ? positionals : await findNotebooks();
  if (notebooks.length === 0) throw new UsageError("no notebooks to run");
  for (const path of notebooks) {
    const isFile = await Deno.stat(path).then((s) => s.isFile, () => false);
    if (!isFile || !path.endsWith(".ipynb")) {
      throw new UsageError(`${path}: expected a notebook file (.ipynb), found none`);
    }
  }
  const { results } = await runNotebooks({
    notebooks,
    outDir: values.out,
    quick: values.quick || Deno.env.get("DIGITKIT_QUICK") === "1",
    params: Object.fromEntries((values.param ?? []).map(parseParam)),
    timeoutS,
    settleS,
  });
  const failed = results.filter((r) => !r.ok);
  console.log(`notebooks: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    if (!isUserError(error)) throw error;
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  }
}
