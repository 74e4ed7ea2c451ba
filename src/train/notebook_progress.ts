/**
 * Training progress in a Jupyter notebook (Deno kernel): one output area, created on the first
 * report and then updated in place through `Deno.jupyter.display(…, { display_id, update })`,
 * showing the running epoch and the history table so far. Only notebooks import this module.
 *
 * @module
 */
import { type DisplayFn as NotebookDisplayFn, displaySlot } from "../util/notebook.ts";
import { formatDuration } from "../util/progress.ts";
import { type EpochRecord, formatHistory } from "./history.ts";
import type { BatchProgress, TrainCallbacks } from "./train_types.ts";

/** The display function of the Deno kernel (injectable for tests). */
export type DisplayFn = NotebookDisplayFn<Record<string, string>>;

/** Options of {@link notebookProgress}. */
export interface NotebookProgressOptions {
  /** Minimum milliseconds between in-epoch updates (default 500). */
  intervalMs?: number;
  /** Defaults to `Deno.jupyter.display`. */
  display?: DisplayFn;
  /** Output id; a fresh one per call by default. */
  displayId?: string;
  /** Shown before the progress line, e.g. the model's name when several train in one cell. */
  title?: string;
}

/**
 * Callbacks for `train` that keep one live notebook output up to date.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { notebookProgress } from "./notebook_progress.ts";
 * const shown: string[] = [];
 * const hooks = notebookProgress({ display: (b) => { shown.push(b["text/plain"]); } });
 * hooks.onTrainStart?.({ epochs: 1, batches: 10, startEpoch: 1 });
 * deepStrictEqual(shown, ["starting…"]);
 * ```
 */
export function notebookProgress(options: NotebookProgressOptions = {}): TrainCallbacks {
  const slot = displaySlot({
    display: options.display,
    id: options.displayId,
    prefix: "digitkit-train",
  });
  const interval = options.intervalMs ?? 500;
  let lastDraw = 0;
  const history: EpochRecord[] = [];
  const draw = (current: BatchProgress | null) => {
    lastDraw = performance.now();
    return slot.show(renderProgress(current, history, options.title));
  };
  return {
    onTrainStart() {
      history.length = 0;
      return void draw(null);
    },
    onBatch(p) {
      if (performance.now() - lastDraw >= interval || p.batch === p.batches) void draw(p);
    },
    async onEpochEnd(r) {
      history.push(r);
      await draw(null);
    },
  };
}

/**
 * The text and HTML of the progress display.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { renderProgress } from "./notebook_progress.ts";
 * strictEqual(renderProgress(null, [])["text/plain"], "starting…");
 * strictEqual(renderProgress(null, [], "mlp")["text/plain"], "mlp: starting…");
 * ```
 */
export function renderProgress(
  current: BatchProgress | null,
  history: EpochRecord[],
  title?: string,
): Record<string, string> {
  const status = current
    ? `epoch ${current.epoch}/${current.epochs}  batch ${current.batch}/${current.batches}  ` +
      `loss ${current.loss.toFixed(4)}  acc ${current.accuracy.toFixed(4)}  ` +
      `${Math.round(current.imagesPerSecond)} img/s  ETA ${formatDuration(current.etaSeconds)}`
    : history.length > 0
    ? `finished epoch ${history.at(-1)!.epoch}`
    : "starting…";
  const line = title ? `${title}: ${status}` : status;
  const fraction = current ? current.batch / current.batches : history.length > 0 ? 1 : 0;
  const table = history.length > 0 ? formatHistory(history) : "";
  const html = `<div style="font-family:monospace">` +
    `<div style="background:#eee;width:24em;height:0.8em">` +
    `<div style="background:#4c78a8;height:100%;width:${(fraction * 100).toFixed(1)}%"></div>` +
    `</div><div>${escapeHtml(line)}</div>` +
    (table ? `<pre>${escapeHtml(table)}</pre>` : "") + `</div>`;
  return { "text/plain": table ? `${line}\n${table}` : line, "text/html": html };
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
