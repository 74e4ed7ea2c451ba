/**
 * The `kit` command line: `deno task kit <command> [flags]`.
 *
 * Every command returns a JSON-serialisable result. With `--json` that result is printed as one
 * JSON object on stdout; otherwise the command's own human summary goes to stdout. Progress and
 * warnings always go to stderr. User errors (bad input, bad flags) print one line and exit 1.
 *
 * @example
 * ```sh
 * deno task kit backend --json
 * deno task kit data --dataset mnist --json
 * ```
 *
 * @module
 */
import { isUserError } from "./util/errors.ts";
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
    console.error(`kit: unknown command '${name}'\n\n${usage()}`);
    return 2;
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
    if (isUserError(error)) {
      console.error(`kit ${name}: ${error.message}`);
      if (json) console.log(JSON.stringify({ error: error.message }));
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
