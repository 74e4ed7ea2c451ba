/**
 * Calibration of the top-class confidence: expected and maximum calibration error over
 * equal-width bins and the data of a reliability diagram (Guo et al. 2017).
 *
 * @module
 */
import type { Calibration, ReliabilityBin } from "./types.ts";

/**
 * Default number of confidence bins (Guo et al. 2017).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { CALIBRATION_BINS } from "./calibration.ts";
 * strictEqual(CALIBRATION_BINS, 15);
 * ```
 */
export const CALIBRATION_BINS = 15;

/**
 * Calibration of `confidence[i]` (probability of the predicted class) against whether item i
 * was classified correctly (`correct[i]` = 1). Bin b covers (b/B, (b+1)/B]; confidence 0 falls
 * in the first bin. ECE = Σ_b (n_b / n) · |accuracy_b − meanConfidence_b|.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { calibration } from "./calibration.ts";
 * const c = calibration(new Float32Array([0.9, 0.9, 0.6]), new Uint8Array([1, 0, 1]), 10);
 * strictEqual(c.ece.toFixed(3), "0.400"); // = (2/3)·|0.5 − 0.9| + (1/3)·|1 − 0.6|
 * ```
 */
export function calibration(
  confidence: Float32Array | Float64Array,
  correct: Uint8Array,
  bins = CALIBRATION_BINS,
): Calibration {
  const n = confidence.length;
  const counts = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  const correctSums = new Float64Array(bins);
  let sumCorrect = 0, sumWrong = 0, nCorrect = 0, sumAll = 0;
  for (let i = 0; i < n; i++) {
    const c = confidence[i];
    // ceil(c·B) − 1 puts c = b/B exactly at the top of bin b − 1, i.e. bins are right-closed.
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    counts[b]++;
    confidenceSums[b] += c;
    correctSums[b] += correct[i];
    sumAll += c;
    if (correct[i]) {
      nCorrect++;
      sumCorrect += c;
    } else {
      sumWrong += c;
    }
  }
  let ece = 0, mce = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = counts[b];
    const meanConfidence = count > 0 ? confidenceSums[b] / count : null;
    const accuracy = count > 0 ? correctSums[b] / count : null;
    if (count > 0) {
      const gap = Math.abs(accuracy! - meanConfidence!);
      ece += (count / n) * gap;
      mce = Math.max(mce, gap);
    }
    reliability.push({ lower: b / bins, upper: (b + 1) / bins, count, meanConfidence, accuracy });
  }
  return {
    bins,
    ece,
    mce,
    reliability,
    meanConfidence: n > 0 ? sumAll / n : 0,
    meanConfidenceCorrect: nCorrect > 0 ? sumCorrect / nCorrect : null,
    meanConfidenceWrong: n - nCorrect > 0 ? sumWrong / (n - nCorrect) : null,
  };
}
