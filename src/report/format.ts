/**
 * Number formatting for reports: every rate with its 95% interval and n.
 *
 * @module
 */
import type { Interval } from "../evaluate/types.ts";

import { percent } from "../util/format.ts";

/** A proportion as a percentage (shared with the command line and notebooks). */
export { percent };

/**
 * A rate with its interval: `1.23% [0.98, 1.51]`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { rateWithInterval } from "./format.ts";
 * strictEqual(rateWithInterval(0.0123, { lower: 0.0098, upper: 0.0151 }), "1.23% [0.98, 1.51]");
 * ```
 */
export function rateWithInterval(
  value: number | null | undefined,
  interval: Interval | null | undefined,
  digits = 2,
): string {
  if (value === null || value === undefined) return "—";
  if (!interval) return percent(value, digits);
  const f = (v: number) => (100 * v).toFixed(digits);
  return `${percent(value, digits)} [${f(interval.lower)}, ${f(interval.upper)}]`;
}

/**
 * A p-value the way papers print it: 3 significant digits, `< 0.001` below that.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { pValue } from "./format.ts";
 * strictEqual(pValue(0.0004), "< 0.001");
 * ```
 */
export function pValue(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toPrecision(3);
}

/**
 * Seconds as `1 h 02 min`, `3 min 05 s` or `12.3 s`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { duration } from "./format.ts";
 * strictEqual(duration(185), "3 min 05 s");
 * ```
 */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/**
 * A number with thousands separators.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { count } from "./format.ts";
 * strictEqual(count(34826), "34,826");
 * ```
 */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}
