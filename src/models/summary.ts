/**
 * Layer tables of model specs (type, output shape, parameters), for `kit models` and the report.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { buildModel, PAD_SUFFIX, PREPROCESS_LAYER } from "./build.ts";
import { layerName, type LayerSpec, type ModelSpec } from "./spec.ts";

/** One row of a layer table. */
export interface LayerRow {
  /** Layer name in the built model. */
  name: string;
  /** Spec kind plus its hyper-parameters, e.g. `conv 32@3×3 relu`. */
  type: string;
  /** Output shape without the batch axis, e.g. [26, 26, 32]. */
  outputShape: number[];
  /** Parameters of this layer (including non-trainable batch-norm statistics). */
  params: number;
}

/** A model's layer table and totals. */
export interface ModelSummary {
  name: string;
  rows: LayerRow[];
  totalParams: number;
  trainableParams: number;
}

/**
 * Builds `spec` (on the current backend), reads each layer's output shape and parameter count,
 * and disposes the model. Numeric-padding convs count as one row.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { summarizeModel } from "./summary.ts";
 * import { getModelSpec } from "./zoo.ts";
 * await tf.setBackend("cpu");
 * strictEqual(summarizeModel(getModelSpec("keras-mnist-convnet")).totalParams, 34826);
 * ```
 */
export function summarizeModel(spec: ModelSpec): ModelSummary {
  const model = buildModel(spec);
  try {
    const byName = new Map(model.layers.map((l) => [l.name, l]));
    const preprocess = byName.get(PREPROCESS_LAYER)!;
    const rows: LayerRow[] = [{
      name: PREPROCESS_LAYER,
      type: spec.preprocessing === "symmetric" ? "rescale to [-1, 1]" : "input [0, 1]",
      outputShape: shapeOf(preprocess),
      params: 0,
    }];
    spec.layers.forEach((layer, i) => {
      const name = layerName(layer, i);
      const tfLayer = byName.get(name)!;
      const pad = byName.get(name + PAD_SUFFIX);
      rows.push({
        name,
        type: describeLayer(layer),
        outputShape: shapeOf(tfLayer),
        params: tfLayer.countParams() + (pad ? pad.countParams() : 0),
      });
    });
    const trainableParams = model.trainableWeights
      .reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
    return { name: spec.name, rows, totalParams: model.countParams(), trainableParams };
  } finally {
    model.dispose();
  }
}

/**
 * Formats a summary as a fixed-width text table (one row per layer, then the totals).
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { formatLayerTable, summarizeModel } from "./summary.ts";
 * import { getModelSpec } from "./zoo.ts";
 * await tf.setBackend("cpu");
 * const table = formatLayerTable(summarizeModel(getModelSpec("mlp")));
 * match(table, /^fc1 +dense 256 relu +256 +200,960$/m);
 * match(table, /total 235,146 parameters \(235,146 trainable\)$/);
 * ```
 */
export function formatLayerTable(summary: ModelSummary): string {
  const header = ["layer", "type", "output shape", "params"];
  const body = summary.rows.map((r) => [
    r.name,
    r.type,
    r.outputShape.join("×"),
    r.params.toLocaleString("en-US"),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join("  ");
  return [
    `${summary.name}`,
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    `total ${summary.totalParams.toLocaleString("en-US")} parameters ` +
    `(${summary.trainableParams.toLocaleString("en-US")} trainable)`,
  ].join("\n");
}

/**
 * A short human description of one layer spec.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { describeLayer } from "./summary.ts";
 * strictEqual(describeLayer({ kind: "conv", filters: 32, kernel: 5, padding: 1 }), "conv 32@5×5 pad 1");
 * ```
 */
export function describeLayer(layer: LayerSpec): string {
  switch (layer.kind) {
    case "conv": {
      const pad = layer.padding ?? "valid";
      const parts = [`conv ${layer.filters}@${layer.kernel}×${layer.kernel}`];
      if (layer.stride && layer.stride !== 1) parts.push(`stride ${layer.stride}`);
      parts.push(typeof pad === "number" ? `pad ${pad}` : pad);
      if (layer.activation && layer.activation !== "linear") parts.push(layer.activation);
      return parts.join(" ");
    }
    case "max-pool":
    case "avg-pool":
      return `${layer.kind} ${layer.size}×${layer.size}` +
        (layer.stride && layer.stride !== layer.size ? ` stride ${layer.stride}` : "");
    case "dense":
      return `dense ${layer.units}` +
        (layer.activation && layer.activation !== "linear" ? ` ${layer.activation}` : "");
    case "dropout":
      return `dropout ${layer.rate}`;
    case "batch-norm":
      return "batch-norm";
    case "activation":
      return layer.activation;
    case "flatten":
    case "global-avg-pool":
      return layer.kind;
  }
}

function shapeOf(layer: tf.layers.Layer): number[] {
  const shape = layer.outputShape as (number | null)[];
  return shape.slice(1).map((d) => d ?? -1);
}
