/**
 * Charts as plain Vega-Lite v5 specs, rendered headless to SVG/PNG or shown in notebooks.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { displayChart, reliabilitySpec } from "./mod.ts";
 * const shown = await displayChart(reliabilitySpec([]));
 * strictEqual(Object.keys(shown.bundle).length, 4);
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./palette.ts";
export * from "./render.ts";
export * from "./display.ts";
export * from "./digit_image.ts";
export * from "./image_grid.ts";
export * from "./training.ts";
export * from "./per_class.ts";
export * from "./confusion.ts";
export * from "./degradation.ts";
export * from "./heatmaps.ts";
export * from "./reliability.ts";
export * from "./comparison.ts";
export * from "./overlap.ts";
export * from "./study.ts";
export * from "./linked.ts";
export * from "./galleries.ts";
export * from "./live.ts";
