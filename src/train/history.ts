/**
 * Per-epoch training history: what the plots and `run.json` read.
 *
 * @module
 */

/** Metrics of one finished epoch. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (training mode: dropout on, augmented). */
  loss: number;
  /** Training accuracy over the epoch. */
  accuracy: number;
  /** Validation loss (inference mode), NaN without a validation set. */
  valLoss: number;
  /** Validation accuracy, NaN without a validation set. */
  valAccuracy: number;
  /** Learning rate of the epoch's last step. */
  learningRate: number;
  /** Wall seconds of the epoch (training + validation; the checkpoint write is not counted). */
  seconds: number;
  /** Training images per second (training phase only). */
  imagesPerSecond: number;
}

/**
 * The 1-based epoch with the lowest validation loss, or null when no epoch has one.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { bestEpoch } from "./history.ts";
 * const r = (epoch: number, valLoss: number) => ({ epoch, valLoss, loss: 0, accuracy: 0,
 *   valAccuracy: 0, learningRate: 0, seconds: 0, imagesPerSecond: 0 });
 * strictEqual(bestEpoch([r(1, 0.3), r(2, 0.2), r(3, 0.25)]), 2);
 * ```
 */
export function bestEpoch(history: EpochRecord[]): number | null {
  let best: EpochRecord | null = null;
  for (const r of history) {
    if (Number.isFinite(r.valLoss) && (best === null || r.valLoss < best.valLoss)) best = r;
  }
  return best?.epoch ?? null;
}

/**
 * A fixed-width text table of the history (one line per epoch).
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { formatHistory } from "./history.ts";
 * const table = formatHistory([{ epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.3,
 *   valAccuracy: 0.9, learningRate: 1e-3, seconds: 12, imagesPerSecond: 4500 }]);
 * match(table, /^epoch +loss +acc +val_loss +val_acc +lr +sec +img\/s\n/);
 * match(table, /1 +0\.5000 +0\.8000 +0\.3000 +0\.9000 +1\.00e-3 +12\.0 +4500$/);
 * ```
 */
export function formatHistory(history: EpochRecord[]): string {
  const header = "epoch    loss     acc  val_loss  val_acc        lr   sec    img/s";
  const rows = history.map((r) =>
    [
      String(r.epoch).padStart(5),
      r.loss.toFixed(4).padStart(7),
      r.accuracy.toFixed(4).padStart(7),
      r.valLoss.toFixed(4).padStart(9),
      r.valAccuracy.toFixed(4).padStart(8),
      r.learningRate.toExponential(2).padStart(9),
      r.seconds.toFixed(1).padStart(5),
      r.imagesPerSecond.toFixed(0).padStart(8),
    ].join(" ")
  );
  return [header, ...rows].join("\n");
}
