/**
 * The command table of `src/cli.ts`: each command lives in its own module, loaded on demand
 * so `kit data` never pays for loading TensorFlow.
 *
 * @module
 */

/** What a command returns: a JSON result, an optional human summary, an exit code. */
export interface CommandResult {
  /** Printed as one JSON object on stdout under `--json`. */
  json: unknown;
  /** Printed on stdout without `--json`. */
  text?: string;
  /** Process exit code; 0 by default. */
  exitCode?: number;
}

/** A command module: its `--help` text and its runner over the remaining flags. */
export interface CommandModule {
  help: string;
  run(flags: string[]): Promise<CommandResult>;
}

/** One row of the command table. */
export interface Command {
  summary: string;
  load(): Promise<CommandModule>;
}

/**
 * Every `kit` command.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./commands.ts";
 * console.log(Object.keys(COMMANDS));
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
    summary: "benchmarks against PyTorch on this machine",
    load: () => import("./bench.ts"),
  },
};
