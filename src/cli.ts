/**
 * The `kit` command line: `deno task kit <command> [flags]`.
 *
 * Every command returns a JSON-serialisable result. With `--json` that result is printed as one
 * JSON object on stdout; otherwise the command's own human summary goes to stdout. Progress and
 * warnings always go to stderr. Every failure (bad input, bad flags, a refused file, an internal
 * error, a rejection nobody awaited) prints ONE line on stderr, under `--json` also a JSON object
 * `{error, kind, …}` on stdout, and exits 1; `DIGITKIT_DEBUG=1` adds the stack trace.
 *
 * @example
 * ```sh
 * deno task kit backend --json
 * deno task kit data --dataset mnist --json
 * ```
 *
 * @module
 */
import process from "node:process";
import { debugEnabled, errorReport, quote, UsageError } from "./util/errors.ts";
import { type Command, COMMANDS } from "./cli/commands.ts";
import { timingMark } from "./util/timing.ts";

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: deno task kit <command> [flags] [--json]\n\ncommands:\n${lines.join("\n")}\n\n` +
    `Run 'deno task kit <command> --help' for a command's flags.`;
}

/** Runs the CLI with `args`; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry: Command | undefined = COMMANDS[name];
  if (!entry) {
    const known = Object.keys(COMMANDS).join(", ");
    reportError(
      "",
      rest.includes("--json"),
      new UsageError(`unknown command ${quote(name)} (commands: ${known}; see --help)`),
    );
    return 1;
  }
  const json = rest.includes("--json");
  const flags = rest.filter((a) => a !== "--json");
  try {
    timingMark(`kit ${name}: cli loaded`);
    const module = await entry.load();
    timingMark(`kit ${name}: command module loaded`);
    if (flags.includes("--help") || flags.includes("-h")) {
      console.log(module.help);
      return 0;
    }
    const result = await module.run(flags);
    if (json) console.log(JSON.stringify(result.json));
    else if (result.text) console.log(result.text);
    timingMark(`kit ${name}: done`);
    return result.exitCode ?? 0;
  } catch (error) {
    reportError(name, json, error);
    return 1;
  }
}

/** Prints `error` the CLI's way: one line on stderr, a JSON object on stdout under `--json`. */
function reportError(command: string, json: boolean, error: unknown): void {
  const report = errorReport(error);
  console.error(`kit${command ? ` ${command}` : ""}: ${report.line}`);
  if (debugEnabled() && error instanceof Error && error.stack) console.error(error.stack);
  if (json) console.log(JSON.stringify(report.json));
}

/**
 * Makes errors that escape every await (a timer that throws, a promise nobody awaited) end the
 * process the CLI's way (one line, exit 1) instead of as an `Uncaught` stack trace.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`: the handler it installs exits the process.
 * import { reportEscapedErrors } from "./cli.ts";
 * reportEscapedErrors("data", false);
 * setTimeout(() => { throw new Error("late"); }); // "kit data: internal error: Error: late (…)", exit 1
 * ```
 */
export function reportEscapedErrors(command: string, json: boolean): void {
  const fail = (error: unknown) => {
    reportError(command, json, error);
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    fail(event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    fail(event.error ?? event.message);
  });
}

if (import.meta.main) {
  // Dependencies' deprecation notices (punycode, via the report's libraries) are not the user's
  // to act on, and would add lines to every message.
  process.noDeprecation = true;
  reportEscapedErrors(Deno.args[0] ?? "", Deno.args.includes("--json"));
  Deno.exitCode = await main(Deno.args);
}
