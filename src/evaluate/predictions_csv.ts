/**
 * `predictions.csv`: one row per model × test set × condition × item, with everything needed
 * to recompute every metric of an evaluation (labels, predictions, top-class confidence).
 *
 * @module
 */
import type { ItemPredictions } from "./runner.ts";

/**
 * Column names of predictions.csv, in order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { PREDICTION_COLUMNS } from "./predictions_csv.ts";
 * strictEqual(PREDICTION_COLUMNS.indexOf("confidence"), 8);
 * ```
 */
export const PREDICTION_COLUMNS = [
  "model",
  "test_set",
  "kind",
  "factor",
  "level",
  "item_id",
  "true_label",
  "predicted_label",
  "confidence",
] as const;

/** RFC 4180 quoting for fields that need it. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The header line of predictions.csv (with newline); `leading` columns (e.g. a study cell's
 * `architecture`, `recipe`, `seed`) come first.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { predictionsHeader } from "./predictions_csv.ts";
 * strictEqual(predictionsHeader().slice(0, 15), "model,test_set,");
 * strictEqual(predictionsHeader(["seed"]).slice(0, 11), "seed,model,");
 * ```
 */
export function predictionsHeader(leading: readonly string[] = []): string {
  return [...leading, ...PREDICTION_COLUMNS].join(",") + "\n";
}

/**
 * CSV rows (with newlines) for one condition's predictions, after the values of any `leading`
 * columns. Confidence is written with 9 significant digits, enough to read back the exact
 * float32.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { predictionsRows } from "./predictions_csv.ts";
 * const rows = predictionsRows({
 *   model: "m", testSet: "t", kind: "clean", factor: "clean", level: 0,
 *   ids: new Uint32Array([7]), labels: new Uint8Array([3]), predicted: new Uint8Array([5]),
 *   confidence: new Float32Array([0.5]),
 * });
 * strictEqual(rows, "m,t,clean,clean,0,7,3,5,0.5\n");
 * ```
 */
export function predictionsRows(p: ItemPredictions, leading: readonly string[] = []): string {
  const prefix = [...leading, p.model, p.testSet, p.kind, p.factor, String(p.level)].map(field)
    .join(",");
  const lines = new Array<string>(p.labels.length);
  for (let i = 0; i < p.labels.length; i++) {
    const confidence = String(Number(p.confidence[i].toPrecision(9)));
    lines[i] = `${prefix},${p.ids[i]},${p.labels[i]},${p.predicted[i]},${confidence}\n`;
  }
  return lines.join("");
}
