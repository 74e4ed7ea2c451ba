/**
 * Notebook display of charts: a Jupyter MIME bundle with the Vega-Lite v5 spec (interactive in
 * JupyterLab), plus SVG and PNG fallbacks so the chart survives nbconvert to HTML or markdown.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { renderChart } from "./render.ts";
import { specTitle, type VegaLiteSpec } from "./spec.ts";

/**
 * The MIME type JupyterLab renders Vega-Lite v5 specs under.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { VEGA_LITE_MIME } from "./display.ts";
 * strictEqual(VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
 * ```
 */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The MIME bundle a chart shows as. */
export interface ChartBundle {
  [VEGA_LITE_MIME]: VegaLiteSpec;
  "image/svg+xml": string;
  "image/png": string;
  "text/plain": string;
}

/** An object Deno's Jupyter kernel displays through `Symbol.for("Jupyter.display")`. */
export interface Displayable<Bundle = ChartBundle> {
  bundle: Bundle;
  [key: symbol]: () => Bundle;
}

/**
 * Wraps a MIME bundle so it shows when it is a cell's last expression (or is passed to
 * `Deno.jupyter.display`); `bundle` stays readable for tests and exports.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { displayable } from "./display.ts";
 * const shown = displayable({ "text/plain": "hi" });
 * strictEqual(shown[Symbol.for("Jupyter.display")](), shown.bundle);
 * ```
 */
export function displayable<Bundle>(bundle: Bundle): Displayable<Bundle> {
  return { bundle, [Symbol.for("Jupyter.display")]: () => bundle };
}

/**
 * Renders `spec` and returns an object that shows as the chart when it is a cell's last
 * expression (or passed to `Deno.jupyter.display`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { displayChart } from "./display.ts";
 * import { chart } from "./spec.ts";
 * const shown = await displayChart(chart("x", { data: { values: [{ x: 1 }] }, mark: "point" }));
 * deepStrictEqual(Object.keys(shown.bundle), ["application/vnd.vegalite.v5+json", "image/svg+xml", "image/png", "text/plain"]);
 * ```
 */
export async function displayChart(spec: VegaLiteSpec): Promise<Displayable> {
  const { svg, png } = await renderChart(spec);
  const bundle: ChartBundle = {
    [VEGA_LITE_MIME]: spec,
    "image/svg+xml": svg,
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": specTitle(spec),
  };
  return displayable(bundle);
}

/**
 * Shows `spec` when it is a notebook cell's last expression, rendering lazily when the kernel
 * asks (Deno awaits a `Jupyter.display` method that returns a promise). No `await` needed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { showChart } from "./display.ts";
 * import { chart } from "./spec.ts";
 * const shown = showChart(chart("x", { data: { values: [{ x: 1 }] }, mark: "point" }));
 * strictEqual(typeof shown[Symbol.for("Jupyter.display")], "function");
 * ```
 */
export function showChart(spec: VegaLiteSpec): { [key: symbol]: () => Promise<ChartBundle> } {
  return { [Symbol.for("Jupyter.display")]: async () => (await displayChart(spec)).bundle };
}
