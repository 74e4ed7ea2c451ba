/**
 * The self-contained, offline `report.html`: the report's blocks as HTML with every chart
 * embedded as its Vega-Lite spec and rendered in the page by vega-embed, whose JavaScript
 * (vega, vega-lite, vega-embed from node_modules) is inlined: no CDN, no network.
 *
 * @module
 */
import type { VegaLiteSpec } from "../plots/spec.ts";
import { type Block, toHtml } from "./document.ts";
import { TABLE_SORT_SCRIPT } from "./table.ts";

const LIBRARIES = [
  "vega/build/vega.min.js",
  "vega-lite/build/vega-lite.min.js",
  "vega-embed/build/vega-embed.min.js",
];

/**
 * Reads the minified browser builds of vega, vega-lite and vega-embed from the kit's
 * `node_modules` (created by `deno install`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readVegaLibraries } from "./html.ts";
 * const scripts = await readVegaLibraries();
 * strictEqual(scripts.length, 3);
 * ```
 */
export async function readVegaLibraries(
  nodeModules = new URL("../../node_modules/", import.meta.url),
): Promise<string[]> {
  return await Promise.all(LIBRARIES.map(async (path) => {
    const url = new URL(path, nodeModules);
    try {
      return await Deno.readTextFile(url);
    } catch {
      throw new Error(`missing ${url.pathname}: run 'deno install' in the kit first`);
    }
  }));
}

/**
 * The most bytes a quick-profile report.html may have (it opens in a second or two): the linked
 * charts keep it there by showing at most 12 digits per confusion cell or class bar and 4 per
 * corruption, severity and model. `tests/report_size_test.ts` measures it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { REPORT_HTML_BUDGET } from "./html.ts";
 * strictEqual(REPORT_HTML_BUDGET, 15 * 1024 * 1024);
 * ```
 */
export const REPORT_HTML_BUDGET = 15 * 1024 * 1024;

/** Keeps inlined JavaScript from closing its `<script>` element early. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1");
}

/** JSON that can sit inside a `<script>` element: no `<` at all (escaped as \u003c). */
function jsonScriptSafe(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
  padding: 0 1em; color: #222; line-height: 1.45; }
nav { background: #f5f5f5; padding: .5em 1em; border-radius: 4px; }
nav a { margin-right: 1em; }
section { border-top: 3px solid #ddd; margin-top: 2.5em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f5f5f5; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
figure { margin: 1.5em 0; }
figcaption { color: #555; font-size: 0.9em; }
pre { background: #f5f5f5; padding: .8em; overflow-x: auto; }
.chart-error { color: #b00; }
`;

const BOOT = `
${TABLE_SORT_SCRIPT}
document.querySelectorAll("table").forEach(digitkitSortable);
const specs = JSON.parse(document.getElementById("chart-specs").textContent);
// The vega views by chart name, for scripting the page (and its browser test).
window.chartViews = {};
window.chartsRendered = Promise.all([...document.querySelectorAll("[data-chart]")].map((el) =>
  vegaEmbed(el, specs[el.dataset.chart], { renderer: "svg", actions: false })
    .then((result) => {
      window.chartViews[el.dataset.chart] = result.view;
      el.setAttribute("data-rendered", "true");
    })
    .catch((error) => {
      el.setAttribute("data-rendered", "error");
      el.textContent = "chart failed: " + error.message;
      el.className += " chart-error";
      console.error(error);
    })
)).then(() => document.body.setAttribute("data-charts", "done"));
`;

/** One titled part of the page (the comparison report, a model card). */
export interface HtmlSection {
  id: string;
  title: string;
  blocks: Block[];
}

/**
 * The complete HTML page; `specs` maps every figure name used in the blocks to its spec.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { reportHtml } from "./html.ts";
 * const html = reportHtml("Demo", [{ id: "a", title: "A", blocks: [] }], {}, []);
 * ok(html.startsWith("<!DOCTYPE html>"));
 * ```
 */
export function reportHtml(
  title: string,
  sections: HtmlSection[],
  specs: Record<string, VegaLiteSpec>,
  libraries: string[],
): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${s.title}</a>`).join("");
  const body = sections.map((s) => `<section id="${s.id}">\n${toHtml(s.blocks)}\n</section>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replaceAll("<", "&lt;")}</title>
<style>${STYLE}</style>
${libraries.map((js) => `<script>${scriptSafe(js)}</script>`).join("\n")}
</head>
<body>
<nav>${nav}</nav>
${body}
<script type="application/json" id="chart-specs">${jsonScriptSafe(specs)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
