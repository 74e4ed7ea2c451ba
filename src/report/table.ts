/**
 * Tables for notebooks and reports: rows of numbers formatted once (percent, rate with its 95%
 * interval, p-value, count), shown in Jupyter as an HTML table (sortable where the front end
 * runs scripts) with markdown and plain-text fallbacks, and as a report {@link Block}.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { displayTable } from "./table.ts";
 * const shown = displayTable([{ model: "mlp", error: { value: 0.02, lower: 0.0092, upper: 0.0429 } }],
 *   [{ key: "model" }, { key: "error", title: "misclassification [95% CI]", format: "interval" }]);
 * match(shown.bundle["text/markdown"], /\| mlp \| 2\.00% \[0\.92, 4\.29\] \|/);
 * match(shown.bundle["text/html"], /<td class="right">2\.00% \[0\.92, 4\.29\]<\/td>/);
 * ```
 *
 * @module
 */
import { type Displayable, displayable } from "../plots/display.ts";
import { type Block, columnAlign, table, toHtml, toMarkdown } from "./document.ts";
import { count, percent, pValue, rateWithInterval } from "./format.ts";

/** How a column's values print. */
export type ColumnFormat = "text" | "count" | "number" | "percent" | "interval" | "pvalue";

/** A rate with its interval, the value of an `interval` column. */
export interface RateWithInterval {
  value: number;
  lower: number;
  upper: number;
}

/** One column of {@link tableBlock}: which field, its heading and its format. */
export interface TableColumn {
  /** Field of each row. */
  key: string;
  /** Heading (default: the key). */
  title?: string;
  /** Default: `count` for integers, `number` for other numbers, `text` otherwise. */
  format?: ColumnFormat;
  /** Decimals of `percent`, `interval` and `number` (2, 2 and 4 by default). */
  digits?: number;
}

type TableTable = Extract<Block, { kind: "table" }>;

function formatCell(value: unknown, column: TableColumn): string {
  if (value === null || value === undefined) return "—";
  const format = column.format ??
    (typeof value === "number" ? (Number.isInteger(value) ? "count" : "number") : "text");
  switch (format) {
    case "count":
      return count(Number(value));
    case "number":
      return Number.isFinite(value) ? Number(value).toFixed(column.digits ?? 4) : "—";
    case "percent":
      return percent(Number(value), column.digits ?? 2);
    case "interval": {
      const v = value as RateWithInterval;
      return rateWithInterval(v.value, v, column.digits ?? 2);
    }
    case "pvalue":
      return pValue(Number(value));
    case "text":
      return String(value);
  }
}

/**
 * Formats `rows` once into a table block (the report's tables and notebooks share it);
 * `columns` default to every key of the first row. Text columns align left, the rest right.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { tableBlock } from "./table.ts";
 * const block = tableBlock([{ model: "cnn", n: 10000, p: 0.0004, share: 0.25 }], [
 *   { key: "model" }, { key: "n" }, { key: "p", format: "pvalue" },
 *   { key: "share", format: "percent", digits: 1 },
 * ]);
 * deepStrictEqual(block, { kind: "table", header: ["model", "n", "p", "share"],
 *   rows: [["cnn", "10,000", "< 0.001", "25.0%"]], align: ["left", "right", "right", "right"] });
 * ```
 */
export function tableBlock(
  items: readonly object[],
  columns: readonly TableColumn[] = Object.keys(items[0] ?? {}).map((key) => ({ key })),
): TableTable {
  const rows = items as readonly Record<string, unknown>[];
  const align = columns.map((c) => {
    const format = c.format ??
      (rows.every((r) => r[c.key] === null || typeof r[c.key] === "number") ? "number" : "text");
    return format === "text" ? "left" as const : "right" as const;
  });
  return table(
    columns.map((c) => c.title ?? c.key),
    rows.map((r) => columns.map((c) => formatCell(r[c.key], c))),
    align,
  ) as TableTable;
}

/**
 * The table as plain text: padded columns, numbers right-aligned (the `text/plain` fallback).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { tablePlain } from "./table.ts";
 * import { table } from "./document.ts";
 * strictEqual(tablePlain(table(["model", "n"], [["cnn", "7"], ["mlp", "12"]]) as never),
 *   "model   n\ncnn     7\nmlp    12");
 * ```
 */
export function tablePlain(block: TableTable): string {
  const align = columnAlign(block);
  const widths = block.header.map((h, c) =>
    Math.max(h.length, ...block.rows.map((r) => (r[c] ?? "").length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, c) => align[c] === "right" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))
      .join("  ").trimEnd();
  return [line(block.header), ...block.rows.map(line)].join("\n");
}

/**
 * Browser code that makes a table's columns sortable by clicking their headings (numbers by
 * value, `—` last). report.html runs it for every table; a notebook table carries it inline, so
 * it sorts where the front end runs scripts (report.html, trusted notebooks) and stays a plain
 * table where scripts are sanitised away (untrusted JupyterLab outputs, GitHub).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { TABLE_SORT_SCRIPT } from "./table.ts";
 * ok(TABLE_SORT_SCRIPT.startsWith("function digitkitSortable("));
 * ```
 */
export const TABLE_SORT_SCRIPT = `function digitkitSortable(table) {
  if (!table || table.dataset.sortable === "on") return;
  table.dataset.sortable = "on";
  const key = (text) => {
    const t = text.trim().replace(/,/g, "").replace("\\u2212", "-");
    const m = t.match(/^(<\\s*)?([-+]?\\d*\\.?\\d+(?:e[-+]?\\d+)?)/i);
    if (m) return Number(m[2]) - (m[1] ? 1e-12 : 0);
    return t === "" || t === "\\u2014" ? null : t;
  };
  table.querySelectorAll("thead th").forEach((th, column) => {
    th.style.cursor = "pointer";
    th.title = "sort";
    th.addEventListener("click", () => {
      const descending = th.getAttribute("aria-sort") === "ascending";
      table.querySelectorAll("thead th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const body = table.tBodies[0];
      const rows = [...body.rows].map((row) => ({ row, k: key(row.cells[column]?.textContent ?? "") }));
      rows.sort((a, b) => {
        if (a.k === null || b.k === null) return a.k === b.k ? 0 : a.k === null ? 1 : -1;
        const order = typeof a.k === "number" && typeof b.k === "number"
          ? a.k - b.k : String(a.k).localeCompare(String(b.k), undefined, { numeric: true });
        return descending ? -order : order;
      });
      rows.forEach(({ row }) => body.appendChild(row));
    });
  });
}`;

const NOTEBOOK_STYLE = "table.digitkit-table td.right,table.digitkit-table th.right" +
  "{text-align:right;font-variant-numeric:tabular-nums}";

/**
 * The table as one HTML fragment for a notebook output: the table, its style and the inline
 * sort script (inert where scripts are stripped).
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { tableHtml } from "./table.ts";
 * import { table } from "./document.ts";
 * match(tableHtml(table(["n"], [["7"]]) as never, "t1"), /<table id="t1" class="digitkit-table">/);
 * ```
 */
export function tableHtml(block: TableTable, id = `digitkit-table-${crypto.randomUUID()}`): string {
  const html = toHtml([block]).replace("<table>", `<table id="${id}" class="digitkit-table">`);
  return `<style>${NOTEBOOK_STYLE}</style>${html}` +
    // The script finds its table by id; front ends that run it detached fall back to its sibling.
    `<script>(${TABLE_SORT_SCRIPT})(document.getElementById("${id}") ?? ` +
    `document.currentScript?.previousElementSibling);</script>`;
}

/** The MIME bundle a table shows as. */
export interface TableBundle {
  "text/html": string;
  "text/markdown": string;
  "text/plain": string;
}

/**
 * Shows rows (or a ready table block) as a table when it is a notebook cell's last expression:
 * HTML with sortable columns, markdown for exports, plain text as the fallback.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { displayTable } from "./table.ts";
 * const shown = displayTable([{ class: "9", errors: 14 }]);
 * strictEqual(shown.bundle["text/plain"], "class  errors\n9          14");
 * ```
 */
export function displayTable(
  rows: readonly object[] | TableTable,
  columns?: readonly TableColumn[],
): Displayable<TableBundle> {
  const block = Array.isArray(rows) ? tableBlock(rows, columns) : rows as TableTable;
  return displayable({
    "text/html": tableHtml(block),
    "text/markdown": toMarkdown([block]).trimEnd(),
    "text/plain": tablePlain(block),
  });
}
