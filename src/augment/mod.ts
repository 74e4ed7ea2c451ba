/**
 * Augmentation pipelines for training and the corruption engine for robustness evaluation,
 * over batches of 28×28 Float32 images in [0, 1] (count × 784, row-major, white on black).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { applyPipeline, augmentPreset, corrupt, applySweep } from "./mod.ts";
 * import { Random } from "../util/random.ts";
 * const batch = new Float32Array(4 * 784).fill(0.1);
 * applyPipeline(batch, 4, augmentPreset("adaptive-pool"), new Random(1));
 * const fogged = corrupt(batch, 4, "fog", 3, 42);
 * const noisy = applySweep(batch, 4, "gaussian_noise", 0.3, 42);
 * ok(fogged.length === noisy.length);
 * ```
 *
 * @module
 */

export {
  type ApplyOptions,
  applyPipeline,
  AUGMENT_OPS,
  describePipeline,
  type Pipeline,
  type PipelineRow,
  validatePipeline,
} from "./pipeline.ts";
export type { AugmentOp, ValueOrRange } from "./ops.ts";
export { AUGMENT_PRESETS, augmentPreset } from "./presets.ts";
export {
  corrupt,
  CORRUPTION_NAMES,
  type CorruptionInfo,
  type CorruptionRow,
  CORRUPTIONS,
  corruptionTable,
  type SeverityParams,
} from "./corruptions.ts";
export { applySweep, DEFAULT_SWEEPS, type SweepInfo, SWEEPS } from "./sweeps.ts";
export type { BatchOptions } from "./batch.ts";
export { fromUint8, toUint8 } from "./uint8.ts";
