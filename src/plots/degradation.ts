/**
 * Degradation curves: misclassification along a sweep (noise σ, blur σ, rotation…) with 95%
 * interval bands, one line per model.
 *
 * @module
 */
import type { SweepCurve } from "../evaluate/types.ts";
import { modelColorScale } from "./palette.ts";
import { chart, rateTooltip, round, type VegaLiteSpec } from "./spec.ts";

/** Human names of the kit's sweep factors (others print as-is with `_` → space). */
const FACTOR_NAMES: Record<string, string> = {
  gaussian_noise: "Gaussian noise",
  gaussian_blur: "Gaussian blur",
  salt_and_pepper: "salt-and-pepper noise",
  shot_noise: "shot (Poisson) noise",
  motion_blur: "motion blur",
  defocus_blur: "defocus blur",
  rotate: "rotation",
  resolution: "downsampling resolution",
};

/**
 * A readable name for a factor key.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { factorName } from "./degradation.ts";
 * strictEqual(factorName("gaussian_blur"), "Gaussian blur");
 * ```
 */
export function factorName(factor: string): string {
  return FACTOR_NAMES[factor] ?? factor.replaceAll("_", " ");
}

/** One point of a degradation curve: a model's misclassification at one level, with its interval. */
export interface DegradationRow {
  model: string;
  level: number;
  rate: number;
  lower: number;
  upper: number;
}

/**
 * Tidy rows behind {@link degradationSpec}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { degradationRows } from "./degradation.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 50);
 * strictEqual(degradationRows(evaluation.sweeps.slice(0, 1))[0].level, 0);
 * ```
 */
export function degradationRows(curves: SweepCurve[]): DegradationRow[] {
  return curves.flatMap((c) =>
    c.levels.map((level, i) => ({
      model: c.model,
      level,
      rate: round(c.misclassification[i], 5),
      lower: round(c.misclassificationCi[i].lower, 5),
      upper: round(c.misclassificationCi[i].upper, 5),
    }))
  );
}

/**
 * Misclassification vs level of one sweep factor for several models (pass the curves of one
 * factor and test set).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { degradationSpec } from "./degradation.ts";
 * const spec = degradationSpec([{
 *   model: "mlp", testSet: "mnist-test", factor: "gaussian_blur", unit: "σ (pixels)",
 *   levels: [0, 1], misclassification: [0.02, 0.1],
 *   misclassificationCi: [{ lower: 0.01, upper: 0.03 }, { lower: 0.08, upper: 0.12 }],
 *   perClass: [],
 * }]);
 * strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function degradationSpec(
  curves: SweepCurve[],
  models: readonly string[] = curves.map((c) => c.model),
): VegaLiteSpec {
  const first = curves[0];
  const factor = first ? factorName(first.factor) : "sweep";
  const color = {
    field: "model",
    type: "nominal",
    title: "model",
    scale: modelColorScale(models),
    // The bands' low opacity would otherwise fade the legend swatches too.
    legend: { symbolOpacity: 1 },
  };
  const x = { field: "level", type: "quantitative", title: `${factor}: ${first?.unit ?? "level"}` };
  const tooltip = [
    { field: "model" },
    { field: "level", type: "quantitative", title: first?.unit ?? "level" },
    ...rateTooltip(),
  ];
  return chart(`Degradation under ${factor} (${first?.testSet ?? ""})`, {
    description: `Misclassification rate vs ${factor} level, one line per model`,
    data: { values: degradationRows(curves) },
    width: 360,
    height: 220,
    encoding: { x, color },
    layer: [
      ...bandLineLayers("rate", "lower", "upper", "misclassification rate (%)", tooltip),
      levelRule(models),
    ],
  }, "bands: 95% Wilson score intervals; hover shows every model at that level");
}

/** Vega-Lite reads `.` and `[]` in field names as paths; model names are plain keys. */
function fieldName(name: string): string {
  return name.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/**
 * A vertical rule at the level under the pointer whose tooltip lists every model's error and
 * interval at that level (Vega-Lite's nearest point selection over the pivoted rows).
 */
function levelRule(models: readonly string[]): Record<string, unknown> {
  return {
    transform: [
      {
        calculate: "format(datum.rate, '.2%') + ' [' + format(100 * datum.lower, '.2f') + ', ' + " +
          "format(100 * datum.upper, '.2f') + ']'",
        as: "label",
      },
      // One label per (level, model): "max" keeps the string (the default "sum" would not).
      { pivot: "model", value: "label", groupby: ["level"], op: "max" },
    ],
    params: [{
      name: "hover",
      select: {
        type: "point",
        fields: ["level"],
        nearest: true,
        on: "pointerover",
        clear: "pointerout",
      },
    }],
    mark: { type: "rule", color: "#666" },
    encoding: {
      color: { value: "#666" },
      opacity: { condition: { param: "hover", empty: false, value: 0.5 }, value: 0 },
      tooltip: [
        { field: "level", type: "quantitative", title: "level" },
        ...models.map((m) => ({ field: fieldName(m), type: "nominal", title: `${m} [95% CI]` })),
      ],
    },
  };
}

/**
 * A line of `value` with points over a shaded band from `lower` to `upper`: the layers of every
 * error-vs-level chart (encode x and colour on the parent).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { bandLineLayers } from "./degradation.ts";
 * strictEqual(bandLineLayers("rate", "lower", "upper", "error", []).length, 2);
 * ```
 */
export function bandLineLayers(
  value: string,
  lower: string,
  upper: string,
  title: string,
  tooltip: unknown[],
): Record<string, unknown>[] {
  return [
    {
      mark: { type: "area", opacity: 0.2 },
      encoding: { y: { field: lower, type: "quantitative" }, y2: { field: upper } },
    },
    {
      mark: { type: "line", point: true },
      encoding: {
        y: { field: value, type: "quantitative", title, axis: { format: ".0%" } },
        tooltip,
      },
    },
  ];
}
