/**
 * Training progress for the terminal: one {@link ProgressBar} line per epoch on stderr (epoch,
 * batch, loss, accuracy, images/s, ETA), then the epoch's validation metrics.
 *
 * @module
 */
import { formatDuration, ProgressBar } from "../util/progress.ts";
import type { TrainCallbacks } from "./train_types.ts";

/** Options of {@link terminalProgress}. */
export interface TerminalProgressOptions {
  /** Where to write; stderr by default, `null` for silence. */
  write?: ((text: string) => void) | null;
  /** Redraw in place; defaults to stderr being a terminal. */
  interactive?: boolean;
}

/**
 * Callbacks drawing a live progress bar for `train`.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { terminalProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const hooks = terminalProgress({ write: (t) => lines.push(t), interactive: false });
 * hooks.onTrainStart?.({ epochs: 1, batches: 2, startEpoch: 1 });
 * hooks.onBatch?.({ epoch: 1, epochs: 1, batch: 2, batches: 2, loss: 0.5, accuracy: 0.75,
 *   imagesPerSecond: 100, etaSeconds: 0 } as Parameters<NonNullable<typeof hooks.onBatch>>[0]);
 * match(lines.join(""), /epoch 1\/1/);
 * ```
 */
export function terminalProgress(options: TerminalProgressOptions = {}): TrainCallbacks {
  let bar: ProgressBar | null = null;
  let epochs = 0, batches = 0;
  // Bars are made at an epoch's first report, some batches in: rates count from the epoch start.
  let epochStart = performance.now();
  const write = options.write === undefined
    ? (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text))
    : options.write;
  const fields = (p: { loss: number; accuracy: number; imagesPerSecond: number }) => ({
    loss: p.loss,
    acc: p.accuracy,
    "img/s": Math.round(p.imagesPerSecond),
  });
  return {
    onTrainStart(info) {
      epochs = info.epochs;
      batches = info.batches;
      epochStart = performance.now();
    },
    onBatch(p) {
      // One bar per epoch, created at its first report and closed by onEpochEnd.
      if (!bar) {
        bar = new ProgressBar({
          label: `epoch ${p.epoch}/${p.epochs}`,
          total: batches,
          unit: "batch",
          write,
          interactive: options.interactive,
          startedAt: epochStart,
        });
      }
      bar.update(p.batch, { ...fields(p), "run ETA": formatDuration(p.etaSeconds) });
    },
    onInterrupt(info) {
      // End the bar's line, so the shell prompt and the message start on a line of their own.
      bar?.done({ stopped: info.reason });
      bar = null;
    },
    onEpochEnd(r) {
      bar?.done({ ...fields(r), val_loss: r.valLoss, val_acc: r.valAccuracy });
      bar = null;
      epochStart = performance.now();
      if (r.epoch === epochs && write) write(`trained ${epochs} epochs\n`);
    },
  };
}
