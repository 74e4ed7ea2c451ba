/**
 * Formatting shared by the command line, notebooks and reports.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { percent, timestamp } from "./format.ts";
 * strictEqual(percent(0.01234), "1.23%");
 * strictEqual(timestamp(new Date("2026-01-02T03:04:05.678Z")), "20260102-030405");
 * ```
 *
 * @module
 */

/**
 * A fraction as a percentage with `digits` decimals (default 2); "—" when there is no number.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { percent } from "./format.ts";
 * strictEqual(percent(0.5), "50.00%");
 * strictEqual(percent(0.12345, 1), "12.3%");
 * strictEqual(percent(null), "—");
 * ```
 */
export function percent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  return `${(100 * fraction).toFixed(digits)}%`;
}

/**
 * A compact UTC timestamp for default folder names (`20260102-030405`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { timestamp } from "./format.ts";
 * strictEqual(timestamp(new Date("2026-12-31T23:59:59Z")), "20261231-235959");
 * ```
 */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
}
