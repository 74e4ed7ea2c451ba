/**
 * Start-up timestamps: with `DIGITKIT_TIMING=1`, {@link timingMark} prints
 * `[timing] 1.234 s (+0.567 s) label` on stderr (seconds since the runtime started, and since the
 * previous mark), so the phases of `kit train` (module load, backend load, data load, graph
 * build, first epoch, test, save) can be measured without a profiler. Silent otherwise.
 *
 * @module
 */

let previous = 0;

function enabled(): boolean {
  try {
    return Deno.env.get("DIGITKIT_TIMING") === "1";
  } catch {
    return false; // no --allow-env: no timing
  }
}

/**
 * Formats one timing line (pure: `now` and `since` in milliseconds).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { timingLine } from "./timing.ts";
 * strictEqual(timingLine("backend ready", 1234.4, 667), "[timing] 1.234 s (+0.567 s) backend ready");
 * ```
 */
export function timingLine(label: string, now: number, since: number): string {
  return `[timing] ${(now / 1000).toFixed(3)} s (+${((now - since) / 1000).toFixed(3)} s) ${label}`;
}

/**
 * Prints a timestamp for `label` when `DIGITKIT_TIMING=1`.
 *
 * @example
 * ```ts
 * import { timingMark } from "./timing.ts";
 * timingMark("example reached"); // prints only with DIGITKIT_TIMING=1
 * ```
 */
export function timingMark(label: string): void {
  if (!enabled()) return;
  const now = performance.now();
  console.error(timingLine(label, now, previous));
  previous = now;
}
