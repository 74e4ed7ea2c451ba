/**
 * digitkit: train, evaluate (disaggregated) and report on handwritten-digit classifiers.
 *
 * One module per pipeline stage; this entry point re-exports them all for notebooks and scripts.
 *
 * @example
 * ```ts
 * import { getModelSpec, loadMnist } from "./mod.ts";
 * const test = await loadMnist("test");
 * console.log(test.count, getModelSpec("keras-mnist-convnet").name); // 10000 keras-mnist-convnet
 * ```
 *
 * @module
 */
export * from "./data/mod.ts";
export * from "./augment/mod.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
export * from "./evaluate/mod.ts";
export * from "./plots/mod.ts";
export * from "./report/mod.ts";
export * from "./backend/mod.ts";
export * from "./pipeline/study/mod.ts";
