/**
 * Flag parsing shared by the commands, on `node:util`'s parseArgs, with errors a user can read:
 * one line each, negative numbers accepted as values (so `--epochs -1` is judged by the
 * flag's own range check), stray positional arguments refused.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { quote, UsageError } from "../util/errors.ts";

/** Option table in `node:util` parseArgs form. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** `--name -5` → `--name=-5` for string flags, so a negative number is a value, not a flag. */
function joinNegativeValues(flags: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i], next = flags[i + 1];
    const name = flag.startsWith("--") ? flag.slice(2) : undefined;
    if (
      name !== undefined && spec[name]?.type === "string" && next !== undefined &&
      /^-(\d|\.\d)/.test(next)
    ) {
      out.push(`${flag}=${next}`);
      i++;
    } else out.push(flag);
  }
  return out;
}

/** parseArgs' (multi-line) messages as one line a user can act on. */
function usageMessage(error: Error & { code?: string }): string {
  const message = error.message;
  const option = /Option '(-[^ ']*)/.exec(message)?.[1] ?? /'(--?[^']*)'/.exec(message)?.[1];
  const flag = option === undefined ? undefined : quote(option.replace(/=.*$/, ""));
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${flag ?? ""} (see --help for this command's flags)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(message)) return `${flag} takes no value`;
      return `${flag} needs a value`;
    default:
      return message.split("\n")[0];
  }
}

/**
 * Parses `flags` against `spec`, turning parseArgs' errors into one-line {@link UsageError}s.
 * Positional arguments are refused unless `allowPositionals` is set.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { parseFlags } from "./args.ts";
 * const { values } = parseFlags(["--epochs", "-3"], { epochs: { type: "string" } });
 * strictEqual(values.epochs, "-3");
 * throws(() => parseFlags(["stray"], {}), /unexpected argument 'stray'/);
 * throws(() => parseFlags(["--nope"], {}), /^UsageError: unknown flag '--nope'/);
 * ```
 */
export function parseFlags<T extends FlagSpec>(
  flags: string[],
  spec: T,
  { allowPositionals = false }: { allowPositionals?: boolean } = {},
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(flags, spec),
      options: spec,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error));
  }
  if (!allowPositionals && parsed.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${quote(parsed.positionals[0])} (flags start with --; see --help)`,
    );
  }
  return parsed;
}

/**
 * Reads an integer flag value, rejecting junk, unsafe integers and values below `min`.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { intFlag } from "./args.ts";
 * strictEqual(intFlag("epochs", "3", 1), 3);
 * throws(() => intFlag("epochs", "-1", 1), /--epochs must be an integer ≥ 1, got '-1'/);
 * ```
 */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${quote(value)}`);
  }
  return n;
}

/**
 * Option-table entries for string flags, by name: `parseFlags(flags, { ...stringFlags("out"),
 * force: { type: "boolean" } })`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseFlags, stringFlags } from "./args.ts";
 * const { values } = parseFlags(["--out", "x"], stringFlags("out", "seed"));
 * strictEqual(values.out, "x");
 * strictEqual(values.seed, undefined);
 * ```
 */
export function stringFlags<Name extends string>(
  ...names: Name[]
): Record<Name, { type: "string" }> {
  return Object.fromEntries(names.map((n) => [n, { type: "string" as const }])) as Record<
    Name,
    { type: "string" }
  >;
}
