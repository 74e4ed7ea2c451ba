/**
 * `deno run -A tools/check_notebooks.ts [FILE.ipynb...]` — type-checks notebooks.
 *
 * Each notebook's code cells are concatenated, in order, into a module written next to the
 * notebook (so `../src/...` imports and the deno.json import map resolve as in the kernel), and
 * `deno check` runs on it. Diagnostics are mapped back to "notebook cell N, line L".
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { findNotebooks } from "./nb/executor.ts";
import { joinLines, type Notebook, readNotebook } from "./nb/notebook_file.ts";

/** A notebook flattened into one module, with the line where each cell starts. */
export interface ExtractedModule {
  code: string;
  /** `cellStarts[k]` = [1-based cell number in the notebook, 1-based first module line]. */
  cellStarts: [number, number][];
}

/**
 * Concatenates a notebook's code cells into one TypeScript module.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { extractModule } from "./check_notebooks.ts";
 * const nb = { cells: [{ cell_type: "code" as const, source: "const a = 1;", metadata: {} }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * ok(extractModule(nb).code.includes("const a = 1;"));
 * ```
 */
export function extractModule(nb: Notebook): ExtractedModule {
  const lines = ["// Generated from a notebook by tools/check_notebooks.ts; do not edit."];
  const cellStarts: [number, number][] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    lines.push(`// --- cell ${index + 1} ---`);
    cellStarts.push([index + 1, lines.length + 1]);
    lines.push(...joinLines(cell.source).replace(/\n$/, "").split("\n"));
  });
  lines.push("export {};");
  return { code: lines.join("\n") + "\n", cellStarts };
}

/** Rewrites `file:///…/module.ts:LINE:COL` in `text` as `notebook cell N, line L:COL`. */
export function mapDiagnostics(
  text: string,
  modulePath: string,
  notebook: string,
  cellStarts: [number, number][],
): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`file://${escaped}:(\\d+):(\\d+)`, "g"), (_, line, col) => {
    const lineNumber = Number(line);
    const start = cellStarts.findLast(([, first]) => first <= lineNumber);
    if (!start) return `${notebook} (generated header, line ${line})`;
    return `${notebook} cell ${start[0]}, line ${lineNumber - start[1] + 1}:${col}`;
  });
}

/** Type-checks one notebook; returns the mapped `deno check` output when it fails, else null. */
export async function checkNotebook(path: string): Promise<string | null> {
  const { code, cellStarts } = extractModule(await readNotebook(path));
  const modulePath = join(Deno.realPathSync(dirname(path)), `.${basename(path)}.check.ts`);
  await Deno.writeTextFile(modulePath, code);
  try {
    const done = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", modulePath],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (done.success) return null;
    const text = new TextDecoder().decode(done.stderr) + new TextDecoder().decode(done.stdout);
    const withoutBacktrace = text.replace(/\n*Stack backtrace:[\s\S]*$/, "\n");
    return mapDiagnostics(withoutBacktrace, modulePath, path, cellStarts);
  } finally {
    await Deno.remove(modulePath).catch(() => {});
  }
}

if (import.meta.main) {
  const notebooks = Deno.args.length > 0 ? Deno.args : await findNotebooks();
  let failed = 0;
  for (const path of notebooks) {
    const problems = await checkNotebook(path);
    console.log(`${problems ? "FAILED" : "ok"} deno check ${path}`);
    if (problems) {
      failed++;
      console.log(problems.trimEnd());
    }
  }
  Deno.exit(failed === 0 ? 0 : 1);
}
