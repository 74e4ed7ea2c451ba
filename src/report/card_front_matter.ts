/**
 * YAML front matter of a model card in the Hugging Face Hub's format (`model-index` with task,
 * dataset and metric values, `co2_eq_emissions`, license, tags), so `card-<model>.md` can be a
 * model repository's README.md unchanged.
 *
 * @module
 */
import { stringify } from "yaml";
import { estimateEnergy, hardwareOf } from "./card_environment.ts";
import type { ReportInput } from "./input.ts";
import { DEFAULT_METADATA } from "./metadata.ts";

/** The Hub's dataset `type` and split for a test set named by the kit's loaders. */
function hubDataset(name: string): { type: string; split: string } {
  const type = /emnist/i.test(name)
    ? "emnist"
    : /kaggle|digit-recognizer/i.test(name)
    ? "digit-recognizer"
    : /mnist/i.test(name)
    ? "mnist"
    : name;
  const split = /train/i.test(name) ? "train" : /valid/i.test(name) ? "validation" : "test";
  return { type, split };
}

/** Licenses the Hub accepts are identifiers such as `mit` or `cc-by-4.0`; anything else is `other`. */
function hubLicense(license: string): string {
  return /^[a-z0-9][a-z0-9.+-]*$/i.test(license) ? license.toLowerCase() : "other";
}

/** Rounds to 6 significant digits so the YAML shows readable values. */
const round = (x: number) => Number(x.toPrecision(6));

/**
 * The Hub metadata of `model`'s card as an object (see {@link cardFrontMatter}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { hubMetadata } from "./card_front_matter.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 100);
 * const meta = hubMetadata({ runName: "r", evaluation, reproducibility: { command: "", seeds: {},
 *   backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } }, "a");
 * strictEqual(meta["model-index"][0].name, "a");
 * ```
 */
export function hubMetadata(input: ReportInput, model: string) {
  const meta = input.metadata ?? DEFAULT_METADATA;
  const clean = input.evaluation.conditions.filter((c) => c.kind === "clean" && c.model === model);
  const types = [...new Set(clean.map((c) => hubDataset(c.testSet).type))];
  const compute = input.training?.find((t) => t.model === model)?.compute;
  return {
    license: hubLicense(meta.license),
    pipeline_tag: "image-classification",
    tags: ["image-classification", "handwritten-digits", "digitkit", "tfjs"],
    datasets: types,
    metrics: ["accuracy", "f1"],
    ...(compute
      ? {
        co2_eq_emissions: {
          emissions: round(estimateEnergy(compute, meta).co2Grams),
          source: `digitkit estimate: ${estimateEnergy(compute, meta).method}`,
          training_type: "pre-training",
          geographical_location: meta.computeRegion,
          hardware_used: hardwareOf(compute),
        },
      }
      : {}),
    "model-index": [{
      name: model,
      results: clean.map((c) => ({
        task: { type: "image-classification", name: "Image Classification" },
        dataset: { name: c.testSet, ...hubDataset(c.testSet) },
        metrics: [
          { type: "accuracy", value: round(c.overall.accuracy), name: "Accuracy" },
          {
            type: "f1",
            value: round(c.report.macro.f1),
            name: "Macro F1",
            args: { average: "macro" },
          },
        ],
      })),
    }],
  };
}

/**
 * `---`-fenced YAML front matter for `model`'s card: the Hub's `model-index` (task
 * `image-classification`, each clean test set with its accuracy and macro F1), license, tags,
 * datasets and, when training was measured, `co2_eq_emissions` in grams.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parse } from "yaml";
 * import { cardFrontMatter } from "./card_front_matter.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 100);
 * const text = cardFrontMatter({ runName: "r", evaluation, reproducibility: { command: "",
 *   seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } }, "a");
 * const yaml = parse(text.split("---\n")[1]);
 * strictEqual(yaml["model-index"][0].results[0].task.type, "image-classification");
 * ```
 */
export function cardFrontMatter(input: ReportInput, model: string): string {
  return `---\n${stringify(hubMetadata(input, model), { lineWidth: 0 })}---\n\n`;
}
