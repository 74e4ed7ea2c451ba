/**
 * The static checks `deno task test` counts as tests: formatting (notebooks included), lint,
 * type checks of every folder and of the notebooks' cells.
 *
 * `deno fmt --check` reports `.ipynb` files as unformatted even when `deno fmt` leaves their
 * bytes unchanged (deno 2.9, uncached runs), so notebooks are checked by formatting each one
 * through stdin and comparing bytes, which writes nothing.
 *
 * @module
 */
import { join } from "node:path";
import { findNotebooks } from "./nb/executor.ts";
import { REPO_ROOT } from "./nb/jupyter_env.ts";

/** Folders holding notebooks, relative to the repository root. */
export const NOTEBOOK_DIRS: readonly string[] = ["notebooks", "tests/fixtures/notebooks"];

/** One check: a name and a function returning the problems found ([] when it passes). */
export interface StaticCheck {
  name: string;
  run: () => Promise<string[]>;
}

/** Runs `deno ARGS` in the repository root, output shown; a failure is one problem. */
async function deno(args: string[], stdin?: Uint8Array): Promise<{ ok: boolean; stdout: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    stdin: stdin ? "piped" : "null",
    stdout: stdin ? "piped" : "inherit",
    stderr: "inherit",
  }).spawn();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const out = await child.output();
  return { ok: out.success, stdout: stdin ? new TextDecoder().decode(out.stdout) : "" };
}

const command = (name: string, args: string[]): StaticCheck => ({
  name,
  run: async () => (await deno(args)).ok ? [] : [`\`deno ${args.join(" ")}\` failed`],
});

/** Notebooks whose bytes differ from what `deno fmt` makes of them. */
async function unformattedNotebooks(): Promise<string[]> {
  const problems: string[] = [];
  for (const dir of NOTEBOOK_DIRS) {
    for (const file of await findNotebooks(join(REPO_ROOT, dir))) {
      const bytes = await Deno.readFile(file);
      const formatted = await deno(["fmt", "--ext", "ipynb", "-"], bytes);
      if (!formatted.ok || formatted.stdout !== new TextDecoder().decode(bytes)) {
        problems.push(`${file} is not formatted: run deno fmt`);
      }
    }
  }
  return problems;
}

/** The checks, in the order they run. */
export const STATIC_CHECKS: readonly StaticCheck[] = [
  command("deno fmt --check", ["fmt", "--check", `--ignore=${NOTEBOOK_DIRS.join(",")}`]),
  { name: "notebooks formatted", run: unformattedNotebooks },
  command("deno lint", ["lint"]),
  // --doc: the JSDoc and README examples too, so a broken one fails here, by name.
  command("deno check", ["check", "--doc", "src/", "tests/", "tools/", "bench/", "README.md"]),
  command("notebook cells type-check", ["run", "--allow-all", "tools/check_notebooks.ts"]),
];

/** Runs every check, printing one `ok`/`FAILED` line each; returns the counts. */
export async function runStaticChecks(): Promise<{ passed: number; failed: number }> {
  let passed = 0, failed = 0;
  console.log(`\nstatic checks: ${STATIC_CHECKS.length}`);
  for (const check of STATIC_CHECKS) {
    const problems = await check.run();
    if (problems.length === 0) passed++;
    else failed++;
    console.log(`static: ${check.name} ... ${problems.length === 0 ? "ok" : "FAILED"}`);
    for (const problem of problems) console.log(`  ${problem}`);
  }
  return { passed, failed };
}

if (import.meta.main) {
  const { failed } = await runStaticChecks();
  Deno.exit(failed === 0 ? 0 : 1);
}
