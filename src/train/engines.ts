/**
 * How one training step is executed. Two engines run the same step (forward in training mode,
 * the kit's clipped cross-entropy, the optimizer's update):
 * - `eager`: tfjs op by op ({@link trainStep}), any backend, any optimizer;
 * - `graph`: the whole step as one libtensorflow graph ({@link TrainingGraph}), on the
 *   `tensorflow` backend with Adam or RMSprop; measured ~1.9× faster than `eager` for the
 *   cards' CNNs, since tfjs' per-op dispatch disappears and grappler/oneDNN fuse the step.
 *
 * Between epochs the tfjs model and optimizer hold the truth (validation, batch-norm
 * recalibration and checkpoints use them): a graph engine loads them at the start of each
 * epoch and writes back at its end.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  bfloat16MissingReason,
  graphLayers,
  type GraphOptimizer,
  graphThreads,
  modelGraphMissing,
  type OpTiming,
  type Precision,
  slotNames,
  type StepInputs,
  TrainingGraph,
  trainingThreads,
} from "../backend/mod.ts";
import { UsageError } from "../util/errors.ts";
import type { Batch } from "./batches.ts";
import { FlatAdam, float32Power } from "./flat_adam.ts";
import { setLearningRate, TorchRMSprop } from "./optimizers.ts";
import { PROB_EPSILON, type StepOptions, type StepResult, trainStep } from "./step.ts";

/** Which engine runs the training steps; `auto` picks `graph` wherever it applies. */
export type EngineChoice = "auto" | "graph" | "eager";

export type { Precision } from "../backend/mod.ts";

/**
 * Reads an `--engine` flag value (`auto` when absent).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseEngineChoice } from "./engines.ts";
 * strictEqual(parseEngineChoice("graph"), "graph");
 * ```
 */
export function parseEngineChoice(value: string | undefined): EngineChoice {
  const choice = value ?? "auto";
  if (choice !== "auto" && choice !== "graph" && choice !== "eager") {
    throw new UsageError(`--engine: expected auto, graph or eager, got '${value}'`);
  }
  return choice;
}

/**
 * Loss and correct count of one step: device scalars (eager), or a promise of numbers (graph:
 * the step runs on a worker thread while the loop prepares the next batch).
 */
export type PendingStep = StepResult | Promise<{ loss: number; correct: number }>;

/** Executes training steps for one model and optimizer. */
export interface StepEngine {
  readonly kind: "eager" | "graph";
  /** Before the epoch's first step: take the model's and optimizer's current state. */
  beginEpoch(): Promise<void>;
  /** One optimizer step; `dropoutSeeds` has one seed per Dropout layer, in layer order. */
  step(batch: Batch, learningRate: number, dropoutSeeds: number[]): PendingStep;
  /** `[loss₀, correct₀, loss₁, …]` of `pending` (one device read for eager steps). */
  collect(pending: PendingStep[]): Promise<Float32Array>;
  /** After the epoch's last step: write the state back into the model and optimizer. */
  endEpoch(): Promise<void>;
  /**
   * {@link step} traced by libtensorflow, resolving to each op's time (graph engine only: the
   * eager engine's kernels are timed with `tf.profile` instead).
   */
  traceStep?(batch: Batch, learningRate: number, dropoutSeeds: number[]): Promise<OpTiming[]>;
  dispose(): void;
}

/**
 * The engine for `model` and `optimizer`: `graph` when `choice` allows it and the step can be
 * compiled (tensorflow backend, Adam or RMSprop, supported layers), else `eager`. Asking for `graph`
 * where it cannot run throws a {@link UsageError} that says why.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { makeStepEngine } from "./engines.ts";
 * import { makeOptimizer } from "./optimizers.ts";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const spec = { kind: "adam", learningRate: 1e-3 } as const;
 * const engine = makeStepEngine(model, makeOptimizer(spec), { classCount: 10 }, "auto");
 * strictEqual(engine.kind, "eager"); // the graph engine needs the tensorflow backend
 * engine.dispose();
 * model.dispose();
 * ```
 */
export function makeStepEngine(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  stepOptions: StepOptions,
  choice: EngineChoice = "auto",
  precision: Precision = "float32",
): StepEngine {
  const graphMissing = choice === "eager"
    ? "the eager engine computes in float32"
    : graphUnavailableReason(model, optimizer, stepOptions);
  if (precision === "bfloat16") {
    const reason = graphMissing ?? bfloat16MissingReason();
    if (reason) throw new UsageError(`--precision bfloat16 cannot run: ${reason}`);
  }
  if (graphMissing === undefined) return new GraphEngine(model, optimizer, stepOptions, precision);
  if (choice === "graph") throw new UsageError(`--engine graph cannot run: ${graphMissing}`);
  return new EagerEngine(model, optimizer, stepOptions);
}

/**
 * Reads a `--precision` flag value (`float32` when absent; `bf16` is accepted for
 * `bfloat16`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parsePrecision } from "./engines.ts";
 * strictEqual(parsePrecision("bf16"), "bfloat16");
 * ```
 */
export function parsePrecision(value: string | undefined): Precision {
  const choice = value === "bf16" ? "bfloat16" : value ?? "float32";
  if (choice !== "float32" && choice !== "bfloat16") {
    throw new UsageError(`--precision: expected float32 or bfloat16, got '${value}'`);
  }
  return choice;
}

/**
 * Why the graph engine cannot train `model` with `optimizer`, or undefined when it can.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { graphUnavailableReason } from "./engines.ts";
 * import { FlatAdam } from "./flat_adam.ts";
 * import { buildModel, getModelSpec } from "../models/mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("mlp"));
 * strictEqual(
 *   graphUnavailableReason(model, new FlatAdam(1e-3), { classCount: 10 }),
 *   "the backend is cpu, not tensorflow",
 * );
 * model.dispose();
 * ```
 */
export function graphUnavailableReason(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  stepOptions: StepOptions,
): string | undefined {
  const missing = modelGraphMissing(model);
  if (missing) return missing;
  if (!graphOptimizer(optimizer)) return "only Adam and RMSprop are compiled into the graph";
  if ((stepOptions.weightDecay ?? 0) !== 0) return "coupled weight decay is not compiled";
  return undefined;
}

class EagerEngine implements StepEngine {
  readonly kind = "eager";
  readonly #dropouts: { seed?: number }[];

  constructor(
    readonly model: tf.LayersModel,
    readonly optimizer: tf.Optimizer,
    readonly options: StepOptions,
  ) {
    this.#dropouts = model.layers.filter((l) => l.getClassName() === "Dropout") as unknown as {
      seed?: number;
    }[];
  }

  beginEpoch(): Promise<void> {
    return Promise.resolve();
  }

  step(batch: Batch, learningRate: number, dropoutSeeds: number[]): PendingStep {
    setLearningRate(this.optimizer, learningRate);
    this.#dropouts.forEach((d, i) => (d.seed = dropoutSeeds[i]));
    return trainStep(this.model, this.optimizer, batch, this.options);
  }

  async collect(pending: PendingStep[]): Promise<Float32Array> {
    const scalars = (pending as StepResult[]).flatMap((p) => [p.loss, p.correct]);
    const stacked = tf.tidy(() => tf.stack(scalars));
    const values = await stacked.data() as Float32Array;
    tf.dispose([stacked, ...scalars]);
    return values;
  }

  endEpoch(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): void {}
}

class GraphEngine implements StepEngine {
  readonly kind = "graph";
  readonly #graph: TrainingGraph;
  readonly #optimizer: GraphOptimizer;
  #iterations = 0;
  /** β₁ᵗ and β₂ᵗ of the next step, accumulated in float32 as FlatAdam does. */
  #beta1Power = 0;
  #beta2Power = 0;

  constructor(
    readonly model: tf.LayersModel,
    readonly optimizer: tf.Optimizer,
    stepOptions: StepOptions,
    readonly precision: Precision,
  ) {
    const layers = graphLayers(model);
    const { shards, ...threads } = trainingThreads(graphThreads()!.intraOp, layers);
    this.#optimizer = graphOptimizer(optimizer)!;
    this.#graph = new TrainingGraph(layers, {
      classCount: stepOptions.classCount,
      labelSmoothing: stepOptions.labelSmoothing,
      probabilityClip: PROB_EPSILON,
      optimizer: this.#optimizer,
      threads,
      precision,
      shards,
    });
  }

  async beginEpoch(): Promise<void> {
    const weights = this.model.trainableWeights;
    const saved = await this.optimizer.getWeights();
    this.#iterations = this.optimizer.iterations;
    if (this.#optimizer.kind === "adam") {
      this.#beta1Power = float32Power(this.#optimizer.beta1, this.#iterations + 1);
      this.#beta2Power = float32Power(this.#optimizer.beta2, this.#iterations + 1);
    }
    saved[0].tensor.dispose(); // the iteration count, a fresh scalar (the rest stay the optimizer's)
    const values = saved.slice(1).map((w) => w.tensor.dataSync() as Float32Array);
    // Before the first step an optimizer has no slots yet: they start at zero.
    const slots = slotNames(this.#optimizer).map((_, k) =>
      weights.map((w, i) =>
        values[k * weights.length + i] ??
          new Float32Array(tf.util.sizeFromShape(w.shape as number[]))
      )
    );
    this.#graph.load({
      weights: weights.map((w) => w.read().dataSync() as Float32Array),
      slots,
      state: this.model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array),
    });
  }

  step(batch: Batch, learningRate: number, dropoutSeeds: number[]): PendingStep {
    return this.#advance(
      (inputs) => this.#graph.step(batch.images, batch.labels, batch.count, inputs),
      learningRate,
      dropoutSeeds,
    );
  }

  traceStep(batch: Batch, learningRate: number, dropoutSeeds: number[]): Promise<OpTiming[]> {
    return this.#advance(
      (inputs) => this.#graph.traceStep(batch.images, batch.labels, batch.count, inputs),
      learningRate,
      dropoutSeeds,
    );
  }

  /** Runs one step with this step's optimizer scalars, then counts it. */
  #advance<T>(run: (inputs: StepInputs) => T, learningRate: number, dropoutSeeds: number[]): T {
    const result = run({
      learningRate,
      oneMinusBeta1Power: 1 - this.#beta1Power,
      oneMinusBeta2Power: 1 - this.#beta2Power,
      dropoutSeeds,
    });
    this.#iterations++;
    if (this.#optimizer.kind === "adam") {
      this.#beta1Power = Math.fround(this.#beta1Power * Math.fround(this.#optimizer.beta1));
      this.#beta2Power = Math.fround(this.#beta2Power * Math.fround(this.#optimizer.beta2));
    }
    return result;
  }

  async collect(pending: PendingStep[]): Promise<Float32Array> {
    const steps = await Promise.all(pending as Promise<{ loss: number; correct: number }>[]);
    return new Float32Array(steps.flatMap((p) => [p.loss, p.correct]));
  }

  async endEpoch(): Promise<void> {
    await this.#graph.whenIdle();
    const state = this.#graph.read();
    const weights = this.model.trainableWeights;
    const shaped = (data: Float32Array, w: tf.LayerVariable) =>
      tf.tensor(data, w.shape as number[]);
    tf.tidy(() => {
      weights.forEach((w, i) => w.write(shaped(state.weights[i], w)));
      this.model.nonTrainableWeights.forEach((w, i) => w.write(shaped(state.state[i], w)));
    });
    const named = [
      { name: "iter", tensor: tf.scalar(this.#iterations, "int32") },
      ...slotNames(this.#optimizer).flatMap((slot, k) =>
        weights.map((w, i) => ({ name: `${w.name}/${slot}`, tensor: shaped(state.slots[k][i], w) }))
      ),
    ];
    await this.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  dispose(): void {
    this.#graph.dispose();
  }
}

/** The graph form of a kit optimizer, or null for one the graph does not compile. */
function graphOptimizer(optimizer: tf.Optimizer): GraphOptimizer | null {
  // tf.Optimizer's Symbol.hasInstance accepts any optimizer, so compare class names.
  switch (optimizer.getClassName()) {
    case FlatAdam.className: {
      const adam = optimizer as FlatAdam;
      return { kind: "adam", beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon };
    }
    case TorchRMSprop.className: {
      const r = optimizer as TorchRMSprop;
      return {
        kind: "rmsprop",
        alpha: r.alpha,
        epsilon: r.epsilon,
        weightDecay: r.weightDecay,
        momentum: r.momentum,
      };
    }
    default:
      return null;
  }
}
