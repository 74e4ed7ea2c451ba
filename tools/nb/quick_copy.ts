/**
 * A notebook with its quick parameters (`metadata.digitkit.quick_parameters`) set, for running
 * it in a real front end: the same injected cell `tools/nb/parameters.py` adds for the headless
 * executor, placed right after the cell tagged `parameters`.
 *
 * @module
 */
import type { Notebook, NotebookCell } from "./notebook_file.ts";
import { joinLines } from "./notebook_file.ts";

/**
 * Returns a copy of `nb` with a cell tagged `injected-parameters` after its `parameters` cell
 * that assigns each quick parameter; `nb` itself is unchanged. Throws when the notebook has
 * quick parameters but no `parameters` cell declaring them with `let`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { withQuickParameters } from "./quick_copy.ts";
 * const nb = {
 *   nbformat: 4, nbformat_minor: 5,
 *   metadata: { digitkit: { quick_parameters: { epochs: 1 } } },
 *   cells: [{ cell_type: "code" as const, source: "let epochs = 6;", metadata: { tags: ["parameters"] } }],
 * };
 * const quick = withQuickParameters(nb);
 * deepStrictEqual(quick.cells.length, 2);
 * deepStrictEqual(quick.cells[1].source, "epochs = 1;\n");
 * deepStrictEqual(nb.cells.length, 1);
 * ```
 */
export function withQuickParameters(nb: Notebook): Notebook {
  const digitkit = nb.metadata.digitkit as { quick_parameters?: Record<string, unknown> };
  const params = Object.entries(digitkit?.quick_parameters ?? {});
  const copy: Notebook = structuredClone(nb);
  if (params.length === 0) return copy;
  const index = copy.cells.findIndex((cell) =>
    cell.cell_type === "code" && (cell.metadata.tags ?? []).includes("parameters")
  );
  if (index < 0) throw new Error("no code cell is tagged 'parameters'");
  const declared = joinLines(copy.cells[index].source);
  for (const [name] of params) {
    if (!new RegExp(`\\blet\\s+${name}\\b`).test(declared)) {
      throw new Error(`quick parameter '${name}' is not declared with \`let\``);
    }
  }
  const cell: NotebookCell & { id: string } = {
    id: "injected-parameters",
    cell_type: "code",
    source: params.map(([name, value]) => `${name} = ${JSON.stringify(value)};\n`).join(""),
    metadata: { tags: ["injected-parameters"] },
    outputs: [],
    execution_count: null,
  };
  copy.cells.splice(index + 1, 0, cell);
  return copy;
}
