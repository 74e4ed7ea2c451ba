/**
 * `deno task test [--skip-static] [--skip-notebooks] [deno test args...]` — every suite, one
 * summary line.
 *
 * Runs the static checks (tools/static_checks.ts: fmt, lint, check, notebook cells), then
 * `deno test --allow-all --doc` (unit tests beside the code, `tests/`, and every JSDoc
 * example), then executes every notebook headless with its quick parameters, and ends with
 * exactly one line `N passed, N failed` (one per static check, deno test's tests, one per
 * notebook). Exits 1 if anything failed. `deno task test` provisions first (tools/provision).
 *
 * @module
 */
import { stripVTControlCharacters } from "node:util";
import { findNotebooks, runNotebooks } from "./nb/executor.ts";
import { runStaticChecks } from "./static_checks.ts";

/** Counts from deno test's summary line (`ok | 4 passed (9 steps) | 0 failed (3s)`). */
export interface TestCounts {
  passed: number;
  failed: number;
}

/**
 * Reads the last summary line of `deno test` output; null when there is none (e.g. the type
 * check failed before any test ran).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseDenoTestSummary } from "./test_all.ts";
 * deepStrictEqual(parseDenoTestSummary("FAILED | 2 passed (3 steps) | 1 failed (4s)"), {
 *   passed: 2,
 *   failed: 1,
 * });
 * ```
 */
export function parseDenoTestSummary(output: string): TestCounts | null {
  // deno test colours its output only on a terminal; strip escapes anyway.
  const plain = stripVTControlCharacters(output);
  const matches = [...plain.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)];
  const last = matches.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : null;
}

/** Runs deno test, echoing its output as it comes, and returns its counts. */
async function runDenoTest(args: string[]): Promise<TestCounts> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--doc", ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  let output = "";
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    output += decoder.decode(chunk, { stream: true });
  }
  const status = await child.status;
  const counts = parseDenoTestSummary(output);
  if (counts) return counts;
  console.log(`deno test exited with code ${status.code} before reporting any results`);
  return { passed: 0, failed: 1 };
}

/** Executes all notebooks with quick parameters; each notebook counts as one test. */
async function runAllNotebooks(): Promise<TestCounts> {
  const notebooks = await findNotebooks();
  if (notebooks.length === 0) return { passed: 0, failed: 0 };
  console.log(`\nnotebooks: executing ${notebooks.length} with quick parameters`);
  try {
    const { results } = await runNotebooks({ notebooks, quick: true });
    const failed = results.filter((r) => !r.ok).length;
    return { passed: results.length - failed, failed };
  } catch (error) {
    console.log(`notebooks could not run: ${(error as Error).message}`);
    return { passed: 0, failed: notebooks.length };
  }
}

if (import.meta.main) {
  const skip = (flag: string) => Deno.args.includes(flag);
  const testArgs = Deno.args.filter((arg) => !["--skip-static", "--skip-notebooks"].includes(arg));
  const none = { passed: 0, failed: 0 };
  const checks = skip("--skip-static") ? none : await runStaticChecks();
  const unit = await runDenoTest(testArgs);
  const notebooks = skip("--skip-notebooks") ? none : await runAllNotebooks();
  const passed = checks.passed + unit.passed + notebooks.passed;
  const failed = checks.failed + unit.failed + notebooks.failed;
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
