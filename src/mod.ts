/**
 * digitkit: train, evaluate (disaggregated) and report on handwritten-digit classifiers.
 *
 * @module
 */
export * from "./data/mod.ts";
