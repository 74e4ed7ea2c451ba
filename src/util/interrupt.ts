/**
 * Ctrl-C and `kill` for long commands: the first SIGINT or SIGTERM aborts an
 * {@link AbortSignal} that the work checks at safe points (between training batches), so it
 * can stop cleanly; a second one exits at once (outputs are atomic, so nothing is half-written).
 *
 * @module
 */

/** Exit status of a process ended by `signal` (128 + its number), as shells report it. */
export const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** A listener for interrupts; dispose it (or `using` it) when the work is done. */
export interface InterruptListener extends Disposable {
  /** Aborted at the first SIGINT/SIGTERM, with the signal's name as its reason. */
  readonly signal: AbortSignal;
}

/**
 * Listens for SIGINT and SIGTERM until disposed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { listenForInterrupts } from "./interrupt.ts";
 * using interrupts = listenForInterrupts();
 * deepStrictEqual(interrupts.signal.aborted, false);
 * ```
 */
export function listenForInterrupts(): InterruptListener {
  const controller = new AbortController();
  const handlers: [Deno.Signal, () => void][] = [];
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      if (controller.signal.aborted) Deno.exit(SIGNAL_EXIT_CODES[name]);
      controller.abort(name);
    };
    try {
      Deno.addSignalListener(name, handler);
      handlers.push([name, handler]);
    } catch {
      // SIGTERM cannot be listened for on Windows; Ctrl-C still works.
    }
  }
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
    },
  };
}
