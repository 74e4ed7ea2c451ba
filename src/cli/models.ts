/**
 * `kit models`: every model spec with its parameter count, layer table and default recipe.
 *
 * @example
 * ```sh
 * deno task kit models --json
 * deno task kit models --model kaggle-digit-recognizer
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatLayerTable, summarizeModel } from "../models/summary.ts";
import { getModelSpec, MODEL_ZOO } from "../models/zoo.ts";
import { parseFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";

/** `--help` text. */
export const help = `usage: deno task kit models [--model NAME] [--json]

Lists the model zoo: parameter count, layer table (output shapes, parameters per layer),
preprocessing, source and default training recipe of every model spec.

  --model NAME   only this model
  --json         one JSON object: {models: [{name, params, trainableParams, defaultRecipe,
                 preprocessing, init, description, source, layers: [{name, type, outputShape,
                 params}], spec}]}`;

/**
 * Runs `kit models`.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { run } from "./models.ts";
 * const result = await run(["--model", "mlp"]);
 * match(result.text ?? "", /^total 235,146 parameters \(235,146 trainable\)$/m);
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, { model: { type: "string" } });
  // Building specs only needs shapes; the pure-JS backend avoids loading native code.
  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
  const names = values.model ? [values.model] : Object.keys(MODEL_ZOO);
  const models = names.map((name) => {
    const spec = getModelSpec(name);
    const summary = summarizeModel(spec);
    return {
      name,
      params: summary.totalParams,
      trainableParams: summary.trainableParams,
      defaultRecipe: spec.defaultRecipe,
      preprocessing: spec.preprocessing,
      init: spec.init,
      description: spec.description,
      source: spec.source,
      layers: summary.rows,
      spec,
      table: formatLayerTable(summary),
    };
  });
  const text = models.map((m) =>
    `${m.table}\npreprocessing ${m.preprocessing}, init ${m.init}, default recipe ` +
    `${m.defaultRecipe}\nsource: ${m.source}\n`
  ).join("\n");
  return { json: { models: models.map(({ table: _table, ...m }) => m) }, text };
}
