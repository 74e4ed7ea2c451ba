/**
 * Dataset loaders, readers, splits and helpers. Every loader returns a {@link DigitDataset}:
 * uint8 images N×28×28, upright, white on black.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { applySplitPreset, loadMnistSplits, toFloat32 } from "./mod.ts";
 * const sets = applySplitPreset("kaggle-60-20-20", await loadMnistSplits());
 * const x = toFloat32(sets.validation);
 * strictEqual(x.length / 784, sets.validation.count);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export { sha256Hex } from "./checksum.ts";
export { isFile, isGzip, maybeGunzip, readInputFile, readMaybeGzip } from "./files.ts";
export * from "./idx.ts";
export * from "./idx_dataset.ts";
export * from "./mnist.ts";
export * from "./emnist.ts";
export * from "./emnist_sample.ts";
export * from "./kaggle_csv.ts";
export * from "./kaggle_write.ts";
export * from "./mnist_style.ts";
export * from "./png.ts";
export { checkPngBounds, type PngHeader } from "./png_bounds.ts";
export * from "./limits.ts";
export * from "./ops.ts";
export * from "./split.ts";
export * from "./detect.ts";
export * from "./load_path.ts";
export * from "./labelled.ts";
export * from "./summary.ts";
export { emnistSampleDir, mnistDataDir, repoRoot } from "./paths.ts";
export * from "./named.ts";
