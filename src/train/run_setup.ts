/**
 * The parts of a training run around the loop: starting fresh or from a checkpoint, choosing
 * the kept weights at the end, the recipe's augmenter, and the data fingerprint.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { applyPipeline, type Pipeline, validatePipeline } from "../augment/pipeline.ts";
import { buildModel } from "../models/build.ts";
import type { ModelSpec } from "../models/spec.ts";
import { UsageError } from "../util/errors.ts";
import type { RandomState } from "../util/random.ts";
import {
  checkpointFolders,
  epochFolder,
  loadLatestCheckpoint,
  loadWeightsInto,
} from "./checkpoint.ts";
import { bestEpoch, type EpochRecord } from "./history.ts";
import type { Recipe } from "./recipes.ts";
import type { Augmenter, TrainData, TrainOptions } from "./train_types.ts";

/** Where a run starts: a model, optimizer state to restore, the RNG and the history so far. */
export interface Start {
  model: tf.LayersModel;
  optimizerWeights?: { name: string; tensor: tf.Tensor }[];
  rng: number | RandomState;
  history: EpochRecord[];
  resumed: boolean;
}

/**
 * Builds a fresh model, or loads the newest checkpoint of `options.runDir` when resuming after
 * checking it was made by the same model, recipe and data.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { getModelSpec } from "../models/mod.ts";
 * import { getRecipe } from "./recipes.ts";
 * import { startOrResume } from "./run_setup.ts";
 * await tf.setBackend("cpu");
 * const spec = getModelSpec("logistic-regression"), recipe = getRecipe("baseline-adam");
 * const runDir = await Deno.makeTempDir(); // empty: a fresh model, and nothing to resume
 * const start = await startOrResume(spec, recipe, 42, "", { runDir });
 * strictEqual(start.resumed, false);
 * deepStrictEqual(start.history, []);
 * await rejects(startOrResume(spec, recipe, 42, "", { runDir, resume: true }), /nothing to resume/);
 * start.model.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function startOrResume(
  spec: ModelSpec,
  recipe: Recipe,
  seed: number,
  dataChecksum: string,
  options: TrainOptions,
): Promise<Start> {
  // The checkpoint folders themselves, not latest.json, which may be the damaged file.
  const folders = options.runDir ? await checkpointFolders(options.runDir).catch(() => []) : [];
  if (!options.resume) {
    if (folders.length > 0) {
      throw new UsageError(
        `${options.runDir} already holds a checkpoint (epoch ${Number(folders[0].slice(6))}); ` +
          `resume it or choose another output folder`,
      );
    }
    const model = buildModel(spec, { seed, preprocessing: recipe.preprocessing });
    // The training stream is independent of the initialiser stream of the same seed.
    return { model, rng: seed ^ 0x7f4a7c15, history: [], resumed: false };
  }
  if (!options.runDir || folders.length === 0) {
    throw new UsageError(
      `nothing to resume: ${options.runDir ?? "no run folder"} has no checkpoint`,
    );
  }
  const loaded = await loadLatestCheckpoint(options.runDir);
  const { state } = loaded;
  for (const reason of loaded.skipped) {
    console.error(`warning: skipping a checkpoint that fails verification: ${reason}`);
  }
  if (loaded.skipped.length > 0) {
    console.error(`resuming from ${loaded.folder}, the newest checkpoint that verifies`);
  }
  const mismatch = state.spec.name !== spec.name
    ? `model ${state.spec.name}, not ${spec.name}`
    : state.recipe.name !== recipe.name
    ? `recipe ${state.recipe.name}, not ${recipe.name}`
    : state.dataChecksum !== dataChecksum
    ? "other training data"
    : null;
  if (mismatch) {
    loaded.model.dispose();
    tf.dispose(loaded.optimizerWeights.map((w) => w.tensor));
    throw new UsageError(`cannot resume ${options.runDir}: its checkpoint used ${mismatch}`);
  }
  return {
    model: loaded.model,
    optimizerWeights: loaded.optimizerWeights,
    rng: state.rng,
    history: state.history.map((r) => ({ ...r })),
    resumed: true,
  };
}

/**
 * Puts the kept epoch's weights into `model`: the best-validation epoch of this call (held in
 * memory), or of an earlier, resumed part of the run (read from its checkpoint). Returns the
 * kept 1-based epoch and disposes `best`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * import { keepWeights } from "./run_setup.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const epoch = (n: number, valLoss: number) => ({ epoch: n, loss: 1, accuracy: 0.5, valLoss,
 *   valAccuracy: 0.5, learningRate: 1e-3, seconds: 1, imagesPerSecond: 100 });
 * const history = [epoch(1, 0.4), epoch(2, 0.6)]; // epoch 1 has the lowest validation loss
 * const best = { epoch: 1, weights: model.getWeights().map((w) => w.clone()) };
 * strictEqual(await keepWeights(model, history, best, true), 1);
 * model.dispose();
 * ```
 */
export async function keepWeights(
  model: tf.LayersModel,
  history: EpochRecord[],
  best: { epoch: number; weights: tf.Tensor[] } | null,
  keepBest: boolean,
  runDir?: string,
): Promise<number> {
  const last = history.length;
  const bestOverall = keepBest ? bestEpoch(history) : null;
  if (bestOverall === null || bestOverall === last) {
    if (best) tf.dispose(best.weights);
    return last;
  }
  if (best && best.epoch === bestOverall) {
    model.setWeights(best.weights);
    tf.dispose(best.weights);
  } else if (runDir) {
    if (best) tf.dispose(best.weights);
    await loadWeightsInto(model, `${runDir}/${epochFolder(bestOverall)}`);
  } else {
    return last;
  }
  return bestOverall;
}

/**
 * The recipe's pipeline as an {@link Augmenter} (validated up front), or undefined for none.
 * It augments the batch view in place: the epoch buffer is regathered from clean pixels.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { pipelineAugmenter } from "./run_setup.ts";
 * import { Random } from "../util/random.ts";
 * const augment = pipelineAugmenter([{ op: "gaussianNoise", sigma: 0.1 }])!;
 * strictEqual(augment(new Float32Array(784), 1, new Random(1)).length, 784);
 * ```
 */
export function pipelineAugmenter(pipeline: Pipeline): Augmenter | undefined {
  if (pipeline.length === 0) return undefined;
  validatePipeline(pipeline);
  return (images, count, rng) => applyPipeline(images, count, pipeline, rng);
}

/**
 * sha256 (hex) over the pixels and labels actually trained and validated on.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fingerprint } from "./run_setup.ts";
 * import { barDigits } from "../testing.ts";
 * strictEqual(fingerprint({ train: barDigits(10, 1) }).length, 64);
 * ```
 */
export function fingerprint(data: TrainData): string {
  const hash = createHash("sha256");
  for (const part of [data.train, data.validation]) {
    if (!part) continue;
    hash.update(part.images.subarray(0, part.count * 784));
    hash.update(part.labels.subarray(0, part.count));
  }
  return hash.digest("hex");
}
