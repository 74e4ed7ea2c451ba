/**
 * Links to a written report, relative to where a notebook or shell runs, so they open from
 * JupyterLab's file browser.
 *
 * @module
 */
import { join, relative } from "node:path";

/** Relative paths of a report's main files. */
export interface ReportLinks {
  markdown: string;
  html: string;
}

/**
 * The paths of `dir`'s `report.md` and `report.html` relative to `from` (the working folder
 * by default: a notebook's own folder in the Deno kernel).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { reportLinks } from "./links.ts";
 * deepStrictEqual(reportLinks("/repo/reports/r1", "/repo/notebooks"), {
 *   markdown: "../reports/r1/report.md",
 *   html: "../reports/r1/report.html",
 * });
 * ```
 */
export function reportLinks(dir: string, from: string = Deno.cwd()): ReportLinks {
  return {
    markdown: relative(from, join(dir, "report.md")),
    html: relative(from, join(dir, "report.html")),
  };
}
