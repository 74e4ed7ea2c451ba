/**
 * Image grids: pictures of digits laid out in labelled rows and columns (samples per class,
 * corruptions × severity, misclassified examples with their labels).
 *
 * @module
 */
import { digitDataUrl, digitImageMark } from "./digit_image.ts";
import { chart, CHART_CONFIG, type VegaLiteSpec } from "./spec.ts";

/** One picture of a grid. */
export interface GridCell {
  /** 784 uint8 pixels, white digit on black. */
  pixels: Uint8Array;
  /** Row label (e.g. the class, or the corruption name). */
  row: string;
  /** Column label (e.g. the severity, or a running index). */
  column: string;
  /** Text under the picture (e.g. "true 4 → 9 (0.93)"). */
  caption?: string;
  /** Extra tooltip fields. */
  details?: Record<string, string | number>;
}

/** Layout options of {@link imageGridSpec}. */
export interface ImageGridOptions {
  title: string;
  subtitle?: string;
  rowTitle: string;
  columnTitle: string;
  /** Side of each picture in pixels (default 48). */
  cellSize?: number;
  /** Hide the column labels (when columns are just positions). */
  hideColumnLabels?: boolean;
}

/**
 * A Vega-Lite spec drawing `cells` as digit pictures on a row × column grid.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { imageGridSpec } from "./image_grid.ts";
 * const spec = imageGridSpec([{ pixels: new Uint8Array(784), row: "0", column: "1" }], {
 *   title: "Samples", rowTitle: "class", columnTitle: "sample",
 * });
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function imageGridSpec(cells: GridCell[], options: ImageGridOptions): VegaLiteSpec {
  const size = options.cellSize ?? 48;
  const hasCaptions = cells.some((c) => c.caption);
  const rows = [...new Set(cells.map((c) => c.row))];
  const columns = [...new Set(cells.map((c) => c.column))];
  const detailFields = [...new Set(cells.flatMap((c) => Object.keys(c.details ?? {})))];
  const tooltip = [
    { field: "row", title: options.rowTitle },
    { field: "column", title: options.columnTitle },
    ...(hasCaptions ? [{ field: "caption", title: "label" }] : []),
    ...detailFields.map((field) => ({ field })),
  ];
  const cellWidth = size + (hasCaptions ? 22 : 8);
  const rowHeight = size + (hasCaptions ? 18 : 8);
  const labelWidth = Math.max(...rows.map((r) => r.length)) * 7 + 8;
  const values = cells.map((c) => ({
    url: digitDataUrl(c.pixels),
    row: c.row,
    column: c.column,
    caption: c.caption ?? "",
    px: columns.indexOf(c.column) * cellWidth + cellWidth / 2,
    py: rows.indexOf(c.row) * rowHeight + size / 2 + 4,
    ...c.details,
  }));
  // Positions are computed here in pixels (scale: null) so pictures, captions and labels line
  // up exactly in every renderer; Vega-Lite's ordinal axes would centre point marks instead.
  const at = (field: string) => ({ field, type: "quantitative", scale: null });
  const rowLabels = rows.map((r, i) => ({ text: r, px: -6, py: i * rowHeight + size / 2 + 4 }));
  const columnLabels = options.hideColumnLabels
    ? []
    : columns.map((c, i) => ({ text: c, px: i * cellWidth + cellWidth / 2, py: -4 }));
  const label = (values: unknown[], mark: Record<string, unknown>) => ({
    data: { values },
    mark: { type: "text", fontSize: 11, ...mark },
    encoding: { x: at("px"), y: at("py"), text: { field: "text", type: "nominal" } },
  });
  const layers: Record<string, unknown>[] = [
    {
      mark: { ...digitImageMark(size), aria: false },
      encoding: { x: at("px"), y: at("py"), url: { field: "url", type: "nominal" }, tooltip },
    },
    label(rowLabels, { align: "right", baseline: "middle" }),
    label(columnLabels, { align: "center", baseline: "bottom" }),
    {
      data: {
        values: [
          { text: options.columnTitle, px: (columns.length * cellWidth) / 2, py: -20, angle: 0 },
          {
            text: options.rowTitle,
            px: -labelWidth - 8,
            py: (rows.length * rowHeight) / 2,
            angle: 270,
          },
        ],
      },
      mark: { type: "text", fontSize: 12, fontWeight: "bold", baseline: "bottom" },
      encoding: {
        x: at("px"),
        y: at("py"),
        text: { field: "text", type: "nominal" },
        angle: { field: "angle", type: "quantitative", scale: null },
      },
    },
  ];
  if (hasCaptions) {
    layers.push({
      mark: { type: "text", fontSize: 10, baseline: "top", dy: size / 2 + 2 },
      encoding: { x: at("px"), y: at("py"), text: { field: "caption", type: "nominal" } },
    });
  }
  const spec = chart(options.title, {
    description: `${options.title}: ${cells.length} digit images`,
    data: { values },
    width: columns.length * cellWidth,
    height: rows.length * rowHeight,
    layer: layers,
  }, options.subtitle);
  return { ...spec, config: { ...CHART_CONFIG, view: { stroke: null } } };
}
