/**
 * Flag parsing shared by the commands, on `node:util`'s parseArgs, with errors a user can read.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../util/errors.ts";

/** Option table in `node:util` parseArgs form. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `flags` against `spec`, turning parseArgs' errors into {@link UsageError}s.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./args.ts";
 * const { values } = parseFlags(["--epochs", "3"], { epochs: { type: "string" } });
 * console.log(values.epochs); // "3"
 * ```
 */
export function parseFlags<T extends FlagSpec>(flags: string[], spec: T) {
  try {
    return parseArgs({ args: flags, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Reads an integer flag value, rejecting junk and values below `min`.
 *
 * @example
 * ```ts
 * import { intFlag } from "./args.ts";
 * console.log(intFlag("epochs", "3", 1)); // 3
 * ```
 */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
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
