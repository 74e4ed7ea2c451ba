/**
 * Headless rendering of Vega-Lite specs: SVG through vega's `View` with no renderer attached,
 * PNG by rasterising that SVG with resvg using DejaVu Sans, so text looks the same everywhere.
 *
 * @module
 */
import * as vegaLite from "vega-lite";
import * as vega from "vega";
import { Resvg } from "@resvg/resvg-js";
import type { VegaLiteSpec } from "./spec.ts";

/**
 * Where Debian's `fonts-dejavu-core` puts the font the charts are drawn with.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { DEJAVU_SANS } from "./render.ts";
 * ok(DEJAVU_SANS.endsWith("DejaVuSans.ttf"));
 * ```
 */
export const DEJAVU_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/**
 * Compiles `spec` and renders it to an SVG string without a browser.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { renderSvg } from "./render.ts";
 * import { chart } from "./spec.ts";
 * const svg = await renderSvg(chart("One point", {
 *   data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } },
 * }));
 * ok(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Vega tags inline data rows with symbols; compile a copy so the caller's spec stays plain.
  // deno-lint-ignore no-explicit-any
  const compiled = vegaLite.compile(structuredClone(spec) as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function fontOptions() {
  let hasDejaVu = false;
  try {
    hasDejaVu = Deno.statSync(DEJAVU_SANS).isFile;
  } catch {
    // Without the Debian font, fall back to whatever the system has.
  }
  return hasDejaVu
    ? {
      fontFiles: [DEJAVU_SANS],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    }
    : { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" };
}

/**
 * Rasterises an SVG string to PNG bytes at `scale` × its size (2 = crisp on paper and HiDPI).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { svgToPng } from "./render.ts";
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 1);
 * strictEqual(png[1], 0x50); // "P" of the PNG signature
 * ```
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    font: fontOptions(),
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return resvg.render().asPng();
}

/** A chart rendered every way a report or notebook needs it. */
export interface RenderedChart {
  spec: VegaLiteSpec;
  svg: string;
  png: Uint8Array;
}

/**
 * Renders `spec` to SVG and PNG in one go.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { renderChart } from "./render.ts";
 * import { chart } from "./spec.ts";
 * const { png } = await renderChart(chart("x", { data: { values: [{ x: 1 }] }, mark: "point" }));
 * ok(png.length > 0);
 * ```
 */
export async function renderChart(spec: VegaLiteSpec, scale = 2): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { spec, svg, png: svgToPng(svg, scale) };
}
