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
    layer: bandLineLayers("rate", "lower", "upper", "misclassification rate (%)", tooltip),
  }, "bands: 95% Wilson score intervals");
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
