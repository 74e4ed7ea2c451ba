/**
 * A terminal progress bar on stderr (stdout stays clean for `--json`). Redraws in place on a
 * TTY and prints a line at most every few seconds otherwise (CI logs, notebooks' subprocesses).
 *
 * @module
 */

/** Options of {@link ProgressBar}. */
export interface ProgressOptions {
  /** Label printed before the bar. */
  label: string;
  /** Total units of work. */
  total: number;
  /** Unit name for the rate, e.g. "img". */
  unit?: string;
  /** Where to write; defaults to stderr. Pass `null` to stay silent. */
  write?: ((text: string) => void) | null;
  /** Whether to redraw in place; defaults to stderr being a terminal. */
  interactive?: boolean;
  /** `performance.now()` when the work began, if before the bar was made (for the rate). */
  startedAt?: number;
}

/**
 * Tracks done/total with rate and ETA.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { ProgressBar } from "./progress.ts";
 * const lines: string[] = [];
 * const write = (text: string) => void lines.push(text);
 * const bar = new ProgressBar({ label: "epoch 1/1", total: 100, unit: "img", write, interactive: false });
 * bar.update(50, { loss: 0.3 });
 * bar.done();
 * match(lines.at(-1)!, /^epoch 1\/1 .* 50\/100 .*loss 0\.3000\n$/);
 * ```
 */
export class ProgressBar {
  #opts: Required<ProgressOptions>;
  #start: number;
  #lastDraw = -Infinity; // the first update always draws
  #done = 0;
  #fields: Record<string, number | string> = {};

  constructor(options: ProgressOptions) {
    const encoder = new TextEncoder();
    this.#opts = {
      unit: "it",
      write: (text: string) => Deno.stderr.writeSync(encoder.encode(text)),
      interactive: Deno.stderr.isTerminal(),
      ...options,
    } as Required<ProgressOptions>;
    this.#start = options.startedAt ?? performance.now();
  }

  /** Units done per second so far. */
  get rate(): number {
    const seconds = (performance.now() - this.#start) / 1000;
    return seconds > 0 ? this.#done / seconds : 0;
  }

  /** Seconds since the bar started. */
  get elapsedSeconds(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Sets how much is done and the extra fields to show (loss, accuracy…). */
  update(done: number, fields: Record<string, number | string> = {}): void {
    this.#done = done;
    this.#fields = fields;
    const now = performance.now();
    const interval = this.#opts.interactive ? 100 : 5000;
    if (now - this.#lastDraw >= interval) this.#draw(false);
  }

  /** Draws the final state and ends the line. */
  done(fields?: Record<string, number | string>): void {
    if (fields) this.#fields = fields;
    this.#draw(true);
  }

  /** The current line, without control characters. */
  render(): string {
    const { label, total, unit } = this.#opts;
    const fraction = total > 0 ? Math.min(1, this.#done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const rate = this.rate;
    const eta = rate > 0 ? (total - this.#done) / rate : NaN;
    const extra = Object.entries(this.#fields)
      .map(([k, v]) => `${k} ${typeof v === "number" ? formatNumber(v) : v}`)
      .join("  ");
    return `${label} ${bar} ${this.#done}/${total}  ${formatNumber(rate)} ${unit}/s  ` +
      `ETA ${formatDuration(eta)}${extra ? "  " + extra : ""}`;
  }

  #draw(final: boolean): void {
    this.#lastDraw = performance.now();
    const write = this.#opts.write;
    if (!write) return;
    if (this.#opts.interactive) write(`\r\x1b[2K${this.render()}${final ? "\n" : ""}`);
    else write(this.render() + "\n");
  }
}

/** Formats seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? h + ":" : ""}${mm}:${String(r).padStart(2, "0")}`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toFixed(4);
}
