/**
 * Lookups in the kit's registries (datasets, models, recipes), with one error for every unknown
 * name.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/**
 * `registry[name]`, or a {@link UsageError} naming what was asked for and listing the known
 * names.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { lookup } from "./registry.ts";
 * const colours = { red: "#f00", blue: "#00f" };
 * strictEqual(lookup(colours, "red", "colour"), "#f00");
 * throws(() => lookup(colours, "pink", "colour"),
 *   /unknown colour 'pink'; expected one of: red, blue/);
 * ```
 */
export function lookup<T>(registry: Readonly<Record<string, T>>, name: string, what: string): T {
  if (!Object.hasOwn(registry, name)) {
    throw new UsageError(
      `unknown ${what} '${name}'; expected one of: ${Object.keys(registry).join(", ")}`,
    );
  }
  return registry[name];
}
