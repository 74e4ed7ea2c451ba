/**
 * A tiny document model (headings, paragraphs, lists, tables, figures, code) that renders to
 * both markdown (`report.md`) and HTML (`report.html`), so the two never drift apart.
 *
 * @module
 */

/** One block of a report. Inline text may use `code` and **bold**. */
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][]; align?: ("left" | "right")[] }
  | { kind: "figure"; name: string; caption: string }
  | { kind: "code"; text: string; language?: string };

/**
 * Shorthand constructors so report builders read like the report.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { h } from "./document.ts";
 * strictEqual(h(2, "Title").kind, "heading");
 * ```
 */
export const h = (level: 1 | 2 | 3 | 4, text: string): Block => ({ kind: "heading", level, text });
/**
 * A paragraph block.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { p } from "./document.ts";
 * strictEqual(p("Text.").kind, "paragraph");
 * ```
 */
export const p = (text: string): Block => ({ kind: "paragraph", text });
/**
 * A bullet list block.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { list } from "./document.ts";
 * strictEqual(list(["a"]).kind, "list");
 * ```
 */
export const list = (items: string[]): Block => ({ kind: "list", items });
/**
 * A table block; numeric-looking columns are right-aligned unless `align` says otherwise.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { table } from "./document.ts";
 * strictEqual(table(["x"], [["1"]]).kind, "table");
 * ```
 */
export const table = (header: string[], rows: string[][], align?: ("left" | "right")[]): Block => ({
  kind: "table",
  header,
  rows,
  align,
});
/**
 * A figure block: `name` refers to `figures/<name>.svg` and `specs/<name>.vl.json`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { figure } from "./document.ts";
 * strictEqual(figure("loss", "Loss").kind, "figure");
 * ```
 */
export const figure = (name: string, caption: string): Block => ({ kind: "figure", name, caption });
/**
 * A fenced code block.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { code } from "./document.ts";
 * strictEqual(code("deno task report", "sh").kind, "code");
 * ```
 */
export const code = (text: string, language = ""): Block => ({ kind: "code", text, language });

function markdownCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * Each column's alignment: `block.align`, else right when every cell looks like a number.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { columnAlign, table } from "./document.ts";
 * deepStrictEqual(columnAlign(table(["a", "n"], [["x", "1.5%"]]) as never), ["left", "right"]);
 * ```
 */
export function columnAlign(block: Extract<Block, { kind: "table" }>): ("left" | "right")[] {
  return block.header.map((_, c) =>
    block.align?.[c] ??
      (block.rows.length > 0 && block.rows.every((r) => !r[c] || /^([-+−<]\s?)?[\d.,]+/.test(r[c]))
        ? "right"
        : "left")
  );
}

/**
 * Renders blocks as GitHub-flavoured markdown; figures become `![caption](figures/name.svg)`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { h, p, toMarkdown } from "./document.ts";
 * strictEqual(toMarkdown([h(1, "Title"), p("Hello.")]), "# Title\n\nHello.\n");
 * ```
 */
export function toMarkdown(blocks: Block[]): string {
  const parts = blocks.map((b) => {
    switch (b.kind) {
      case "heading":
        return `${"#".repeat(b.level)} ${b.text}`;
      case "paragraph":
        return b.text;
      case "list":
        return b.items.map((item) => `- ${item}`).join("\n");
      case "table": {
        const align = columnAlign(b);
        const row = (cells: string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
        return [
          row(b.header),
          `|${align.map((a) => (a === "right" ? "---:" : ":---")).join("|")}|`,
          ...b.rows.map(row),
        ].join("\n");
      }
      case "figure":
        return `![${b.caption}](figures/${b.name}.svg)\n\n*${b.caption}* ` +
          `([PNG](figures/${b.name}.png), [Vega-Lite spec](specs/${b.name}.vl.json))`;
      case "code":
        return "```" + (b.language ?? "") + "\n" + b.text + "\n```";
    }
  });
  return parts.join("\n\n") + "\n";
}

/**
 * Escapes text for HTML and turns the inline `code` and **bold** markup into tags.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inlineHtml } from "./document.ts";
 * strictEqual(inlineHtml("a < b, **c**"), "a &lt; b, <strong>c</strong>");
 * ```
 */
export function inlineHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
}

/**
 * Renders blocks as HTML; each figure becomes a `<figure>` whose chart container has
 * `data-chart="<name>"` (filled by vega-embed from the inlined spec).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { figure, toHtml } from "./document.ts";
 * ok(toHtml([figure("loss", "Loss")]).includes('data-chart="loss"'));
 * ```
 */
export function toHtml(blocks: Block[]): string {
  return blocks.map((b) => {
    switch (b.kind) {
      case "heading":
        return `<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`;
      case "paragraph":
        return `<p>${inlineHtml(b.text)}</p>`;
      case "list":
        return `<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join("")}</ul>`;
      case "table": {
        const align = columnAlign(b);
        const cells = (row: string[], tag: string) =>
          row.map((c, i) => `<${tag} class="${align[i]}">${inlineHtml(c)}</${tag}>`).join("");
        return `<table><thead><tr>${cells(b.header, "th")}</tr></thead><tbody>` +
          b.rows.map((r) => `<tr>${cells(r, "td")}</tr>`).join("") + "</tbody></table>";
      }
      case "figure":
        return `<figure><div class="chart" id="chart-${b.name}" data-chart="${b.name}"></div>` +
          `<figcaption>${inlineHtml(b.caption)}</figcaption></figure>`;
      case "code":
        return `<pre><code>${inlineHtml(b.text).replace(/<\/?(code|strong)>/g, "")}</code></pre>`;
    }
  }).join("\n");
}
