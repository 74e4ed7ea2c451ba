/**
 * Linked charts: a chart beside a panel of digit images that Vega-Lite's own point selection
 * filters, so clicking a confusion cell, a per-class bar or a corruption × model cell shows the
 * digits behind that number. The images travel in the spec as PNG data URLs, so the same spec
 * is interactive in JupyterLab, report.html and the Vega editor; the selection starts on the
 * largest cell, so static SVG/PNG renders show a meaningful panel too.
 *
 * @module
 */
import type { ConditionResult } from "../evaluate/types.ts";
import { confusionSpec } from "./confusion.ts";
import { digitAt, digitDataUrl, digitImageMark } from "./digit_image.ts";
import { classErrors, perClassErrorSpec } from "./per_class.ts";
import { corruptionModelHeatmapSpec } from "./heatmaps.ts";
import { factorName } from "./degradation.ts";
import { CHART_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./spec.ts";
import type { RobustnessSummary } from "../evaluate/types.ts";

/** The selection every linked chart defines; its panel filters by it. */
export const LINK_PARAM = "pick";

/** One picture of a linked panel; `keys` are the fields the chart's selection picks. */
export interface LinkedDigit {
  pixels: Uint8Array;
  /** Values of the selection's fields this digit belongs to (e.g. `{ true: "9", predicted: "4" }`). */
  keys: Record<string, string>;
  /** Text under the picture; `\n` breaks lines. */
  caption: string;
  /** Row of the panel (e.g. the severity); one row group by default. */
  group?: string;
  /** Where the group goes (default: its place in `groups`); groups never shown together may share one. */
  groupRow?: number;
  /** Line above the panel while this digit's selection is shown (e.g. "9 → 4: 14 errors"). */
  heading?: string;
}

/** Layout of a linked panel. */
export interface LinkedPanelOptions {
  title: string;
  /** Pictures per row of each group. */
  perRow: number;
  /** The most pictures any selection shows in one group (fixes the panel's height). */
  maxPerGroup: number;
  /** Group labels in display order (default: one unnamed group). */
  groups?: string[];
  /** Lines of caption text under each picture (default 1). */
  captionLines?: number;
  cellSize?: number;
}

/**
 * The panel of digits filtered by {@link LINK_PARAM}: a Vega-Lite layer whose rows carry the
 * selection's fields, laid out in a grid per group after the filter.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { linkedPanel } from "./linked.ts";
 * const panel = linkedPanel([{ pixels: new Uint8Array(784), keys: { class: "3" }, caption: "→5" }],
 *   { title: "errors", perRow: 4, maxPerGroup: 8 });
 * strictEqual((panel.data as { values: unknown[] }).values.length, 1);
 * ```
 */
export function linkedPanel(
  digits: readonly LinkedDigit[],
  options: LinkedPanelOptions,
): Record<string, unknown> {
  const size = options.cellSize ?? 42;
  const lines = options.captionLines ?? 1;
  const groups = options.groups ?? [""];
  const labelled = groups.some((g) => g !== "");
  const left = labelled ? 64 : 0;
  // Wide enough for the longest caption line (9 px text: about 5.5 px a character).
  const longest = Math.max(0, ...digits.flatMap((d) => d.caption.split("\n").map((l) => l.length)));
  const cellWidth = Math.max(size + 26, Math.ceil(longest * 5.5) + 8);
  const rowsPerGroup = Math.max(1, Math.ceil(options.maxPerGroup / options.perRow));
  const rowHeight = size + 4 + 12 * lines;
  const groupHeight = rowsPerGroup * rowHeight + 6;
  const top = 20; // room for the heading
  const values = digits.map((d, order) => ({
    ...d.keys,
    url: digitDataUrl(d.pixels, 2),
    caption: d.caption,
    heading: d.heading ?? "",
    group: d.group ?? "",
    groupIndex: d.groupRow ?? Math.max(0, groups.indexOf(d.group ?? "")),
    order,
  }));
  const at = (field: string) => ({ field, type: "quantitative", scale: null, axis: null });
  return {
    name: "linked_digits",
    data: { values },
    transform: [
      { filter: { param: LINK_PARAM, empty: false } },
      {
        window: [{ op: "row_number", as: "k" }],
        groupby: ["group"],
        sort: [{ field: "order" }],
      },
      { filter: `datum.k <= ${options.maxPerGroup}` },
      { window: [{ op: "row_number", as: "shown" }], sort: [{ field: "order" }] },
      {
        calculate: `${left} + ((datum.k - 1) % ${options.perRow}) * ${cellWidth} + ${
          cellWidth / 2
        }`,
        as: "px",
      },
      {
        calculate:
          `${top} + datum.groupIndex * ${groupHeight} + floor((datum.k - 1) / ${options.perRow})` +
          ` * ${rowHeight} + ${size / 2 + 2}`,
        as: "py",
      },
    ],
    width: left + options.perRow * cellWidth,
    height: top + groups.length * groupHeight,
    title: { text: options.title, fontSize: 12, anchor: "start" },
    layer: [
      {
        mark: digitImageMark(size),
        encoding: {
          x: at("px"),
          y: at("py"),
          url: { field: "url", type: "nominal" },
          tooltip: { field: "caption", type: "nominal" },
        },
      },
      {
        mark: {
          type: "text",
          fontSize: 9,
          baseline: "top",
          lineBreak: "\n",
          dy: size / 2 + 2,
        },
        encoding: { x: at("px"), y: at("py"), text: { field: "caption", type: "nominal" } },
      },
      {
        transform: [{ filter: "datum.shown == 1" }],
        mark: { type: "text", fontSize: 11, fontWeight: "bold", align: "left", baseline: "top" },
        encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: "heading", type: "nominal" } },
      },
      ...(labelled
        ? [{
          transform: [{ filter: "datum.k == 1" }],
          mark: { type: "text", fontSize: 10, align: "left", baseline: "middle" },
          encoding: {
            x: { value: 0 },
            y: at("py"),
            text: { field: "group", type: "nominal" },
          },
        }]
        : []),
    ],
  };
}

/** Puts a chart (one of this kit's specs) and its linked panel side by side. */
function linked(
  main: VegaLiteSpec,
  selectionLayer: number,
  selection: { fields: string[]; initial: Record<string, string> | null },
  panel: Record<string, unknown>,
): VegaLiteSpec {
  const { $schema: _schema, config: _config, title, ...body } = main;
  const layers = (body.layer as Record<string, unknown>[]).map((layer, i) => {
    if (i !== selectionLayer) return layer;
    const encoding = layer.encoding as Record<string, unknown>;
    const mark = typeof layer.mark === "string" ? { type: layer.mark } : layer.mark as object;
    return {
      ...layer,
      mark: { ...mark, cursor: "pointer" },
      params: [{
        name: LINK_PARAM,
        select: { type: "point", fields: selection.fields, on: "click", clear: false },
        ...(selection.initial ? { value: [selection.initial] } : {}),
      }],
      encoding: {
        ...encoding,
        stroke: { condition: { param: LINK_PARAM, empty: false, value: "#000" }, value: null },
        strokeWidth: { condition: { param: LINK_PARAM, empty: false, value: 2 }, value: 0 },
      },
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    hconcat: [{ ...body, name: "linked_chart", layer: layers }, panel],
    spacing: 24,
    // Each view keeps its own legend beside it (shared, it would sit past the panel).
    resolve: { legend: { color: "independent" } },
    config: CHART_CONFIG,
    // Drawn as SVG wherever vega-embed renders the spec (JupyterLab's renderer defaults to a
    // canvas): each clickable cell is then an element with an ARIA label, for screen readers
    // and for the browser tests that click it.
    usermeta: { embedOptions: { renderer: "svg" } },
  };
}

const confidence = (c: number) => c.toFixed(2);

/**
 * "1 error", "14 errors".
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { errorsLabel } from "./linked.ts";
 * strictEqual(errorsLabel(1), "1 error");
 * ```
 */
export function errorsLabel(n: number): string {
  return `${n} error${n === 1 ? "" : "s"}`;
}

/**
 * The confusion matrix of one model with its misclassified digits: click a cell to see that
 * (true, predicted) pair's digits with their confidence (up to `perCell`, most confident
 * first, from `result.misclassified`). `images` are the test set's uint8 `count × 784` pixels.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { confusionExplorerSpec } from "./linked.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation, images } = syntheticEvaluation(["mlp"], [0.2], 100);
 * const spec = confusionExplorerSpec(evaluation.conditions[0], images);
 * strictEqual((spec.hconcat as unknown[]).length, 2);
 * strictEqual((spec.usermeta as { embedOptions: { renderer: string } }).embedOptions.renderer, "svg");
 * ```
 */
export function confusionExplorerSpec(
  result: ConditionResult,
  images: Uint8Array | Float32Array,
  perCell = 12,
): VegaLiteSpec {
  const names = result.report.classes.map((c) => c.name);
  const counts = result.confusion.counts;
  const seen = new Map<string, number>();
  const digits: LinkedDigit[] = [];
  for (const m of result.misclassified) {
    const key = `${m.trueLabel}:${m.predicted}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n >= perCell) continue;
    digits.push({
      pixels: digitAt(images, m.index),
      keys: { true: names[m.trueLabel], predicted: names[m.predicted] },
      caption: `${names[m.trueLabel]}→${names[m.predicted]} ${confidence(m.confidence)}`,
      heading: `true ${names[m.trueLabel]} → predicted ${names[m.predicted]}: ` +
        errorsLabel(counts[m.trueLabel][m.predicted]),
    });
  }
  const top = result.confusion.topPairs[0];
  const initial = top ? { true: names[top.trueLabel], predicted: names[top.predicted] } : null;
  return linked(
    confusionSpec(result),
    0,
    { fields: ["true", "predicted"], initial },
    linkedPanel(digits, {
      title: "click a cell: its misclassified digits (true→predicted confidence)",
      perRow: 4,
      maxPerGroup: perCell,
    }),
  );
}

/**
 * Per-class misclassification bars with each model's errors: click a bar to see that model's
 * misclassified digits of that class (predicted class and confidence under each).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { perClassExplorerSpec } from "./linked.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation, images } = syntheticEvaluation(["mlp"], [0.2], 100);
 * const spec = perClassExplorerSpec(evaluation.conditions.slice(0, 1), images);
 * strictEqual((spec.hconcat as unknown[]).length, 2);
 * ```
 */
export function perClassExplorerSpec(
  results: readonly ConditionResult[],
  images: Uint8Array | Float32Array,
  models: readonly string[] = results.map((r) => r.model),
  perClass = 12,
): VegaLiteSpec {
  const digits: LinkedDigit[] = [];
  let initial: Record<string, string> | null = null;
  let most = 0;
  for (const r of results) {
    const names = r.report.classes.map((c) => c.name);
    const counts = new Map<number, number>();
    for (const m of r.misclassified) {
      const n = counts.get(m.trueLabel) ?? 0;
      counts.set(m.trueLabel, n + 1);
      if (n >= perClass) continue;
      digits.push({
        pixels: digitAt(images, m.index),
        keys: { model: r.model, class: names[m.trueLabel] },
        caption: `→${names[m.predicted]} ${confidence(m.confidence)}`,
        heading: `${r.model}, class ${names[m.trueLabel]}: ` +
          errorsLabel(classErrors(r.report.classes[m.trueLabel])),
      });
    }
    for (const [label, n] of counts) {
      if (n > most) [most, initial] = [n, { model: r.model, class: names[label] }];
    }
  }
  return linked(
    perClassErrorSpec([...results], models),
    0,
    { fields: ["model", "class"], initial },
    linkedPanel(digits, {
      title: "click a bar: that model's errors of that class (→predicted confidence)",
      perRow: 4,
      maxPerGroup: perClass,
    }),
  );
}

/** A digit under one corruption and severity, with every model's prediction. */
export interface CorruptionErrorExample {
  corruption: string;
  severity: number;
  /** The model this example is an error of (its heatmap column). */
  model: string;
  trueLabel: number;
  /** Each model's predicted class; null where the stored results do not tell. */
  predictions: Record<string, number | null>;
  pixels: Uint8Array;
}

/**
 * The corruption × model heatmap with example digits: click a cell to see that model's errors
 * under that corruption at every severity, each with every model's prediction (✗ wrong).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionExplorerSpec } from "./linked.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["mlp"], [0.2], 100);
 * const spec = corruptionExplorerSpec(evaluation.robustness, [], ["0"]);
 * strictEqual((spec.hconcat as unknown[]).length, 2);
 * ```
 */
export function corruptionExplorerSpec(
  summaries: readonly RobustnessSummary[],
  examples: readonly CorruptionErrorExample[],
  classNames: readonly string[],
  perSeverity = 4,
): VegaLiteSpec {
  const models = summaries.map((s) => s.model);
  const name = (label: number | null) => label === null ? "?" : classNames[label] ?? String(label);
  // Clean errors (severity 0) only show for the clean row, so they take severity 1's place.
  const severities = [...new Set(examples.map((e) => e.severity).filter((s) => s > 0))]
    .sort((a, b) => a - b);
  const group = (s: number) => s === 0 ? "clean" : `severity ${s}`;
  const digits: LinkedDigit[] = examples.map((e) => ({
    pixels: e.pixels,
    keys: { row: factorName(e.corruption), column: e.model },
    group: group(e.severity),
    groupRow: Math.max(0, severities.indexOf(e.severity)),
    heading: `${e.model} under ${factorName(e.corruption)}`,
    caption: [
      `true ${name(e.trueLabel)}`,
      ...models.map((m) => {
        const p = e.predictions[m] ?? null;
        return `${m}: ${name(p)}${p !== null && p !== e.trueLabel ? " ✗" : ""}`;
      }),
    ].join("\n"),
  }));
  let initial: Record<string, string> | null = null;
  let worst = -1;
  for (const s of summaries) {
    for (const c of s.corruptions) {
      if (c.meanError > worst) {
        [worst, initial] = [c.meanError, { row: factorName(c.corruption), column: s.model }];
      }
    }
  }
  return linked(
    corruptionModelHeatmapSpec([...summaries]),
    0,
    { fields: ["row", "column"], initial },
    linkedPanel(digits, {
      title: "click a cell: that model's errors per severity, with every model's prediction",
      perRow: perSeverity,
      maxPerGroup: perSeverity,
      groups: severities.length > 0 ? severities.map(group) : ["clean"],
      captionLines: 1 + models.length,
      cellSize: 36,
    }),
  );
}
