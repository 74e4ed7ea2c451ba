/**
 * A live table of a study's cells in a Jupyter notebook (Deno kernel): one output area,
 * redrawn in place from the cell folders while the study runs.
 *
 * @module
 */
import type { CellStatus } from "./folder.ts";
import { type StudyStatus, studyStatus } from "./study.ts";

/** The display function of the Deno kernel (injectable for tests). */
export type DisplayFn = (
  bundle: Record<string, string>,
  options: { raw: boolean; display_id: string; update: boolean },
) => Promise<void> | void;

const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

const STATE_COLORS: Record<CellStatus["state"], string> = {
  done: "#2e7d32",
  running: "#1565c0",
  failed: "#c62828",
  pending: "#757575",
};

/**
 * The study's cells as a text and HTML table bundle.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyTableBundle } from "./live_table.ts";
 * const bundle = studyTableBundle({ dir: "d", name: "s", counts: { pending: 1, running: 0,
 *   done: 0, failed: 0 }, cells: [{ index: 0, id: "mlp--baseline-adam--seed1", model: "mlp",
 *   recipe: "baseline-adam", seed: 1, state: "pending", epochsDone: 0, epochs: 2 }] });
 * ok(bundle["text/plain"].includes("mlp--baseline-adam--seed1"));
 * ok(bundle["text/html"].includes("<td>baseline-adam</td>"));
 * ```
 */
export function studyTableBundle(status: StudyStatus): Record<string, string> {
  const { done, running, failed, pending } = status.counts;
  const head = `study ${status.name}: ${done} done, ${running} running, ${failed} failed, ` +
    `${pending} pending`;
  const rows = status.cells.map((c) => {
    const note = c.reason ?? (c.runningOn ? `on ${c.runningOn}` : "");
    return { ...c, note };
  });
  const text = [
    head,
    ...rows.map((c) =>
      `${c.id.padEnd(44)} ${c.state.padEnd(8)} ${c.epochsDone}/${c.epochs} epochs ${c.note}`
    ),
  ].join("\n");
  const html = `<p><b>${escape(head)}</b></p><table><thead><tr><th>#</th><th>model</th>` +
    `<th>recipe</th><th>seed</th><th>state</th><th>epochs</th><th>note</th></tr></thead>` +
    `<tbody>${
      rows.map((c) =>
        `<tr><td>${c.index}</td><td>${escape(c.model)}</td><td>${escape(c.recipe)}</td>` +
        `<td>${c.seed}</td><td style="color:${STATE_COLORS[c.state]}">${c.state}</td>` +
        `<td>${c.epochsDone}/${c.epochs}</td><td>${escape(c.note)}</td></tr>`
      ).join("")
    }</tbody></table>`;
  return { "text/plain": text, "text/html": html };
}

/**
 * Shows the study's cell table and keeps it up to date every `intervalMs` until `stop()`.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { writePlan } from "./folder.ts";
 * import { liveStudyTable } from "./live_table.ts";
 * import { parseStudy } from "./plan.ts";
 * const dir = await Deno.makeTempDir();
 * await writePlan(dir, parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml"));
 * const shown: string[] = []; // in a notebook, display defaults to Deno.jupyter.display
 * const display = (bundle: Record<string, unknown>) => void shown.push(String(bundle["text/plain"]));
 * const table = liveStudyTable(dir, { display });
 * try { await table.refresh(); } finally { await table.stop(); }
 * match(shown.at(-1)!, /^study t: 0 done, 0 running, 0 failed, 2 pending/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function liveStudyTable(
  dir: string,
  options: { intervalMs?: number; display?: DisplayFn } = {},
): { refresh(): Promise<void>; stop(): Promise<void> } {
  const display: DisplayFn = options.display ??
    ((bundle, opts) => Deno.jupyter.display(bundle, opts));
  const displayId = `digitkit-study-${crypto.randomUUID()}`;
  let shown = false;
  let busy: Promise<void> | null = null;
  const refresh = () => {
    busy ??= (async () => {
      try {
        const status = await studyStatus(dir);
        await display(studyTableBundle(status), {
          raw: true,
          display_id: displayId,
          update: shown,
        });
        shown = true;
      } catch {
        // study.json not written yet: the next tick shows the table
      } finally {
        busy = null;
      }
    })();
    return busy;
  };
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 2000);
  void refresh();
  return {
    refresh,
    async stop() {
      clearInterval(timer);
      await busy;
      await refresh();
    },
  };
}
