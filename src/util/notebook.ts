/**
 * Notebook outputs that update in place: a display slot owns one Jupyter `display_id` and
 * replaces its output on every `show`, so progress lines and live charts need no bookkeeping.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { displaySlot } from "./notebook.ts";
 * const calls: boolean[] = [];
 * const slot = displaySlot({ display: (_bundle, options) => void calls.push(options.update) });
 * await slot.show({ "text/plain": "one" });
 * await slot.show({ "text/plain": "two" });
 * deepStrictEqual(calls, [false, true]);
 * ```
 *
 * @module
 */

/** `Deno.jupyter.display`'s shape (replaceable in tests). */
export type DisplayFn<Bundle = Record<string, unknown>> = (
  bundle: Bundle,
  options: { raw: boolean; display_id: string; update: boolean },
) => Promise<void> | void;

/** One output of a notebook cell, shown first and then replaced in place. */
export interface DisplaySlot<Bundle = Record<string, unknown>> {
  /** The slot's `display_id`. */
  readonly id: string;
  /** Shows `bundle` (a MIME bundle), replacing what the slot showed before. */
  show(bundle: Bundle): Promise<void>;
}

/** Options of {@link displaySlot}. */
export interface DisplaySlotOptions<Bundle> {
  /** Defaults to `Deno.jupyter.display`. */
  display?: DisplayFn<Bundle>;
  /** The `display_id`; a fresh `${prefix}-<uuid>` by default. */
  id?: string;
  prefix?: string;
}

/**
 * A fresh display slot (`display` defaults to `Deno.jupyter.display`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { displaySlot } from "./notebook.ts";
 * ok(displaySlot({ display: () => {}, prefix: "progress" }).id.startsWith("progress-"));
 * ```
 */
export function displaySlot<Bundle extends Record<string, unknown> = Record<string, unknown>>(
  options: DisplaySlotOptions<Bundle> = {},
): DisplaySlot<Bundle> {
  const show: DisplayFn<Bundle> = options.display ??
    ((bundle, opts) => Deno.jupyter.display(bundle, opts));
  const id = options.id ?? `${options.prefix ?? "digitkit"}-${crypto.randomUUID()}`;
  let shown = false;
  return {
    id,
    async show(bundle) {
      const update = shown;
      shown = true;
      await show(bundle, { raw: true, display_id: id, update });
    },
  };
}

/**
 * A progress callback (`(text) => void`, as `evaluate`'s `progress` option takes) that shows
 * the latest line in one notebook output, updated in place.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { liveText } from "./notebook.ts";
 * const shown: unknown[] = [];
 * const progress = liveText((bundle) => void shown.push(bundle["text/plain"]));
 * progress("\r[###   ] 50%  ");
 * deepStrictEqual(shown, ["[###   ] 50%"]);
 * ```
 */
export function liveText(display?: DisplayFn): (text: string) => void {
  const slot = displaySlot({ display, prefix: "digitkit-progress" });
  return (text) => void slot.show({ "text/plain": text.replace(/\r/g, "").trim() });
}
