/**
 * The named steps of {@link train}: set up a run (fresh or resumed), train one epoch, record
 * it (history, best weights, checkpoint, callbacks), and finish (keep the chosen weights, write
 * the run folder). Each step works on one {@link TrainingRun}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelSpec } from "../models/spec.ts";
import { type ModelClassifier, modelClassifier } from "../models/tf_classifier.ts";
import { type ComputeMeter, startComputeMeter } from "../util/compute_usage.ts";
import { UsageError } from "../util/errors.ts";
import { preflightOutput } from "../util/preflight.ts";
import { timingMark } from "../util/timing.ts";
import { Random } from "../util/random.ts";
import { recalibrateBatchNorm } from "./batch_norm_stats.ts";
import { EpochBatches, toTrainingArrays, type TrainingArrays } from "./batches.ts";
import { epochFolder, saveEpochCheckpoint, saveFinishedRun } from "./checkpoint.ts";
import { makeStepEngine, type PendingStep, type Precision, type StepEngine } from "./engines.ts";
import { bestEpoch, type EpochRecord } from "./history.ts";
import { itemsRecord, writeItemsRecord } from "./items_record.ts";
import { makeOptimizer, withWeightDecay } from "./optimizers.ts";
import type { Recipe } from "./recipes.ts";
import { fingerprint, keepWeights, pipelineAugmenter, startOrResume } from "./run_setup.ts";
import { learningRateAt } from "./schedule.ts";
import type {
  Augmenter,
  TrainCallbacks,
  TrainData,
  TrainOptions,
  TrainResult,
} from "./train_types.ts";
import { makeValidator } from "./validation.ts";

/**
 * Thrown when the loss becomes NaN or infinite; names the epoch and batch (a {@link UsageError},
 * so the CLI prints it as one line).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { DivergedError } from "./train_steps.ts";
 * const e = new DivergedError(3, 17, "the last good checkpoint is runs/x/epoch-0002");
 * ok(e.message.startsWith("training diverged: the loss became NaN/Inf at epoch 3, batch 17"));
 * ```
 */
export class DivergedError extends UsageError {
  constructor(readonly epoch: number, readonly batch: number, lastGood: string) {
    super(
      `training diverged: the loss became NaN/Inf at epoch ${epoch}, batch ${batch}; ` +
        `${lastGood}. Lower the learning rate or check the data.`,
    );
  }
}

/**
 * Thrown when `TrainOptions.signal` stops training; names the signal, where training stopped and
 * the checkpoint a resume continues from.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { TrainingInterrupted } from "./train_steps.ts";
 * const e = new TrainingInterrupted("SIGINT", 3, 17, "runs/x/epoch-0002");
 * deepStrictEqual(e.message, "interrupted (SIGINT) at epoch 3, batch 17; kept the last checkpoint, runs/x/epoch-0002");
 * ```
 */
export class TrainingInterrupted extends UsageError {
  constructor(
    readonly reason: string,
    readonly epoch: number,
    readonly batch: number,
    readonly lastCheckpoint: string | null,
  ) {
    super(
      `interrupted (${reason}) at epoch ${epoch}, batch ${batch}; ` +
        (lastCheckpoint
          ? `kept the last checkpoint, ${lastCheckpoint}`
          : "no checkpoint was written"),
    );
  }
}

/** Everything one training run carries from step to step. */
export interface TrainingRun {
  spec: ModelSpec;
  data: TrainData;
  recipe: Recipe;
  options: TrainOptions;
  started: number;
  /** CPU time and energy of this call, from its start. */
  meter: ComputeMeter;
  hooks: TrainCallbacks[];
  seed: number;
  epochs: number;
  augment: Augmenter | undefined;
  trainArrays: TrainingArrays;
  dataChecksum: string;
  batches: EpochBatches;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  engine: StepEngine;
  precision: Precision;
  rng: Random;
  history: EpochRecord[];
  resumed: boolean;
  validator: ReturnType<typeof makeValidator> | null;
  /** The model as a classifier, shared by the validator and the result. */
  classifier: ModelClassifier;
  dropoutCount: number;
  syncEvery: number;
  keepBest: boolean;
  /** Weights of the best-validation epoch of this call, while it is not the last. */
  best: { epoch: number; weights: tf.Tensor[] } | null;
  totalSteps: number;
}

/**
 * Checks the options, prepares the data, and builds (or resumes) the model, optimizer and step
 * engine.
 */
export async function startRun(
  spec: ModelSpec,
  data: TrainData,
  recipe: Recipe,
  options: TrainOptions,
): Promise<TrainingRun> {
  const started = performance.now();
  const meter = startComputeMeter();
  const seed = options.seed ?? 42;
  const epochs = options.epochs ?? recipe.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new UsageError(`epochs must be a positive integer, got ${epochs}`);
  }
  const augment = options.augment ?? pipelineAugmenter(recipe.augmentation);
  const trainArrays = toTrainingArrays(data.train);
  const valArrays = data.validation ? toTrainingArrays(data.validation) : null;
  const dataChecksum = fingerprint(data);
  const classCount = spec.classCount ?? 10;
  const batches = new EpochBatches(trainArrays, recipe.batchSize);
  const start = await startOrResume(spec, recipe, seed, dataChecksum, options);
  const { model } = start;
  if (options.runDir) {
    // Room for one checkpoint (weights, up to two optimizer slots) and the finished model.
    const bytes = model.countParams() * 4 * 4 + 2 ** 20;
    await preflightOutput(options.runDir, { bytes, purpose: "a checkpoint" }).catch((error) => {
      model.dispose();
      throw error;
    });
  }
  const optimizer = makeOptimizer(recipe.optimizer);
  if (start.optimizerWeights) {
    await optimizer.setWeights(start.optimizerWeights);
    tf.dispose(start.optimizerWeights.map((w) => w.tensor));
  }
  const rng = new Random(start.rng);
  // One classifier for validation, the caller's test and the result: its compiled inference
  // graph is built once.
  const classifier = modelClassifier(model, `${spec.name}/${recipe.name}`);
  const validator = valArrays
    ? makeValidator(model, spec.name, valArrays, classCount, classifier)
    : null;
  const dropoutCount = model.layers.filter((l) => l.getClassName() === "Dropout").length;
  const precision = options.precision ?? "float32";
  const stepOptions = {
    classCount,
    labelSmoothing: recipe.labelSmoothing,
    weightDecay: withWeightDecay(recipe.optimizer),
  };
  timingMark("model built, data in arrays");
  let engine;
  try {
    engine = makeStepEngine(model, optimizer, stepOptions, options.engine, precision);
  } catch (error) {
    model.dispose();
    optimizer.dispose();
    throw error;
  }
  timingMark(`${engine.kind} engine made`);
  return {
    spec,
    data,
    recipe,
    options,
    started,
    meter,
    hooks: [options, ...(options.callbacks ?? [])],
    seed,
    epochs,
    augment,
    trainArrays,
    dataChecksum,
    batches,
    model,
    optimizer,
    engine,
    precision,
    rng,
    history: start.history,
    resumed: start.resumed,
    validator,
    classifier,
    dropoutCount,
    syncEvery: Math.max(1, options.syncEvery ?? 10),
    keepBest: recipe.keep === "best-val-loss",
    best: null,
    totalSteps: epochs * batches.batchCount,
  };
}

function lastGood(run: TrainingRun): string {
  return run.options.runDir && run.history.length > 0
    ? `the last good checkpoint is ${run.options.runDir}/${epochFolder(run.history.length)}`
    : "no checkpoint was written";
}

/** Tells the callbacks that training starts. */
export function announceStart(run: TrainingRun): void {
  for (const h of run.hooks) {
    h.onTrainStart?.({
      epochs: run.epochs,
      batches: run.batches.batchCount,
      startEpoch: run.history.length + 1,
    });
  }
}

/**
 * Trains epoch `epoch` (shuffle, augment, step; losses read every `syncEvery` batches with
 * progress to the callbacks), recalibrates batch norm when the recipe says so, and validates.
 */
export async function trainEpoch(run: TrainingRun, epoch: number): Promise<EpochRecord> {
  const { batches, engine, hooks, recipe } = run;
  const epochStart = performance.now();
  batches.shuffle(run.rng);
  await engine.beginEpoch();
  let lossSum = 0, correctSum = 0, seen = 0, learningRate = 0;
  let pending: PendingStep[] = [];
  const flush = async (batchIndex: number) => {
    const values = await engine.collect(pending);
    const first = batchIndex - pending.length + 1;
    pending = [];
    for (let k = 0; k < values.length / 2; k++) {
      if (!Number.isFinite(values[2 * k])) {
        throw new DivergedError(epoch, first + k, lastGood(run));
      }
      const size = batches.batch(first + k - 1).count;
      lossSum += values[2 * k] * size;
      correctSum += values[2 * k + 1];
      seen += size;
    }
    const seconds = (performance.now() - epochStart) / 1000;
    const rate = seen / Math.max(seconds, 1e-9);
    const stepsLeft = run.totalSteps - ((epoch - 1) * batches.batchCount + batchIndex);
    for (const h of hooks) {
      h.onBatch?.({
        epoch,
        epochs: run.epochs,
        batch: batchIndex,
        batches: batches.batchCount,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        learningRate,
        imagesPerSecond: rate,
        etaSeconds: (stepsLeft * recipe.batchSize) / rate,
      });
    }
  };
  for (let b = 0; b < batches.batchCount; b++) {
    const step = (epoch - 1) * batches.batchCount + b;
    learningRate = learningRateAt(
      recipe.schedule,
      recipe.optimizer.learningRate,
      step,
      run.totalSteps,
      batches.batchCount,
    );
    const dropoutSeeds = Array.from({ length: run.dropoutCount }, () => run.rng.nextUint32());
    let batch = batches.batch(b);
    if (run.augment) batch = { ...batch, images: run.augment(batch.images, batch.count, run.rng) };
    pending.push(engine.step(batch, learningRate, dropoutSeeds));
    if (pending.length >= run.syncEvery || b === batches.batchCount - 1) {
      await flush(b + 1);
      if (b < run.syncEvery) timingMark(`epoch ${epoch}: first ${b + 1} steps synced`);
    }
    const signal = run.options.signal;
    if (signal?.aborted) {
      if (pending.length) await engine.collect(pending); // steps in flight finish first
      const reason = String(signal.reason ?? "aborted");
      for (const h of hooks) h.onInterrupt?.({ epoch, batch: b + 1, reason });
      const last = run.options.runDir && run.history.length > 0
        ? `${run.options.runDir}/${epochFolder(run.history.length)}`
        : null;
      throw new TrainingInterrupted(reason, epoch, b + 1, last);
    }
  }
  timingMark(`epoch ${epoch}: trained`);
  await engine.endEpoch();
  const trainSeconds = (performance.now() - epochStart) / 1000;
  if (recipe.batchNormRecalibration) {
    recalibrateBatchNorm(run.model, run.trainArrays, recipe.batchNormRecalibration);
  }
  const val = run.validator ? await run.validator.validate() : { loss: NaN, accuracy: NaN };
  timingMark(`epoch ${epoch}: validated`);
  return {
    epoch,
    loss: lossSum / seen,
    accuracy: correctSum / seen,
    valLoss: val.loss,
    valAccuracy: val.accuracy,
    learningRate,
    seconds: (performance.now() - epochStart) / 1000,
    imagesPerSecond: seen / trainSeconds,
  };
}

/**
 * Records a finished epoch: history, the best weights so far (recipes that keep the best
 * validation loss), the checkpoint in the run folder, then the callbacks.
 */
export async function recordEpoch(run: TrainingRun, record: EpochRecord): Promise<void> {
  const { history, model } = run;
  history.push(record);
  if (run.keepBest && bestEpoch(history) === record.epoch) {
    if (run.best) tf.dispose(run.best.weights);
    run.best = { epoch: record.epoch, weights: model.getWeights().map((w) => w.clone()) };
  }
  if (run.options.runDir) {
    await saveEpochCheckpoint(run.options.runDir, model, run.optimizer, {
      epoch: record.epoch,
      rng: run.rng.state,
      history,
      bestEpoch: bestEpoch(history),
      spec: run.spec,
      recipe: { ...run.recipe, epochs: run.epochs },
      seed: run.seed,
      dataChecksum: run.dataChecksum,
    });
    timingMark(`epoch ${record.epoch}: checkpoint written`);
  }
  for (const h of run.hooks) await h.onEpochEnd?.(record);
}

/** Frees what a failed run holds (the model and any best weights). */
export function abandonRun(run: TrainingRun): void {
  run.model.dispose();
  if (run.best) tf.dispose(run.best.weights);
}

/** Frees the step engine and optimizer (after the last epoch, or a failure). */
export function closeSteps(run: TrainingRun): void {
  run.engine.dispose();
  run.optimizer.dispose();
}

/**
 * Keeps the chosen epoch's weights, writes the finished run folder (model and `run.json`)
 * when there is one, and tells the callbacks.
 */
export async function finishRun(run: TrainingRun): Promise<TrainResult> {
  const { spec, recipe, history, model, options, data } = run;
  const keptEpoch = await keepWeights(model, history, run.best, run.keepBest, options.runDir);
  const name = `${spec.name}/${recipe.name}`;
  const result: TrainResult = {
    model,
    classifier: run.classifier,
    history,
    keptEpoch,
    runDir: options.runDir,
    wallSeconds: (performance.now() - run.started) / 1000,
    compute: run.meter.stop(),
    final: history[keptEpoch - 1],
    engine: run.engine.kind,
    precision: run.precision,
  };
  if (options.runDir) {
    const items = await writeItemsRecord(options.runDir, itemsRecord(data));
    await saveFinishedRun(options.runDir, model, {
      name,
      model: spec.name,
      spec,
      recipe: { ...recipe, epochs: run.epochs },
      seed: run.seed,
      backend: tf.getBackend(),
      engine: run.engine.kind,
      precision: run.precision,
      versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs, v8: Deno.version.v8 },
      dataChecksum: run.dataChecksum,
      items,
      data: {
        train: { name: data.train.name, count: data.train.count, checksum: data.train.checksum },
        validation: data.validation
          ? { name: data.validation.name, count: data.validation.count }
          : null,
      },
      keptEpoch,
      final: result.final,
      history,
      wallSeconds: result.wallSeconds,
      compute: result.compute,
      // Over all parts of a resumed run (epoch training + validation time).
      epochSecondsTotal: history.reduce((sum, r) => sum + r.seconds, 0),
      resumed: run.resumed,
      finishedAt: new Date().toISOString(),
      ...options.runInfo,
    });
  }
  for (const h of run.hooks) h.onTrainEnd?.(result);
  return result;
}
