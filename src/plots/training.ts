/**
 * Training curves: loss and accuracy per epoch, training vs validation, one colour per model.
 *
 * @module
 */
import type { EpochRecord } from "../train/history.ts";
import { modelColorScale } from "./palette.ts";
import { chart, round, type VegaLiteSpec } from "./spec.ts";

/**
 * The fields of one epoch the curves need: a `src/train` history record fits as it is, and a
 * hand-made `{ epoch, loss }` does too.
 */
export type EpochPoint =
  & Pick<EpochRecord, "epoch" | "loss">
  & Partial<Pick<EpochRecord, "accuracy" | "valLoss" | "valAccuracy">>;

/** The history of one model. */
export interface TrainingHistory {
  model: string;
  epochs: EpochPoint[];
}

/** One point of a training curve. */
export interface TrainingCurveRow {
  model: string;
  epoch: number;
  metric: string;
  split: string;
  value: number;
}

/**
 * Tidy rows behind {@link trainingCurvesSpec}: one per model × epoch × metric × split.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { trainingCurveRows } from "./training.ts";
 * const rows = trainingCurveRows([{ model: "m", epochs: [{ epoch: 1, loss: 0.4 }] }]);
 * strictEqual(rows[0].metric, "loss");
 * ```
 */
export function trainingCurveRows(histories: TrainingHistory[]): TrainingCurveRow[] {
  const rows: TrainingCurveRow[] = [];
  const push = (model: string, epoch: number, metric: string, split: string, v?: number) => {
    if (v !== undefined && Number.isFinite(v)) {
      rows.push({ model, epoch, metric, split, value: round(v, 5) });
    }
  };
  for (const { model, epochs } of histories) {
    for (const e of epochs) {
      push(model, e.epoch, "loss", "training", e.loss);
      push(model, e.epoch, "loss", "validation", e.valLoss);
      push(model, e.epoch, "accuracy", "training", e.accuracy);
      push(model, e.epoch, "accuracy", "validation", e.valAccuracy);
    }
  }
  return rows;
}

/**
 * Loss (left) and accuracy (right) per epoch; solid = training, dashed = validation.
 * `models` fixes the colour order shared with the report's other charts.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { trainingCurvesSpec } from "./training.ts";
 * const spec = trainingCurvesSpec([{ model: "mlp", epochs: [
 *   { epoch: 1, loss: 0.5, accuracy: 0.85, valLoss: 0.4, valAccuracy: 0.88 },
 *   { epoch: 2, loss: 0.3, accuracy: 0.91, valLoss: 0.3, valAccuracy: 0.9 },
 * ] }]);
 * ok(spec.hconcat !== undefined);
 * ```
 */
export function trainingCurvesSpec(
  histories: TrainingHistory[],
  models: readonly string[] = histories.map((h) => h.model),
): VegaLiteSpec {
  const panel = (metric: string, title: string, format?: string) => ({
    width: 280,
    height: 200,
    transform: [{ filter: { field: "metric", equal: metric } }],
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        title: "epoch",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "value",
        type: "quantitative",
        title,
        scale: { zero: false },
        ...(format ? { axis: { format } } : {}),
      },
      color: { field: "model", type: "nominal", title: "model", scale: modelColorScale(models) },
      strokeDash: {
        field: "split",
        type: "nominal",
        title: "split",
        scale: { domain: ["training", "validation"], range: [[1, 0], [5, 3]] },
        // The subtitle explains the dashes; a dash legend beside point markers would mislead.
        legend: null,
      },
      tooltip: [
        { field: "model" },
        { field: "split" },
        { field: "epoch", type: "quantitative" },
        { field: "value", type: "quantitative", title: metric, format: format ?? ".4f" },
      ],
    },
  });
  return chart("Training curves", {
    description: "Loss and accuracy per epoch, training vs validation",
    data: { values: trainingCurveRows(histories) },
    hconcat: [
      panel("loss", "cross-entropy loss (nats)"),
      panel("accuracy", "accuracy (%)", ".1%"),
    ],
  }, "solid: training · dashed: validation");
}
