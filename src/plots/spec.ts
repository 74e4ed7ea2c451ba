/**
 * The shape every plot function returns: a plain Vega-Lite v5 specification (JSON), plus the
 * shared defaults (schema, fonts, sizes) so all charts of a report look alike.
 *
 * @module
 */

/**
 * The Vega-Lite schema the kit targets (Deno's Jupyter display and JupyterLab render v5).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { VEGA_LITE_SCHEMA } from "./spec.ts";
 * strictEqual(VEGA_LITE_SCHEMA, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A plain, JSON-serialisable Vega-Lite v5 specification. */
export type VegaLiteSpec = { $schema: string; title?: unknown; [key: string]: unknown };

/**
 * Shared look: DejaVu Sans everywhere so headless SVG, PNG and the browser agree.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { CHART_CONFIG } from "./spec.ts";
 * strictEqual(CHART_CONFIG.font, "DejaVu Sans, sans-serif");
 * ```
 */
export const CHART_CONFIG = {
  font: "DejaVu Sans, sans-serif",
  view: { stroke: "#ddd" },
  // Model names like "kaggle-digit-recognizer" must not be cut to "kaggle-digit-recogn…".
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 },
  title: { fontSize: 14, anchor: "start", subtitleFontSize: 11, subtitleColor: "#555" },
} as const;

/**
 * Wraps chart `body` with the v5 schema, a title (and optional subtitle) and the shared config.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { chart } from "./spec.ts";
 * const spec = chart("Demo", { mark: "point", data: { values: [{ x: 1 }] } });
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function chart(
  title: string,
  body: Record<string, unknown>,
  subtitle?: string | string[],
): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    ...body,
    config: CHART_CONFIG,
  };
}

/**
 * The plain title text of a spec (titles may be strings or `{text, subtitle}` objects).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { chart, specTitle } from "./spec.ts";
 * strictEqual(specTitle(chart("Loss", { mark: "line" }, "per epoch")), "Loss");
 * ```
 */
export function specTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && "text" in title) return String(title.text);
  return "chart";
}

/**
 * Rounds for tooltips and data so specs stay small and readable.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { round } from "./spec.ts";
 * strictEqual(round(0.123456, 3), 0.123);
 * ```
 */
export function round(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Tooltip fields of a misclassification rate with its 95% interval (fields `rate`, `lower`,
 * `upper`), the same in every chart that shows one.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { rateTooltip } from "./spec.ts";
 * deepStrictEqual(rateTooltip().map((f) => f.field), ["rate", "lower", "upper"]);
 * ```
 */
export function rateTooltip(): { field: string; type: string; title: string; format: string }[] {
  return [
    { field: "rate", type: "quantitative", title: "misclassification", format: ".2%" },
    { field: "lower", type: "quantitative", title: "95% CI lower", format: ".2%" },
    { field: "upper", type: "quantitative", title: "95% CI upper", format: ".2%" },
  ];
}
