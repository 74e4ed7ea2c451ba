/**
 * The shapes around {@link train}: its data, options, callbacks and result (a leaf module, so
 * the training loop and the modules it is split into do not import each other).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { DigitDataset } from "../data/types.ts";
import type { ModelClassifier } from "../models/tf_classifier.ts";
import type { Random } from "../util/random.ts";
import type { EngineChoice, Precision } from "./engines.ts";
import type { EpochRecord } from "./history.ts";
import type { RunInfo } from "./run_record.ts";
import type { ComputeUsage } from "../util/compute_usage.ts";

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
  /** Training stopped on `signal` before `epoch` finished (progress displays end their line). */
  onInterrupt?(info: { epoch: number; batch: number; reason: string }): void;
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
  /**
   * Stops training cleanly when aborted (e.g. on Ctrl-C, see `src/util/interrupt.ts`): the
   * epoch in progress is abandoned after its current batch, the last checkpoint stays, and
   * `TrainingInterrupted` is thrown. A checkpoint being written is finished first.
   */
  signal?: AbortSignal;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The kept model (best validation loss or last epoch, per the recipe); caller disposes. */
  model: tf.LayersModel;
  /** The kept model as a classifier (pixels in [0, 1]). */
  classifier: ModelClassifier;
  history: EpochRecord[];
  /** 1-based epoch whose weights were kept. */
  keptEpoch: number;
  /** Run folder, when one was given. */
  runDir?: string;
  /** Wall seconds of this call (a resumed run counts only its own part). */
  wallSeconds: number;
  /** Wall time, process CPU time and RAPL energy of this call, and the CPU it ran on. */
  compute: ComputeUsage;
  /** Final metrics of the kept epoch. */
  final: EpochRecord;
  /** The engine that ran the steps (see {@link TrainOptions.engine}). */
  engine: "graph" | "eager";
  /** Arithmetic of the steps (see {@link TrainOptions.precision}). */
  precision: Precision;
}
