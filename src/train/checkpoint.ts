/**
 * Run folders: one checkpoint per epoch (model, optimizer state, RNG state, history), written to
 * a temporary folder and renamed into place, with `latest.json` pointing at the newest complete
 * one, so an interrupted run loses at most the epoch in progress. A finished run also holds the
 * kept model (`model.json` + `weights.bin`) and `run.json` at its top.
 *
 * Every tensor file's size and sha256 is recorded beside its tensor list (`model.json`,
 * `optimizer.json`) and verified when loaded. Resuming takes the newest checkpoint that verifies,
 * saying which ones it skipped; the previous checkpoint is kept beside the latest (and the best)
 * so a damaged latest one still leaves something to resume from.
 *
 * ```
 * run/
 *   latest.json            {latest: "epoch-0007", best: "epoch-0005", epoch: 7}
 *   epoch-0007/            model.json weights.bin optimizer.json optimizer.bin state.json
 *   epoch-0006/            (the previous checkpoint, a fallback)
 *   epoch-0005/            (kept while it has the lowest validation loss)
 *   model.json weights.bin run.json   (when the run finished)
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { Classifier } from "../models/classifier.ts";
import type { ModelSpec } from "../models/spec.ts";
import { modelClassifier } from "../models/tf_classifier.ts";
import { InputError, isUserError } from "../util/errors.ts";
import { temporaryName } from "../util/atomic_folder.ts";
import { describeOutputError } from "../util/output_errors.ts";
import type { RandomState } from "../util/random.ts";
import { exists, readJson, writeJsonAtomic } from "../util/fs.ts";
import { fileHandler, MODEL_JSON } from "./file_io.ts";
import { integrityOf, type IntegrityTable, verifyTensorFile } from "./integrity.ts";
import { readRun, RUN_JSON, type RunRecord, writeRun } from "./run_record.ts";
import type { Recipe } from "./recipes.ts";
import type { EpochRecord } from "./history.ts";

/** Pointer file naming the newest complete epoch checkpoint. */
export const LATEST_JSON = "latest.json";
/** Per-epoch training state. */
export const STATE_JSON = "state.json";
/** Optimizer tensor list (and the integrity of `optimizer.bin`). */
const OPTIMIZER_JSON = "optimizer.json";
const OPTIMIZER_BIN = "optimizer.bin";

/** Contents of `optimizer.json` (older checkpoints hold the bare `weights` array). */
interface OptimizerManifest {
  weights: tf.io.WeightsManifestEntry[];
  integrity: IntegrityTable;
}

/** What a checkpoint needs to continue training exactly where it stopped. */
export interface CheckpointState {
  /** Completed epochs. */
  epoch: number;
  /** Training RNG state after this epoch (shuffling, augmentation, dropout seeds). */
  rng: RandomState;
  history: EpochRecord[];
  /** Epoch (1-based) with the lowest validation loss so far, or null without validation. */
  bestEpoch: number | null;
  spec: ModelSpec;
  recipe: Recipe;
  /** Seed the run started from. */
  seed: number;
  /** Checksum of the training data, to refuse resuming on other data. */
  dataChecksum: string;
}

/** Contents of `latest.json`. */
export interface LatestPointer {
  latest: string;
  best: string | null;
  epoch: number;
}

/** A checkpoint read back from disk; the caller disposes `model` and `optimizerWeights`. */
export interface LoadedCheckpoint {
  state: CheckpointState;
  model: tf.LayersModel;
  optimizerWeights: { name: string; tensor: tf.Tensor }[];
  folder: string;
  /** Newer checkpoints skipped because they failed verification, with the reason. */
  skipped: string[];
}

/**
 * The folder name of epoch `epoch` (`epoch-0007`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { epochFolder } from "./checkpoint.ts";
 * strictEqual(epochFolder(7), "epoch-0007");
 * ```
 */
export function epochFolder(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, "0")}`;
}

/**
 * Writes the checkpoint of a completed epoch into `runDir` atomically, repoints `latest.json`,
 * and removes epoch folders that are neither the latest nor the best.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * import { readLatest, saveEpochCheckpoint } from "./checkpoint.ts";
 * import { makeOptimizer } from "./optimizers.ts";
 * import { getRecipe } from "./recipes.ts";
 * await tf.setBackend("cpu");
 * const spec = getModelSpec("logistic-regression"), recipe = getRecipe("baseline-adam");
 * const model = buildModel(spec), optimizer = makeOptimizer(recipe.optimizer);
 * const runDir = await Deno.makeTempDir();
 * await saveEpochCheckpoint(runDir, model, optimizer, { epoch: 1, rng: [1, 2, 3, 4], history: [],
 *   bestEpoch: null, spec, recipe, seed: 42, dataChecksum: "" });
 * deepStrictEqual(await readLatest(runDir), { latest: "epoch-0001", best: null, epoch: 1 });
 * model.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function saveEpochCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
): Promise<void> {
  const name = epochFolder(state.epoch);
  const final = join(runDir, name), temp = temporaryName(final);
  try {
    await Deno.mkdir(runDir, { recursive: true });
    await model.save(fileHandler(temp));
    const optimizerWeights = await optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(optimizerWeights);
    // getWeights() makes a fresh iteration-count scalar; the other tensors are live variables.
    tf.dispose(optimizerWeights.filter((w) => w.name === "iter").map((w) => w.tensor));
    const bytes = new Uint8Array(data);
    await Deno.writeFile(join(temp, OPTIMIZER_BIN), bytes);
    const manifest: OptimizerManifest = {
      weights: specs,
      integrity: { [OPTIMIZER_BIN]: integrityOf(bytes) },
    };
    await Deno.writeTextFile(join(temp, OPTIMIZER_JSON), JSON.stringify(manifest));
    await Deno.writeTextFile(join(temp, STATE_JSON), JSON.stringify(state));
    await Deno.remove(final, { recursive: true }).catch(() => {});
    await Deno.rename(temp, final);
    const best = state.bestEpoch === null ? null : epochFolder(state.bestEpoch);
    await writeJsonAtomic(join(runDir, LATEST_JSON), { latest: name, best, epoch: state.epoch });
    const keep = new Set([name, epochFolder(state.epoch - 1), best]);
    for await (const entry of Deno.readDir(runDir)) {
      if (entry.isDirectory && /^epoch-\d+$/.test(entry.name) && !keep.has(entry.name)) {
        await Deno.remove(join(runDir, entry.name), { recursive: true });
      }
    }
  } catch (error) {
    throw describeOutputError(final, error);
  } finally {
    // A full disk or a failed write leaves no epoch-000N.tmp-… folder behind.
    await Deno.remove(temp, { recursive: true }).catch(() => {});
  }
}

/**
 * Reads `latest.json` of `runDir`, or null when the run has no checkpoint yet.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readLatest } from "./checkpoint.ts";
 * strictEqual(await readLatest(await Deno.makeTempDir()), null);
 * ```
 */
export async function readLatest(runDir: string): Promise<LatestPointer | null> {
  if (!(await exists(join(runDir, LATEST_JSON)))) return null;
  return await readJson<LatestPointer>(join(runDir, LATEST_JSON));
}

/**
 * The epoch checkpoint folders of `runDir`, newest first.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { checkpointFolders } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * for (const n of ["epoch-0001", "epoch-0003", "epoch-0004.tmp-1-0123abcd"]) {
 *   await Deno.mkdir(`${dir}/${n}`);
 * }
 * deepStrictEqual(await checkpointFolders(dir), ["epoch-0003", "epoch-0001"]);
 * ```
 */
export async function checkpointFolders(runDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(runDir)) {
    if (entry.isDirectory && /^epoch-\d+$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort().reverse();
}

/** Reads and verifies one checkpoint folder; throws an {@link InputError} when damaged. */
async function loadCheckpoint(folder: string): Promise<Omit<LoadedCheckpoint, "skipped">> {
  const state = await readJson<CheckpointState>(join(folder, STATE_JSON));
  if (typeof state?.epoch !== "number" || !Array.isArray(state.history)) {
    throw new InputError(join(folder, STATE_JSON), "", "a checkpoint state (epoch, history, rng)");
  }
  const manifestPath = join(folder, OPTIMIZER_JSON);
  const stored = await readJson<OptimizerManifest | tf.io.WeightsManifestEntry[]>(manifestPath);
  const manifest = Array.isArray(stored) ? { weights: stored, integrity: {} } : stored;
  if (!Array.isArray(manifest?.weights)) {
    throw new InputError(manifestPath, "", "an optimizer manifest (weights, integrity)");
  }
  const binPath = join(folder, OPTIMIZER_BIN);
  const bytes = await Deno.readFile(binPath).catch(() => {
    throw new InputError(binPath, "", `the optimizer state named in ${manifestPath}`);
  });
  verifyTensorFile(binPath, bytes, {
    manifest: manifestPath,
    specs: manifest.weights,
    recorded: manifest.integrity?.[OPTIMIZER_BIN],
  });
  const model = await tf.loadLayersModel(fileHandler(folder));
  const decoded = tf.io.decodeWeights(bytes.slice().buffer, manifest.weights);
  const optimizerWeights = manifest.weights.map((s) => ({ name: s.name, tensor: decoded[s.name] }));
  return { state, model, optimizerWeights, folder };
}

/**
 * Loads the newest checkpoint of `runDir` that verifies (model, optimizer weights, state) for
 * resuming; damaged newer ones are listed in `skipped`. Throws an {@link InputError} when no
 * checkpoint verifies.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { getModelSpec } from "../models/mod.ts";
 * import { barDigits } from "../testing.ts";
 * import { loadLatestCheckpoint } from "./checkpoint.ts";
 * import { getRecipe, train } from "./mod.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir();
 * const result = await train(getModelSpec("logistic-regression"), { train: barDigits(20, 1) },
 *   getRecipe("baseline-adam"), { epochs: 1, runDir });
 * const { state, model, optimizerWeights, skipped } = await loadLatestCheckpoint(runDir);
 * strictEqual(state.epoch, 1);
 * deepStrictEqual(skipped, []);
 * tf.dispose(optimizerWeights.map((w) => w.tensor));
 * result.model.dispose();
 * model.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function loadLatestCheckpoint(runDir: string): Promise<LoadedCheckpoint> {
  const skipped: string[] = [];
  for (const name of await checkpointFolders(runDir)) {
    try {
      return { ...(await loadCheckpoint(join(runDir, name))), skipped };
    } catch (error) {
      if (!isUserError(error)) throw error;
      skipped.push(error.message);
    }
  }
  throw new InputError(
    runDir,
    "",
    "a checkpoint that verifies to resume from",
    skipped.length ? `none (${skipped.join("; ")})` : "no checkpoint",
  );
}

/**
 * Loads the weights stored in checkpoint folder `folder` (e.g. the best epoch) into `model`,
 * which must have the same architecture.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * import { barDigits } from "../testing.ts";
 * import { loadWeightsInto } from "./checkpoint.ts";
 * import { getRecipe, train } from "./mod.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir(), spec = getModelSpec("logistic-regression");
 * const result = await train(spec, { train: barDigits(20, 1) }, getRecipe("baseline-adam"),
 *   { epochs: 1, runDir });
 * const fresh = buildModel(spec);
 * await loadWeightsInto(fresh, `${runDir}/epoch-0001`);
 * deepStrictEqual(fresh.getWeights()[0].dataSync(), result.model.getWeights()[0].dataSync());
 * result.model.dispose();
 * fresh.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function loadWeightsInto(model: tf.LayersModel, folder: string): Promise<void> {
  // Loading verifies the weights' checksum (see file_io.ts).
  const stored = await tf.loadLayersModel(fileHandler(folder));
  const weights = stored.getWeights();
  model.setWeights(weights);
  stored.dispose();
}

/**
 * Writes the kept model and `run.json` at the top of `runDir` (the run is then complete).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { getModelSpec } from "../models/mod.ts";
 * import { barDigits } from "../testing.ts";
 * import { loadClassifier, saveFinishedRun } from "./checkpoint.ts";
 * import { getRecipe, train } from "./mod.ts";
 * import { readRun } from "./run_record.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir(), copy = await Deno.makeTempDir();
 * const result = await train(getModelSpec("logistic-regression"), { train: barDigits(20, 1) },
 *   getRecipe("baseline-adam"), { epochs: 1, runDir });
 * await saveFinishedRun(copy, result.model, await readRun(runDir));
 * strictEqual((await loadClassifier(copy)).name, "logistic-regression/baseline-adam");
 * result.model.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * await Deno.remove(copy, { recursive: true });
 * ```
 */
export async function saveFinishedRun(
  runDir: string,
  model: tf.LayersModel,
  record: RunRecord,
): Promise<void> {
  await model.save(fileHandler(runDir));
  await writeRun(runDir, record);
}

/**
 * Loads a trained model as a {@link Classifier}: from a finished run folder (its top-level
 * `model.json`), an unfinished one (the checkpoint its recipe keeps so far: best validation
 * loss or latest), or any folder holding a tfjs layers
 * `model.json`. The model's own preprocessing is applied by its first layer, so `predict` takes
 * pixels in [0, 1]. The name is the run's model/recipe when `run.json` says so.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { getModelSpec } from "../models/mod.ts";
 * import { barDigits } from "../testing.ts";
 * import { loadClassifier } from "./checkpoint.ts";
 * import { getRecipe, train } from "./mod.ts";
 * await tf.setBackend("cpu");
 * const runDir = await Deno.makeTempDir();
 * const result = await train(getModelSpec("logistic-regression"), { train: barDigits(20, 1) },
 *   getRecipe("baseline-adam"), { epochs: 1, runDir });
 * const clf = await loadClassifier(runDir);
 * const probs = await clf.predict(new Float32Array(784), 1);
 * strictEqual(probs.length, clf.classCount);
 * strictEqual(probs.reduce((a, b) => a + b).toFixed(3), "1.000");
 * result.model.dispose();
 * await Deno.remove(runDir, { recursive: true });
 * ```
 */
export async function loadClassifier(dir: string): Promise<Classifier> {
  let folder = dir;
  if (!(await exists(join(dir, MODEL_JSON)))) {
    const latest = await readLatest(dir);
    if (!latest) {
      throw new InputError(
        join(dir, MODEL_JSON),
        "",
        "a trained model (model.json or latest.json)",
      );
    }
    // An unfinished run: the epoch its recipe would keep so far.
    const state = await readJson<CheckpointState>(join(dir, latest.latest, STATE_JSON));
    const keepBest = state.recipe.keep === "best-val-loss" && latest.best !== null;
    folder = join(dir, keepBest ? latest.best! : latest.latest);
  }
  const model = await tf.loadLayersModel(fileHandler(folder));
  const broken = firstNonFiniteWeight(model);
  if (broken !== null) {
    model.dispose();
    throw new InputError(
      join(folder, "weights.bin"),
      `tensor ${broken}`,
      "finite weights",
      "NaN/Inf",
    );
  }
  let name = dir.replace(/\/+$/, "").split("/").at(-1) ?? dir;
  if (await exists(join(dir, RUN_JSON))) name = (await readRun(dir)).name;
  return modelClassifier(model, name);
}

/**
 * The name of the first weight of `model` holding NaN or ±Inf, or null when all are finite
 * (a model that cannot produce finite outputs must not be evaluated or resumed).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { deepStrictEqual } from "node:assert";
 * import { firstNonFiniteWeight } from "./checkpoint.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * deepStrictEqual(firstNonFiniteWeight(model), null);
 * model.setWeights([tf.tensor2d([[NaN], [1]]), tf.zeros([1])]);
 * deepStrictEqual(firstNonFiniteWeight(model)?.endsWith("kernel"), true);
 * ```
 */
export function firstNonFiniteWeight(model: tf.LayersModel): string | null {
  for (const weight of model.weights) {
    const values = weight.read().dataSync();
    if (!values.every(Number.isFinite)) return weight.originalName ?? weight.name;
  }
  return null;
}
