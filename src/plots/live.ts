/**
 * Charts that redraw in place while training runs in a notebook.
 *
 * @module
 */
import type { EpochRecord } from "../train/history.ts";
import type { TrainCallbacks } from "../train/train_types.ts";
import { type DisplayFn, displaySlot } from "../util/notebook.ts";
import { displayChart } from "./display.ts";
import type { VegaLiteSpec } from "./spec.ts";
import { trainingCurvesSpec, type TrainingHistory } from "./training.ts";

/** Training curves of several models, redrawn in one notebook output after every epoch. */
export interface LiveTrainingCurves {
  /** The histories so far, one per tracked model. */
  readonly histories: TrainingHistory[];
  /** Training callbacks that add `model`'s epochs to the chart. */
  track(model: string): TrainCallbacks;
  /** The chart of the histories so far. */
  spec(): VegaLiteSpec;
}

/**
 * Live training curves: pass `curves.track(name)` among each run's callbacks.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { liveTrainingCurves } from "./live.ts";
 * const updates: boolean[] = [];
 * const curves = liveTrainingCurves(["mlp"], (_b, o) => void updates.push(o.update));
 * const epoch = { epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85,
 *   learningRate: 1e-3, seconds: 1, imagesPerSecond: 100 };
 * await curves.track("mlp").onEpochEnd?.(epoch);
 * await curves.track("cnn").onEpochEnd?.({ ...epoch });
 * strictEqual(curves.histories.length, 2);
 * strictEqual(updates.join(), "false,true");
 * ```
 */
export function liveTrainingCurves(
  models?: readonly string[],
  display?: DisplayFn,
): LiveTrainingCurves {
  const slot = displaySlot({ display, prefix: "digitkit-curves" });
  const histories: TrainingHistory[] = [];
  const spec = () => trainingCurvesSpec(histories, models ?? histories.map((h) => h.model));
  return {
    histories,
    spec,
    track(model) {
      const history: TrainingHistory = { model, epochs: [] };
      histories.push(history);
      return {
        async onEpochEnd(record: EpochRecord) {
          history.epochs.push(record);
          const { bundle } = await displayChart(spec());
          await slot.show(bundle as unknown as Record<string, unknown>);
        },
      };
    },
  };
}
