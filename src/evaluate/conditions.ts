/**
 * The bridge to `src/augment`: the catalog of its sweeps and MNIST-C corruptions for the
 * suites, and the renderer that produces a condition's images with them.
 *
 * @module
 */
import { applySweep, SWEEPS } from "../augment/sweeps.ts";
import { corrupt, CORRUPTION_NAMES } from "../augment/corruptions.ts";
import type { RenderCondition } from "./runner.ts";
import { type ConditionCatalog, resolveSuite, type Suite } from "./suites.ts";
import type { Condition } from "./types.ts";

/**
 * Every sweep (default grids) and corruption (severities 1…5) that `src/augment` provides.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { augmentCatalog } from "./conditions.ts";
 * strictEqual(augmentCatalog().corruptions.length, 15);
 * ```
 */
export function augmentCatalog(): ConditionCatalog {
  return {
    sweeps: SWEEPS.map((s) => ({ factor: s.name, unit: s.unit, levels: s.grid })),
    corruptions: CORRUPTION_NAMES,
    severities: [1, 2, 3, 4, 5],
  };
}

/**
 * A named suite over the augment catalog.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { augmentSuite } from "./conditions.ts";
 * strictEqual(augmentSuite("quick").conditions.length, 19);
 * ```
 */
export function augmentSuite(name: string): Suite {
  return resolveSuite(name, augmentCatalog());
}

/**
 * Renders sweeps with `applySweep` and corruptions with `corrupt`, seeded per item id, into a
 * buffer reused across conditions (the runner consumes one condition before the next).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { augmentRenderer } from "./conditions.ts";
 * const render = augmentRenderer();
 * const out = await render(new Float32Array(784), 1,
 *   { kind: "sweep", factor: "gaussian_noise", level: 0.5 }, 0, new Uint32Array([7]));
 * ok(out.some((v) => v > 0));
 * ```
 */
export function augmentRenderer(): RenderCondition {
  let buffer = new Float32Array(0);
  return (images, count, condition, seed, ids) => {
    if (buffer.length !== images.length) buffer = new Float32Array(images.length);
    const options = { ids, out: buffer };
    return condition.kind === "corruption"
      ? corrupt(images, count, condition.factor, condition.level, seed, options)
      : applySweep(images, count, condition.factor, condition.level, seed, options);
  };
}

/** The suite part of `evaluate`'s options: what to evaluate and how to render it. */
export interface SuiteOptions {
  suite: string;
  conditions: Condition[];
  units: Record<string, string>;
  render: RenderCondition;
}

/**
 * `evaluate` options for a suite (a name, or a resolved {@link Suite}) over the augment catalog,
 * rendered by {@link augmentRenderer}: spread them into `evaluate`/`evaluateToDirectory` options.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { suiteOptions } from "./conditions.ts";
 * const options = suiteOptions("quick");
 * strictEqual(options.suite, "quick");
 * strictEqual(typeof options.render, "function");
 * ```
 */
export function suiteOptions(suite: string | Suite): SuiteOptions {
  const { name, conditions, units } = typeof suite === "string" ? augmentSuite(suite) : suite;
  return { suite: name, conditions, units, render: augmentRenderer() };
}
