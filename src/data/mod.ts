/**
 * Dataset loaders, readers and splits.
 *
 * @module
 */
export * from "./types.ts";
