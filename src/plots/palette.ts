/**
 * One colour per model across every chart of a report: the colour depends only on the model's
 * position in the report's model list, never on which models a single chart happens to show.
 *
 * @module
 */

/**
 * Tableau 10, then Tableau 20's light tones: distinct, colour-blind-friendlier than rainbow.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { MODEL_PALETTE } from "./palette.ts";
 * strictEqual(MODEL_PALETTE.length, 12);
 * ```
 */
export const MODEL_PALETTE: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#e45756",
  "#72b7b2",
  "#b279a2",
  "#eeca3b",
  "#9d755d",
  "#ff9da6",
  "#bab0ac",
  "#9ecae9",
  "#ffbf79",
];

/** A Vega-Lite colour scale (explicit domain and range). */
export interface ColorScale {
  domain: string[];
  range: string[];
}

/**
 * The colour scale for `models` (the full, ordered model list of the report).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { modelColorScale } from "./palette.ts";
 * const scale = modelColorScale(["mlp", "cnn"]);
 * strictEqual(scale.range[1], "#f58518");
 * ```
 */
export function modelColorScale(models: readonly string[]): ColorScale {
  const domain = [...new Set(models)];
  return { domain, range: domain.map((_, i) => MODEL_PALETTE[i % MODEL_PALETTE.length]) };
}

/**
 * The colour of one model, consistent with {@link modelColorScale}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { modelColor } from "./palette.ts";
 * strictEqual(modelColor(["mlp", "cnn"], "cnn"), "#f58518");
 * ```
 */
export function modelColor(models: readonly string[], model: string): string {
  const scale = modelColorScale(models);
  const index = scale.domain.indexOf(model);
  return index < 0 ? "#888888" : scale.range[index];
}
