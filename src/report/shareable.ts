/**
 * What makes a report folder self-contained, so someone who receives it can recompute every
 * figure and re-run every model: `predictions.csv` (the same writer as `kit eval`), each trained
 * model as a run folder `models/<model>/` (`model.json`, `weights.bin`, `run.json`: loadable with
 * `kit eval --model`), and `REPRODUCE.md` with the exact command, versions and machine.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { cpus, release } from "node:os";
import type { ItemPredictions } from "../evaluate/runner.ts";
import { predictionsHeader, predictionsRows } from "../evaluate/predictions_csv.ts";
import type { EvaluationResult } from "../evaluate/types.ts";
import { fileHandler, MODEL_JSON, WEIGHTS_BIN } from "../train/file_io.ts";
import { RUN_JSON } from "../train/run_record.ts";
import { slug } from "./input.ts";
import type { Reproducibility } from "./input.ts";
import type { ReportFiles } from "./write.ts";
import { concatBytes } from "../util/bytes.ts";

/** File name of the per-item predictions in a report folder. */
export const PREDICTIONS_CSV = "predictions.csv";

/** Collects an evaluation's per-item predictions as `predictions.csv` text. */
export interface PredictionsCollector {
  /** Pass as `evaluate`'s `onPredictions`. */
  onPredictions: (p: ItemPredictions) => void;
  /** The CSV (header and every row so far) as UTF-8 bytes. */
  bytes(): Uint8Array;
}

/**
 * A collector of predictions in `kit eval`'s `predictions.csv` format.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { collectPredictions } from "./shareable.ts";
 * const csv = collectPredictions();
 * csv.onPredictions({ model: "m", testSet: "t", kind: "clean", factor: "clean", level: 0,
 *   ids: new Uint32Array([7]), labels: new Uint8Array([3]), predicted: new Uint8Array([5]),
 *   confidence: new Float32Array([0.5]) });
 * strictEqual(new TextDecoder().decode(csv.bytes()).split("\n")[1], "m,t,clean,clean,0,7,3,5,0.5");
 * ```
 */
export function collectPredictions(): PredictionsCollector {
  // Encoded per condition: a full-profile CSV can pass V8's ~512 MB limit on one string.
  const encoder = new TextEncoder();
  const chunks = [encoder.encode(predictionsHeader())];
  return {
    onPredictions: (p) => void chunks.push(encoder.encode(predictionsRows(p))),
    bytes: () => concatBytes(...chunks),
  };
}

/**
 * The folder (inside a report) that holds `model`'s run folder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { modelFolder } from "./shareable.ts";
 * strictEqual(modelFolder("LeNet-5"), "models/lenet-5");
 * ```
 */
export function modelFolder(model: string): string {
  return `models/${slug(model)}`;
}

/**
 * The files of a run folder for a trained `model` (`model.json`, `weights.bin` in the format
 * `kit train` writes, and `run.json` holding `record`), under {@link modelFolder}`(name)`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { modelFolderFiles } from "./shareable.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const files = await modelFolderFiles("tiny", model, { name: "tiny/none" });
 * deepStrictEqual([...files.keys()], [
 *   "models/tiny/model.json", "models/tiny/weights.bin", "models/tiny/run.json",
 * ]);
 * ```
 */
export async function modelFolderFiles(
  name: string,
  model: tf.LayersModel,
  record: Record<string, unknown>,
): Promise<ReportFiles> {
  // The run-folder writer of src/train, so a report's models load like any run's.
  const temp = await Deno.makeTempDir({ prefix: "digitkit-model-" });
  try {
    await model.save(fileHandler(temp));
    const folder = modelFolder(name);
    const files: ReportFiles = new Map();
    files.set(`${folder}/${MODEL_JSON}`, await Deno.readTextFile(join(temp, MODEL_JSON)));
    files.set(`${folder}/${WEIGHTS_BIN}`, await Deno.readFile(join(temp, WEIGHTS_BIN)));
    files.set(`${folder}/${RUN_JSON}`, JSON.stringify(record, null, 2) + "\n");
    return files;
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

/** The machine a report was made on, as `REPRODUCE.md` states it. */
export function machineFacts(): Record<string, string> {
  const info = cpus();
  return {
    os: `${Deno.build.os} ${release()} (${Deno.build.target})`,
    cpu: `${info[0]?.model?.trim() || "unknown"}, ${navigator.hardwareConcurrency} logical cores`,
    memory: `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`,
  };
}

/**
 * `REPRODUCE.md`: the command that made the report, the kit commit, every version, seed and the
 * machine, and how to reuse what the folder holds.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { reproduceMarkdown } from "./shareable.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 20);
 * const text = reproduceMarkdown({ command: "deno task report --out x", seeds: { training: 1 },
 *   backend: "cpu", versions: { kit: "0.1.0" }, gitCommit: "abc", wallSeconds: {} }, evaluation,
 *   ["a"]);
 * match(text, /deno task report --out x/);
 * match(text, /kit eval --model REPORT_DIR\/models\/a/);
 * ```
 */
export function reproduceMarkdown(
  repro: Reproducibility,
  evaluation: EvaluationResult,
  models: string[],
): string {
  const versions = { ...evaluation.metadata.versions, ...repro.versions };
  const rows = [
    ["kit git commit", repro.gitCommit],
    ["backend", repro.backend],
    ...Object.entries(versions).map(([k, v]) => [`version: ${k}`, v]),
    ...Object.entries({ ...repro.seeds, evaluation: evaluation.metadata.seed })
      .map(([k, v]) => [`seed (${k})`, String(v)]),
    ...Object.entries(machineFacts()),
  ];
  return [
    "# Reproducing this report",
    "",
    `From a clone of digitkit at commit \`${repro.gitCommit}\` (\`git checkout ${repro.gitCommit}\`):`,
    "",
    "```sh",
    repro.command,
    "```",
    "",
    "| fact | value |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v.replaceAll("|", "\\|")} |`),
    "",
    "## What this folder holds",
    "",
    `- \`${PREDICTIONS_CSV}\`: one row per model, test set, condition and item (true label, ` +
    "predicted label, confidence): every metric of `results.json` and `metrics.csv` can be " +
    "recomputed from it.",
    "- `models/<model>/`: each trained model (`model.json` + `weights.bin`, tfjs layers format) " +
    "with its `run.json` (spec, recipe, seed, history, compute used). Evaluate one again from " +
    "the digitkit clone, with `REPORT_DIR` this folder:",
    "",
    "```sh",
    ...models.slice(0, 1).map((m) =>
      `deno task kit eval --model REPORT_DIR/${modelFolder(m)} --dataset mnist --suite quick --json`
    ),
    "```",
    "",
  ].join("\n");
}

/**
 * The files that make a report folder self-contained besides `REPRODUCE.md` (which
 * `buildReport` writes for every report): `predictions.csv` and each model's `models/<model>/`.
 * Pass them as the report input's `attachments`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { collectPredictions, shareableFiles } from "./shareable.ts";
 * const models = [new Map([["models/a/run.json", "{}"]])];
 * deepStrictEqual([...shareableFiles(collectPredictions(), models).keys()], [
 *   "predictions.csv", "models/a/run.json",
 * ]);
 * ```
 */
export function shareableFiles(
  predictions: PredictionsCollector,
  models: ReportFiles[],
): ReportFiles {
  const files: ReportFiles = new Map([[PREDICTIONS_CSV, predictions.bytes()]]);
  for (const model of models) for (const [path, content] of model) files.set(path, content);
  return files;
}
