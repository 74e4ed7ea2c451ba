/**
 * The command table of `src/cli.ts`: each command lives in its own module, loaded on demand
 * so `kit data` never pays for loading TensorFlow.
 *
 * @module
 */

import type { Command } from "./command_types.ts";

export type { Command, CommandModule, CommandResult } from "./command_types.ts";

/**
 * Every `kit` command.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { COMMANDS } from "./commands.ts";
 * ok(["data", "models", "train", "eval", "report"].every((name) => name in COMMANDS));
 * ```
 */
export const COMMANDS: Record<string, Command> = {
  data: { summary: "load a dataset or file and print its counts", load: () => import("./data.ts") },
  backend: {
    summary: "list TensorFlow.js backends and pick one",
    load: () => import("./backend.ts"),
  },
  models: { summary: "list model specs with parameter counts", load: () => import("./models.ts") },
  train: { summary: "train a model with a recipe", load: () => import("./train.ts") },
  eval: { summary: "disaggregated evaluation of trained models", load: () => import("./eval.ts") },
  report: {
    summary: "train, evaluate and write the report (main job)",
    load: () => import("./report.ts"),
  },
  study: {
    summary: "multi-seed studies: run, status, report, cell",
    load: () => import("./study.ts"),
  },
  bench: {
    summary: "benchmarks against PyTorch and Keras on this machine",
    // The benchmarks are not part of the library: loaded from bench/ only for `kit bench`.
    load: () => import("../../bench/command.ts"),
  },
};
