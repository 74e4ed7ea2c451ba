/**
 * Backend choice as a pure function: which of the available backends a `--backend` value picks.
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";

/** The backends digitkit knows, fastest first: the order `auto` tries them in. */
export const BACKENDS_BY_SPEED = ["tensorflow", "wasm", "cpu"] as const;

/** A concrete backend name. */
export type BackendName = typeof BACKENDS_BY_SPEED[number];

/** What a user may ask for: a concrete backend, or `auto` for the fastest available one. */
export type BackendChoice = BackendName | "auto";

/**
 * Parses a `--backend` value.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseBackendChoice } from "./select.ts";
 * strictEqual(parseBackendChoice(undefined), "auto");
 * strictEqual(parseBackendChoice("wasm"), "wasm");
 * ```
 */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  if (value === undefined || value === "auto") return "auto";
  if ((BACKENDS_BY_SPEED as readonly string[]).includes(value)) return value as BackendName;
  throw new UsageError(
    `--backend must be one of auto, ${BACKENDS_BY_SPEED.join(", ")}; got '${value}'`,
  );
}

/**
 * Picks the backend for `choice` given which backends are available and, for those that are
 * not, why. `auto` takes the fastest available; an explicit choice that is unavailable is a
 * {@link UsageError} carrying the reason.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { chooseBackend } from "./select.ts";
 * strictEqual(chooseBackend("auto", ["wasm", "cpu"]), "wasm");
 * strictEqual(chooseBackend("cpu", ["tensorflow", "cpu"]), "cpu");
 * ```
 */
export function chooseBackend(
  choice: BackendChoice,
  available: readonly BackendName[],
  unavailableReasons: Partial<Record<BackendName, string>> = {},
): BackendName {
  if (choice === "auto") {
    const fastest = BACKENDS_BY_SPEED.find((name) => available.includes(name));
    if (!fastest) throw new UsageError("no TensorFlow.js backend is available");
    return fastest;
  }
  if (available.includes(choice)) return choice;
  const reason = unavailableReasons[choice];
  throw new UsageError(`backend '${choice}' is not available${reason ? `: ${reason}` : ""}`);
}
