/**
 * Learning-rate schedules evaluated per optimizer step.
 *
 * @module
 */
import type { ScheduleSpec } from "./recipes.ts";

/**
 * The learning rate at `step` (0-based) of `totalSteps`, for a base rate `baseRate` and
 * `stepsPerEpoch` steps per epoch.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { learningRateAt } from "./schedule.ts";
 * const cycle = { kind: "one-cycle", maxLearningRate: 0.01 } as const;
 * strictEqual(learningRateAt(cycle, 0.001, 0, 100, 10).toPrecision(6), "0.000400000"); // max / 25
 * ```
 */
export function learningRateAt(
  schedule: ScheduleSpec,
  baseRate: number,
  step: number,
  totalSteps: number,
  stepsPerEpoch: number,
): number {
  const last = Math.max(1, totalSteps - 1);
  switch (schedule.kind) {
    case "constant":
      return baseRate;
    case "cosine": {
      const warmup = Math.round((schedule.warmupEpochs ?? 0) * stepsPerEpoch);
      if (step < warmup) return (baseRate * (step + 1)) / warmup;
      const minRate = baseRate * (schedule.minFactor ?? 0);
      const t = (step - warmup) / Math.max(1, last - warmup);
      return minRate + ((baseRate - minRate) * (1 + Math.cos(Math.PI * Math.min(1, t)))) / 2;
    }
    case "one-cycle": {
      // torch.optim.lr_scheduler.OneCycleLR with anneal_strategy="cos", three_phase=False.
      const max = schedule.maxLearningRate;
      const initial = max / (schedule.divFactor ?? 25);
      const final = initial / (schedule.finalDivFactor ?? 1e4);
      const peak = Math.max(1, Math.round((schedule.pctStart ?? 0.3) * totalSteps) - 1);
      const cosine = (from: number, to: number, t: number) =>
        to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;
      return step <= peak
        ? cosine(initial, max, step / peak)
        : cosine(max, final, (step - peak) / Math.max(1, last - peak));
    }
  }
}
