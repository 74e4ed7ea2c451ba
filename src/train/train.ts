/**
 * `train(spec, data, recipe, options)`: the training loop shared by notebooks and the CLI.
 * Seeded shuffling, per-batch augmentation and dropout seeds all draw from one {@link Random},
 * whose state is checkpointed with the weights and the optimizer, so a resumed run continues the
 * same stream. Per-batch losses stay on the device and are read every `syncEvery` batches.
 *
 * Determinism: with the same seed, data and backend, `cpu` and `wasm` give bit-identical
 * weights (tested), and so does `tensorflow` with 2 intra-op threads on the project machines,
 * on both engines (tested in-process, resume included; two separate CLI runs also produced
 * identical `weights.bin`). libtensorflow does not promise it: another thread count, CPU or
 * oneDNN build may change float summation order, so on `tensorflow` only same-machine,
 * same-thread-count runs are expected to match. The `graph` and `eager` engines agree to float
 * round-off, not bit for bit (dropout masks come from different generators).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { DigitDataset } from "../data/types.ts";
import type { Classifier } from "../models/classifier.ts";
import type { ModelSpec } from "../models/spec.ts";
import { modelClassifier } from "../models/tf_classifier.ts";
import { UsageError } from "../util/errors.ts";
import { Random } from "../util/random.ts";
import { recalibrateBatchNorm } from "./batch_norm_stats.ts";
import { EpochBatches, toTrainingArrays } from "./batches.ts";
import {
  type CheckpointState,
  epochFolder,
  saveEpochCheckpoint,
  saveFinishedRun,
} from "./checkpoint.ts";
import { bestEpoch, type EpochRecord } from "./history.ts";
import { type EngineChoice, makeStepEngine, type PendingStep, type Precision } from "./engines.ts";
import { makeOptimizer, withWeightDecay } from "./optimizers.ts";
import type { Recipe } from "./recipes.ts";
import { learningRateAt } from "./schedule.ts";
import type { RunInfo } from "./run_record.ts";
import { makeValidator } from "./validation.ts";
import { fingerprint, keepWeights, pipelineAugmenter, startOrResume } from "./run_setup.ts";

/** Labelled training data, and optionally a validation set evaluated after every epoch. */
export interface TrainData {
  train: DigitDataset;
  validation?: DigitDataset;
}

/** Progress inside an epoch, reported every `syncEvery` batches. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch. */
  batch: number;
  batches: number;
  /** Mean loss and accuracy of the epoch so far. */
  loss: number;
  accuracy: number;
  learningRate: number;
  /** Training images per second in this epoch so far. */
  imagesPerSecond: number;
  /** Estimated seconds left in the whole run. */
  etaSeconds: number;
}

/** Hooks called during training (progress displays, plots, early inspection). */
export interface TrainCallbacks {
  onTrainStart?(info: { epochs: number; batches: number; startEpoch: number }): void;
  onBatch?(progress: BatchProgress): void;
  onEpochEnd?(record: EpochRecord): void | Promise<void>;
  onTrainEnd?(result: TrainResult): void;
}

/** Turns a batch of [0, 1] images into augmented copies (e.g. a `src/augment` pipeline). */
export type Augmenter = (images: Float32Array, count: number, rng: Random) => Float32Array;

/** Options of {@link train}; callbacks may be given inline. */
export interface TrainOptions extends TrainCallbacks {
  /** Seed of the initial weights and of the training stream; 42 by default. */
  seed?: number;
  /** Overrides the recipe's epoch count. */
  epochs?: number;
  /** Run folder for checkpoints and the finished model; nothing is written without it. */
  runDir?: string;
  /** Continue from the newest checkpoint in `runDir`. */
  resume?: boolean;
  /** Batch augmentation; defaults to the recipe's `src/augment` pipeline. */
  augment?: Augmenter;
  /** Read losses back every this many batches (default 10). */
  syncEvery?: number;
  /** More callbacks (e.g. a progress bar and a plot). */
  callbacks?: TrainCallbacks[];
  /** Extra fields for `run.json` (e.g. the data preset). */
  runInfo?: RunInfo;
  /**
   * How steps run: `graph` (one libtensorflow graph per step; tensorflow backend, Adam or RMSprop),
   * `eager` (tfjs op by op, everywhere) or `auto` (default: `graph` wherever it applies).
   */
  engine?: EngineChoice;
  /**
   * `bfloat16`: mixed precision on the graph engine (convolutions and matrix products in
   * bfloat16 on AMX/AVX512-BF16 CPUs, weights and optimizer state in float32); `float32`
   * (default) everywhere else.
   */
  precision?: Precision;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The kept model (best validation loss or last epoch, per the recipe); caller disposes. */
  model: tf.LayersModel;
  /** The kept model as a classifier (pixels in [0, 1]). */
  classifier: Classifier;
  history: EpochRecord[];
  /** 1-based epoch whose weights were kept. */
  keptEpoch: number;
  /** Run folder, when one was given. */
  runDir?: string;
  /** Wall seconds of this call (a resumed run counts only its own part). */
  wallSeconds: number;
  /** Final metrics of the kept epoch. */
  final: EpochRecord;
  /** The engine that ran the steps (see {@link TrainOptions.engine}). */
  engine: "graph" | "eager";
  /** Arithmetic of the steps (see {@link TrainOptions.precision}). */
  precision: Precision;
}

/**
 * Thrown when the loss becomes NaN or infinite; names the epoch and batch (a {@link UsageError},
 * so the CLI prints it as one line).
 *
 * @example
 * ```ts
 * import { DivergedError } from "./train.ts";
 * const e = new DivergedError(3, 17, "the last good checkpoint is runs/x/epoch-0002");
 * console.log(e.message.startsWith("training diverged: the loss became NaN/Inf at epoch 3, batch 17"));
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
 * Trains `spec` on `data` with `recipe`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { train } from "./train.ts";
 * import { getRecipe } from "./recipes.ts";
 * import { getModelSpec } from "../models/zoo.ts";
 * await tf.setBackend("cpu");
 * const ds = { name: "tiny", images: new Uint8Array(8 * 784), labels: new Uint8Array(8),
 *   count: 8, classNames: ["0","1","2","3","4","5","6","7","8","9"], source: "", checksum: "" };
 * const result = await train(getModelSpec("logistic-regression"), { train: ds },
 *   getRecipe("baseline-adam"), { epochs: 1, seed: 1 });
 * console.log(result.history.length); // 1
 * result.model.dispose();
 * ```
 */
export async function train(
  spec: ModelSpec,
  data: TrainData,
  recipe: Recipe,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const started = performance.now();
  const hooks = [options, ...(options.callbacks ?? [])];
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
  const optimizer = makeOptimizer(recipe.optimizer);
  if (start.optimizerWeights) {
    await optimizer.setWeights(start.optimizerWeights);
    tf.dispose(start.optimizerWeights.map((w) => w.tensor));
  }
  const rng = new Random(start.rng);
  const history = start.history;
  const validator = valArrays ? makeValidator(model, spec.name, valArrays, classCount) : null;
  const dropoutCount = model.layers.filter((l) => l.getClassName() === "Dropout").length;
  const precision = options.precision ?? "float32";
  const stepOptions = {
    classCount,
    labelSmoothing: recipe.labelSmoothing,
    weightDecay: withWeightDecay(recipe.optimizer),
  };
  let engine;
  try {
    engine = makeStepEngine(model, optimizer, stepOptions, options.engine, precision);
  } catch (error) {
    model.dispose();
    optimizer.dispose();
    throw error;
  }
  const syncEvery = Math.max(1, options.syncEvery ?? 10);
  const keepBest = recipe.keep === "best-val-loss";
  let best: { epoch: number; weights: tf.Tensor[] } | null = null;
  const totalSteps = epochs * batches.batchCount;
  const lastGood = () =>
    options.runDir && history.length > 0
      ? `the last good checkpoint is ${options.runDir}/${epochFolder(history.length)}`
      : "no checkpoint was written";
  for (const h of hooks) {
    h.onTrainStart?.({ epochs, batches: batches.batchCount, startEpoch: history.length + 1 });
  }
  try {
    for (let epoch = history.length + 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      batches.shuffle(rng);
      await engine.beginEpoch();
      let lossSum = 0, correctSum = 0, seen = 0, learningRate = 0;
      let pending: PendingStep[] = [];
      const flush = async (batchIndex: number) => {
        const values = await engine.collect(pending);
        const first = batchIndex - pending.length + 1;
        pending = [];
        for (let k = 0; k < values.length / 2; k++) {
          if (!Number.isFinite(values[2 * k])) {
            throw new DivergedError(epoch, first + k, lastGood());
          }
          const size = batches.batch(first + k - 1).count;
          lossSum += values[2 * k] * size;
          correctSum += values[2 * k + 1];
          seen += size;
        }
        const seconds = (performance.now() - epochStart) / 1000;
        const rate = seen / Math.max(seconds, 1e-9);
        const stepsLeft = totalSteps - ((epoch - 1) * batches.batchCount + batchIndex);
        for (const h of hooks) {
          h.onBatch?.({
            epoch,
            epochs,
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
          totalSteps,
          batches.batchCount,
        );
        const dropoutSeeds = Array.from({ length: dropoutCount }, () => rng.nextUint32());
        let batch = batches.batch(b);
        if (augment) batch = { ...batch, images: augment(batch.images, batch.count, rng) };
        pending.push(engine.step(batch, learningRate, dropoutSeeds));
        if (pending.length >= syncEvery || b === batches.batchCount - 1) await flush(b + 1);
      }
      await engine.endEpoch();
      const trainSeconds = (performance.now() - epochStart) / 1000;
      if (recipe.batchNormRecalibration) {
        recalibrateBatchNorm(model, trainArrays, recipe.batchNormRecalibration);
      }
      const val = validator ? await validator.validate() : { loss: NaN, accuracy: NaN };
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        learningRate,
        seconds: (performance.now() - epochStart) / 1000,
        imagesPerSecond: seen / trainSeconds,
      };
      history.push(record);
      if (keepBest && bestEpoch(history) === epoch) {
        if (best) tf.dispose(best.weights);
        best = { epoch, weights: model.getWeights().map((w) => w.clone()) };
      }
      if (options.runDir) {
        const state: CheckpointState = {
          epoch,
          rng: rng.state,
          history,
          bestEpoch: bestEpoch(history),
          spec,
          recipe: { ...recipe, epochs },
          seed,
          dataChecksum,
        };
        await saveEpochCheckpoint(options.runDir, model, optimizer, state);
      }
      for (const h of hooks) await h.onEpochEnd?.(record);
    }
  } catch (error) {
    model.dispose();
    if (best) tf.dispose(best.weights);
    throw error;
  } finally {
    engine.dispose();
    optimizer.dispose();
  }
  const keptEpoch = await keepWeights(model, history, best, keepBest, options.runDir);
  const result: TrainResult = {
    model,
    classifier: modelClassifier(model, `${spec.name}/${recipe.name}`),
    history,
    keptEpoch,
    runDir: options.runDir,
    wallSeconds: (performance.now() - started) / 1000,
    final: history[keptEpoch - 1],
    engine: engine.kind,
    precision,
  };
  if (options.runDir) {
    await saveFinishedRun(options.runDir, model, {
      name: `${spec.name}/${recipe.name}`,
      model: spec.name,
      spec,
      recipe: { ...recipe, epochs },
      seed,
      backend: tf.getBackend(),
      engine: engine.kind,
      precision,
      versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs, v8: Deno.version.v8 },
      dataChecksum,
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
      // Over all parts of a resumed run (epoch training + validation time).
      epochSecondsTotal: history.reduce((sum, r) => sum + r.seconds, 0),
      resumed: start.resumed,
      finishedAt: new Date().toISOString(),
      ...options.runInfo,
    });
  }
  for (const h of hooks) h.onTrainEnd?.(result);
  return result;
}
