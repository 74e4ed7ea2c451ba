/**
 * Minimal typed view of `.ipynb` files (nbformat 4) for the Deno-side tools.
 *
 * @module
 */

/** One output of an executed cell. */
export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** One notebook cell. */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

/** A parsed notebook. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Joins nbformat's multiline strings (a string or a list of lines). */
export function joinLines(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : value ?? "";
}

/**
 * Reads and parses a notebook file.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { readNotebook } from "./notebook_file.ts";
 * const nb = await readNotebook("tests/fixtures/notebooks/ok.ipynb");
 * ok(nb.cells.length > 0);
 * ```
 */
export async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

/**
 * All mime types present in a notebook's outputs (display data and results).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { outputMimeTypes } from "./notebook_file.ts";
 * const cell = { cell_type: "code" as const, source: "", metadata: {},
 *   outputs: [{ output_type: "display_data" as const, data: { "image/png": "" } }] };
 * deepStrictEqual(
 *   outputMimeTypes({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
 *   new Set(["image/png"]),
 * );
 * ```
 */
export function outputMimeTypes(nb: Notebook): Set<string> {
  const found = new Set<string>();
  for (const cell of nb.cells) {
    for (const output of cell.outputs ?? []) {
      for (const mime of Object.keys(output.data ?? {})) found.add(mime);
    }
  }
  return found;
}
