/**
 * Disaggregated evaluation and architecture comparison: `evaluate(models, testSets, options)`
 * measures every model on every test set under clean, swept and corrupted conditions;
 * `compare(results)` tests every pair of models on the same items.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { compare, evaluate } from "./mod.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const result = await evaluate([codedClassifier("a"), codedClassifier("b", { 3: 5 })],
 *   [codedDigits(40)], { progress: null });
 * // One confusion (3 → 5) in 40 digits: not a significant difference, so both share letter "a".
 * deepStrictEqual(compare(result).rankings[0].rows.map((r) => `${r.model} ${r.letters}`), [
 *   "a a",
 *   "b a",
 * ]);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./stats.ts";
export * from "./metrics.ts";
export * from "./calibration.ts";
export * from "./robustness.ts";
export * from "./selection.ts";
export * from "./letters.ts";
export * from "./suites.ts";
export * from "./runner.ts";
export * from "./compare.ts";
export * from "./seed_stats.ts";
export * from "./study_stats.ts";
export * from "./conditions.ts";
export * from "./folder.ts";
