/**
 * The types every command module shares with the command table (a leaf module, so commands
 * and the table do not import each other).
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
