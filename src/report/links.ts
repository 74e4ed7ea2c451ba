/**
 * Links to a written report, relative to where a notebook or shell runs, so they open from
 * JupyterLab's file browser.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { dirname, extname, join, posix, relative } from "node:path";

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
    (whole, target: string) => isRelative(target) ? `](${posix.join(base, target)}` : whole,
  );
}

/** Not a URL (`https:`, `data:`…), an anchor or an absolute path. */
function isRelative(target: string): boolean {
  return !/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target);
}

const IMAGE_TYPES: Record<string, string> = { ".svg": "image/svg+xml", ".png": "image/png" };

/**
 * `markdown` written for the file at `file`, with its relative SVG and PNG images read from
 * disk and put inline as data URLs: shown in a notebook, the figures then need no file the
 * Jupyter server can reach (a report under `reports/` lies outside a server rooted at
 * `notebooks/`), and an exported notebook carries them.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inlineMarkdownImages } from "./links.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.svg`, "<svg/>");
 * strictEqual(
 *   await inlineMarkdownImages("![a](a.svg) [a](a.svg)", `${dir}/report.md`),
 *   "![a](data:image/svg+xml;base64,PHN2Zy8+) [a](a.svg)",
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function inlineMarkdownImages(markdown: string, file: string): Promise<string> {
  const base = dirname(file);
  let inlined = markdown;
  for (const [image, target] of markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const type = IMAGE_TYPES[extname(target).toLowerCase()];
    if (!type || !isRelative(target)) continue;
    const bytes = await Deno.readFile(join(base, target));
    const url = `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;
    inlined = inlined.replace(image, image.replace(`(${target})`, `(${url})`));
  }
  return inlined;
}
