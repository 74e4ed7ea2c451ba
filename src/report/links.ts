/**
 * Links to a written report, relative to where a notebook or shell runs, so they open from
 * JupyterLab's file browser.
 *
 * @module
 */
import { dirname, join, posix, relative } from "node:path";

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

/**
 * `markdown` written for the file at `file` (e.g. a report's `report.md`), with its relative
 * link and image targets rebased onto the current folder, so that shown elsewhere (a notebook
 * cell's markdown output) its figures and links still resolve. URLs, anchors and absolute
 * paths stay as they are.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { rebaseMarkdownLinks } from "./links.ts";
 * strictEqual(
 *   rebaseMarkdownLinks("![fig](figures/a.svg) [web](https://x.org) [top](#top)", "../r1/report.md"),
 *   "![fig](../r1/figures/a.svg) [web](https://x.org) [top](#top)",
 * );
 * ```
 */
export function rebaseMarkdownLinks(markdown: string, file: string): string {
  const base = dirname(file);
  return markdown.replace(
    /\]\(([^)\s]+)/g,
    (whole, target: string) =>
      /^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target) ? whole : `](${posix.join(base, target)}`,
  );
}
