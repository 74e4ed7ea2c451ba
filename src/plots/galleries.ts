/**
 * Galleries of digits for notebooks and reports: samples per class from several datasets,
 * augmentation presets side by side, every corruption at every severity, and the class balance
 * of datasets.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionExamples, corruptionGridCells } from "./galleries.ts";
 * const digit = new Float32Array(784).fill(0.5);
 * const cells = corruptionGridCells(corruptionExamples(digit, ["impulse_noise"], 0));
 * strictEqual(cells.length, 6); // severities 0…5
 * ```
 *
 * @module
 */
import { corrupt } from "../augment/corruptions.ts";
import { applyPipeline, type Pipeline } from "../augment/pipeline.ts";
import { countClasses } from "../data/ops.ts";
import { stratifiedSample } from "../data/split.ts";
import type { DigitDataset } from "../data/types.ts";
import { Random } from "../util/random.ts";
import type {
  Condition,
  ConditionResult,
  EvaluationResult,
  MisclassifiedExample,
} from "../evaluate/types.ts";
import { digitAt } from "./digit_image.ts";
import type { CorruptionErrorExample } from "./linked.ts";
import type { GridCell } from "./image_grid.ts";
import { chart, type VegaLiteSpec } from "./spec.ts";

/**
 * `perClass` digits of every class from each dataset (stratified, seeded): one row per class,
 * columns `${key}1`, `${key}2`, … per dataset key.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sampleGridCells } from "./galleries.ts";
 * import { codedDigits } from "../testing.ts";
 * const cells = sampleGridCells({ A: codedDigits(40) }, 2, 0);
 * deepStrictEqual(cells.slice(0, 2).map((c) => [c.row, c.column]), [["0", "A1"], ["0", "A2"]]);
 * ```
 */
export function sampleGridCells(
  sets: Readonly<Record<string, DigitDataset>>,
  perClass: number,
  seed: number,
): GridCell[] {
  const cells: GridCell[] = [];
  for (const [key, dataset] of Object.entries(sets)) {
    const sample = stratifiedSample(dataset, dataset.classNames.length * perClass, seed);
    const taken = new Array(sample.classNames.length).fill(0);
    for (let i = 0; i < sample.count; i++) {
      const label = sample.labels[i];
      cells.push({
        pixels: digitAt(sample.images, i),
        row: sample.classNames[label],
        column: `${key}${++taken[label]}`,
        details: { dataset: sample.name },
      });
    }
  }
  return cells.sort((a, b) => a.row.localeCompare(b.row));
}

/**
 * The same `count` digits (pixels in [0, 1]) as a row `original` and one row per non-empty
 * augmentation pipeline, each applied with `new Random(seed)`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { augmentationGridCells } from "./galleries.ts";
 * const cells = augmentationGridCells(new Float32Array(2 * 784), 2,
 *   { none: [], rotated: [{ op: "affine", rotate: 10 }] }, 0);
 * deepStrictEqual([...new Set(cells.map((c) => c.row))], ["original", "rotated"]);
 * ```
 */
export function augmentationGridCells(
  images: Float32Array,
  count: number,
  pipelines: Readonly<Record<string, Pipeline>>,
  seed: number,
): GridCell[] {
  const cells: GridCell[] = [];
  const addRow = (row: string, pixels: Float32Array) => {
    for (let i = 0; i < count; i++) {
      cells.push({ pixels: digitAt(pixels, i), row, column: String(i + 1) });
    }
  };
  addRow("original", images);
  for (const [name, pipeline] of Object.entries(pipelines)) {
    if (pipeline.length > 0) {
      addRow(name, applyPipeline(images.slice(), count, pipeline, new Random(seed)));
    }
  }
  return cells;
}

/** One digit under one corruption at one severity (0 = clean). */
export interface CorruptionExample {
  corruption: string;
  severity: number;
  /** 784 uint8 pixels. */
  pixels: Uint8Array;
}

/**
 * One digit (784 pixels in [0, 1]) under every named corruption at severities 0…5.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { corruptionExamples } from "./galleries.ts";
 * const examples = corruptionExamples(new Float32Array(784), ["motion_blur"], 0);
 * deepStrictEqual(examples.map((e) => e.severity), [0, 1, 2, 3, 4, 5]);
 * ```
 */
export function corruptionExamples(
  digit: Float32Array,
  corruptions: readonly string[],
  seed: number,
): CorruptionExample[] {
  return corruptions.flatMap((corruption) =>
    [0, 1, 2, 3, 4, 5].map((severity) => ({
      corruption,
      severity,
      pixels: digitAt(
        corrupt(digit, 1, corruption, severity, seed, { ids: new Uint32Array([0]) }),
        0,
      ),
    }))
  );
}

/**
 * Each model's errors under each corruption and severity on `testSet`, as the digits the models
 * saw: up to `perSeverity` of its most confident mistakes per (model, corruption, severity),
 * re-rendered from the clean `images` with the evaluation's `seed` (corruptions draw per item
 * id, so an item corrupts as it did in the evaluation), each with every model's prediction
 * (from `evaluation.predictions`; without them, from the stored mistakes, `null` where those
 * are capped and omit the item).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { corruptionErrorExamples } from "./galleries.ts";
 * import { syntheticEvaluation } from "../report/synthetic.ts";
 * const { evaluation, images } = syntheticEvaluation(["mlp", "cnn"], [0.2, 0.1], 100);
 * const examples = corruptionErrorExamples(evaluation, "synthetic-test", images, 0, 2);
 * const one = examples.find((e) => e.model === "mlp" && e.corruption === "fog" && e.severity === 3)!;
 * strictEqual(one.predictions.mlp !== one.trueLabel, true);
 * strictEqual(typeof one.predictions.cnn, "number");
 * ```
 */
export function corruptionErrorExamples(
  evaluation: Pick<EvaluationResult, "conditions" | "predictions">,
  testSet: string,
  images: Uint8Array | Float32Array,
  seed: number,
  perSeverity = 4,
): CorruptionErrorExample[] {
  const key = (c: Condition & { model: string }) => `${c.model}|${c.kind}|${c.factor}|${c.level}`;
  const predicted = new Map(
    evaluation.predictions.filter((p) => p.testSet === testSet).map((p) => [key(p), p.predicted]),
  );
  // The clean condition is the heatmap's first row; its errors need no re-rendering.
  const shown = evaluation.conditions.filter((c) =>
    c.testSet === testSet && (c.kind === "corruption" || c.kind === "clean")
  );
  const examples: CorruptionErrorExample[] = [];
  for (const result of shown) {
    const peers = shown.filter((c) =>
      c.kind === result.kind && c.factor === result.factor && c.level === result.level
    );
    const predictionOf = (peer: ConditionResult, m: MisclassifiedExample): number | null => {
      const all = predicted.get(key(peer));
      if (all) return all[m.index];
      const wrong = peer.misclassified.find((x) => x.index === m.index);
      const complete = peer.misclassified.length === peer.misclassifiedCount;
      return wrong ? wrong.predicted : complete ? m.trueLabel : null;
    };
    for (const m of result.misclassified.slice(0, perSeverity)) {
      const clean = Float32Array.from(digitAt(images, m.index), (v) => v / 255);
      const pixels = result.kind === "clean"
        ? clean
        : corrupt(clean, 1, result.factor, result.level, seed, { ids: [m.id] });
      examples.push({
        corruption: result.kind === "clean" ? "clean" : result.factor,
        severity: result.kind === "clean" ? 0 : result.level,
        model: result.model,
        trueLabel: m.trueLabel,
        predictions: Object.fromEntries(peers.map((p) => [p.model, predictionOf(p, m)])),
        pixels: digitAt(pixels, 0),
      });
    }
  }
  return examples;
}

/**
 * Corruption examples as grid cells: a row per corruption, a column per severity.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { corruptionGridCells } from "./galleries.ts";
 * const cells = corruptionGridCells([{ corruption: "fog", severity: 2, pixels: new Uint8Array(784) }]);
 * deepStrictEqual([cells[0].row, cells[0].column], ["fog", "2"]);
 * ```
 */
export function corruptionGridCells(examples: readonly CorruptionExample[]): GridCell[] {
  return examples.map((e) => ({ pixels: e.pixels, row: e.corruption, column: String(e.severity) }));
}

/**
 * Grouped bars of each digit's share of each dataset (keys are the legend's names).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { classBalanceSpec } from "./galleries.ts";
 * import { codedDigits } from "../testing.ts";
 * const spec = classBalanceSpec({ coded: codedDigits(20) });
 * strictEqual((spec.data as { values: unknown[] }).values.length, 10);
 * ```
 */
export function classBalanceSpec(sets: Readonly<Record<string, DigitDataset>>): VegaLiteSpec {
  const values = Object.entries(sets).flatMap(([dataset, ds]) =>
    countClasses(ds).perClass.map((count, label) => ({
      dataset,
      digit: ds.classNames[label],
      share: count / ds.count,
      count,
    }))
  );
  return chart("Class balance", {
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "digit", type: "nominal", title: "digit" },
      xOffset: { field: "dataset" },
      y: { field: "share", type: "quantitative", title: "share of dataset", axis: { format: "%" } },
      color: { field: "dataset", type: "nominal" },
    },
    width: 480,
    height: 220,
  }, "share of each digit per dataset");
}
