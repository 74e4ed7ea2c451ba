/**
 * A whole training step of a tfjs Sequential model as one TensorFlow graph: forward pass in
 * training mode ({@link ./layers.ts}), the kit's clipped cross-entropy, gradients from
 * TensorFlow's C++ gradient registry, and the optimizer update of the kit's tfjs optimizer
 * ({@link ./updates.ts}) — run by one `TF_SessionRun` per batch instead of ~200 eager
 * dispatches through tfjs. Grappler and oneDNN then fuse and schedule the step as Keras'
 * compiled `train_step` would be.
 *
 * The weights live in graph variables while an epoch runs; {@link TrainingGraph.load} copies
 * them (and the optimizer's slots) in from the tfjs model and {@link TrainingGraph.read} back
 * out, so checkpoints, validation and evaluation keep using the tfjs model.
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import type { OpTiming } from "./step_stats.ts";
import { type Attr, Graph, type HostTensor } from "./graph.ts";
import { Session } from "./session.ts";
import { type GraphLayer, layerOps, type TrainingContext, unsupportedLayer } from "./layers.ts";
import { pointwiseAfterPooling } from "./layer_rewrites.ts";
import { perLayerInputs, splitRows } from "./shards.ts";
import {
  type GraphOptimizer,
  makeUpdater,
  scratchNames,
  slotNames,
  type StepScalarName,
  stepScalars,
} from "./updates.ts";

export type { GraphLayer } from "./layers.ts";
export { unsupportedLayer } from "./layers.ts";
export type { GraphOptimizer } from "./updates.ts";
export type { OpTiming } from "./step_stats.ts";

const F32: Attr = { type: DataType.float };

/** Settings of the compiled step. */
export interface TrainingGraphOptions {
  classCount: number;
  /** Label smoothing ε (targets (1−ε)·onehot + ε/K). */
  labelSmoothing?: number;
  /** Probabilities are clipped to [ε, 1 − ε] before the log (Keras' ε is 1e-7). */
  probabilityClip: number;
  optimizer: GraphOptimizer;
  threads: { intraOp: number; interOp: number };
  /** bfloat16 mixed precision (see `SessionOptions` in session.ts); float32 by default. */
  precision?: Precision;
  /**
   * Independent copies of the model trained in one step on the same batch (several seeds of
   * one architecture, each with its own weights, slots and dropout seeds; the step minimises
   * the sum of their losses, so each copy gets exactly its own gradient). 1 by default.
   * `load`/`read` order: every weight of copy 0, then of copy 1, …; the step's loss and
   * correct count are copy 0's.
   */
  copies?: number;
  /**
   * Parts each batch is split into, whose forward and backward passes are independent ops
   * that the executor's inter-op threads run side by side (give each one intra-op thread);
   * their gradients add up to the whole batch's, so the step is the same up to float
   * rounding, with dropout masks from other random streams. Not for models with batch
   * normalisation (its statistics are the whole batch's). 1 by default.
   */
  shards?: number;
}

/** Arithmetic of the compiled step. */
export type Precision = "float32" | "bfloat16";

/** Loss and correct count of one step, as plain numbers. */
export interface GraphStepResult {
  loss: number;
  correct: number;
}

/** Values of every variable of the graph. */
export interface GraphState {
  weights: Float32Array[];
  /** Optimizer slots: `slots[k][i]` is slot k (see `slotNames`) of weight i. */
  slots: Float32Array[][];
  /** Batch norm moving statistics, in layer order. */
  state: Float32Array[];
}

/** The outputs and update op of one way to run a step. */
interface StepPath {
  loss: Output;
  correct: Output;
  update: Deno.PointerObject;
}

/** Per-step inputs besides the batch. */
export type StepInputs = Partial<Record<StepScalarName, number>> & { dropoutSeeds: number[] };

interface Variable {
  handle: Output;
  read: Output;
  shape: number[];
  /** Placeholder and assign op that load a value from the host. */
  init: { value: Output; assign: Deno.PointerObject };
}

/** Resource variables are named uniquely in the process, whatever graph holds them. */
let variableCount = 0;

/**
 * The compiled training step of one model. Build it from the model's layers, {@link load} the
 * current values, then call {@link step} per batch.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { buildModel, getModelSpec } from "../../../models/mod.ts";
 * import { graphLayers } from "./model_layers.ts";
 * import { TrainingGraph } from "./training_graph.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * const model = buildModel(getModelSpec("logistic-regression"));
 * const graph = new TrainingGraph(graphLayers(model), { classCount: 10, probabilityClip: 1e-7,
 *   optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
 *   threads: { intraOp: 2, interOp: 1 } });
 * const weights = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
 * const zeros = weights.map((w) => new Float32Array(w.length)); // Adam's m and v start at 0
 * graph.load({ weights, slots: [zeros, zeros], state: [] });
 * const images = new Float32Array(4 * 784), labels = new Int32Array([0, 1, 2, 3]);
 * const { loss, correct } = await graph.step(images, labels, 4, { learningRate: 1e-3,
 *   oneMinusBeta1Power: 0.1, oneMinusBeta2Power: 0.001, dropoutSeeds: [] });
 * strictEqual(loss.toFixed(4), "2.3026"); // blank images: uniform output, ln 10
 * ok(correct >= 0 && correct <= 4);
 * graph.dispose();
 * model.dispose();
 * ```
 */
export class TrainingGraph {
  readonly #graph = new Graph();
  readonly #session: Session;
  readonly #weights: Variable[] = [];
  /** `#slots[k][i]`: slot k of weight i. */
  readonly #slots: Variable[][];
  /** `#scratch[k][i]`: working variable k of weight i's update (not state). */
  readonly #scratch: Variable[][];
  readonly #state: Variable[] = [];
  readonly #stateUpdates: Deno.PointerObject[] = [];
  readonly #inputs: { x: Output; labels: Output };
  readonly #scalars: Partial<Record<StepScalarName, Output>> = {};
  readonly #dropoutSeeds: Output[] = [];
  /** The step over the whole batch, and over its shards when there are several. */
  readonly #whole: StepPath;
  readonly #split: StepPath | undefined;
  readonly #shards: number;

  constructor(layers: GraphLayer[], readonly options: TrainingGraphOptions) {
    for (const layer of layers) {
      const reason = unsupportedLayer(layer);
      if (reason) throw new Error(`the training graph does not support ${reason}`);
    }
    const g = this.#graph;
    const slots = slotNames(options.optimizer);
    this.#slots = slots.map(() => []);
    const scratch = scratchNames(options.optimizer);
    this.#scratch = scratch.map(() => []);
    this.#inputs = {
      x: g.placeholder("x", "float32", [-1, 28, 28, 1]),
      labels: g.placeholder("labels", "int32", [-1]),
    };
    for (const name of stepScalars(options.optimizer)) {
      this.#scalars[name] = g.placeholder(name, "float32", []);
    }
    const copies = options.copies ?? 1;
    const shards = options.shards ?? 1;
    if (shards > 1 && layers.some((layer) => layer.state.length > 0)) {
      throw new Error(
        "the training graph cannot split the batch of a model with batch normalisation " +
          "(its statistics are the whole batch's)",
      );
    }
    const rewritten = pointwiseAfterPooling(layers);
    // Each copy's weights and dropout seeds, shared by its shards and by both step paths.
    const reads = Array.from({ length: copies }, () => perLayerInputs());
    const seeds: Output[][] = Array.from({ length: copies }, () => []);
    const update = makeUpdater(
      g,
      options.optimizer,
      this.#scalars as Record<StepScalarName, Output>,
    );
    /** The forward, backward and update ops of a step over the batch in `parts`. */
    const stepPath = (parts: { x: Output; labels: Output }[]): StepPath => {
      // Split: each copy's loss is its shards' summed losses over the whole batch's size.
      const count = parts.length === 1 ? undefined : g.op("Cast", [
        g.op("Size", [this.#inputs.labels], {
          T: { type: DataType.int32 },
          out_type: { type: DataType.int32 },
        })[0],
      ], { SrcT: { type: DataType.int32 }, DstT: F32 })[0];
      const losses: Output[] = [];
      const corrects: Output[] = [];
      for (let copy = 0; copy < copies; copy++) {
        const sums: Output[] = [];
        const hits: Output[] = [];
        parts.forEach((part, shard) => {
          let dropoutIndex = 0;
          const context: TrainingContext = {
            graph: g,
            training: true,
            trainable: (layer: GraphLayer, index: number) =>
              reads[copy](layer, index, () => {
                const w = layer.weights[index];
                this.#weights.push(this.#variable(w.name, w.shape));
                slots.forEach((slot, k) =>
                  this.#slots[k].push(this.#variable(`${w.name}/${slot}`, w.shape))
                );
                scratch.forEach((name, k) =>
                  this.#scratch[k].push(this.#variable(`${w.name}/${name}`, w.shape))
                );
                return this.#weights.at(-1)!.read;
              }),
            dropoutSeed: () => {
              const i = dropoutIndex++;
              if (!seeds[copy][i]) {
                seeds[copy][i] = g.placeholder("dropout_seed", "int64", [2]);
                this.#dropoutSeeds.push(seeds[copy][i]);
              }
              if (shard === 0) return seeds[copy][i];
              // Another shard of the same step: the same seed, another stream.
              const offset = g.op("Cast", [g.constant([0, shard], [2], "int32")], {
                SrcT: { type: DataType.int32 },
                DstT: { type: DataType.int64 },
              })[0];
              return g.op("AddV2", [seeds[copy][i], offset], { T: { type: DataType.int64 } })[0];
            },
            state: (name: string, shape: number[], update: (current: Output) => Output) => {
              const variable = this.#variable(name, shape);
              this.#state.push(variable);
              this.#stateUpdates.push(this.#assign(variable.handle, update(variable.read)));
            },
          };
          let h = part.x;
          for (const layer of rewritten) h = layerOps(context, layer, h);
          const reduce = parts.length === 1 ? "mean" : "sum";
          const { loss, correct } = this.#lossAndCorrect(h, part.labels, reduce);
          sums.push(loss);
          hits.push(correct);
        });
        losses.push(
          count === undefined
            ? sums[0]
            : g.op("RealDiv", [this.#addN(sums), count], { T: F32 }, { name: "loss" })[0],
        );
        corrects.push(this.#addN(hits));
      }
      const grads = g.gradients(this.#addN(losses), this.#weights.map((w) => w.read));
      const forward = [...losses, ...corrects].map((output) => output.op);
      const updates = grads.flatMap((gradient, i) =>
        update({
          weight: this.#weights[i],
          slots: this.#slots.map((list) => list[i]),
          scratch: this.#scratch.map((list) => list[i]),
          gradient,
        }, forward)
      );
      return {
        loss: losses[0],
        correct: corrects[0],
        update: g.operation("NoOp", [], {}, {
          name: "train_step",
          control: [...updates, ...this.#stateUpdates],
        }),
      };
    };
    // A batch smaller than the shard count runs whole (oneDNN mis-shapes empty parts).
    this.#whole = stepPath([this.#inputs]);
    this.#split = shards > 1
      ? stepPath(
        splitRows(g, [[this.#inputs.x, "float32"], [this.#inputs.labels, "int32"]], shards).map((
          [x, labels],
        ) => ({
          x,
          labels,
        })),
      )
      : undefined;
    this.#shards = shards;
    this.#session = new Session(g, {
      ...options.threads,
      bfloat16: options.precision === "bfloat16",
    });
  }

  /** Number of dropout layers (one seed each per step). */
  get dropoutCount(): number {
    return this.#dropoutSeeds.length;
  }

  /** Copies `state` into the graph's variables (shapes as declared). */
  load(state: GraphState): void {
    const groups: [Variable[], Float32Array[]][] = [
      [this.#weights, state.weights],
      ...this.#slots.map((list, k): [Variable[], Float32Array[]] => [list, state.slots[k] ?? []]),
      [this.#state, state.state],
    ];
    const feeds: [Output, HostTensor][] = [];
    const targets: Deno.PointerObject[] = [];
    for (const [variables, values] of groups) {
      if (variables.length !== values.length) {
        throw new Error(`load: expected ${variables.length} arrays, got ${values.length}`);
      }
      variables.forEach((variable, i) => {
        feeds.push([variable.init.value, {
          dtype: "float32",
          shape: variable.shape,
          data: values[i],
        }]);
        targets.push(variable.init.assign);
      });
    }
    this.#session.run(feeds, [], targets);
  }

  /** Current values of every variable. */
  read(): GraphState {
    const all = [this.#weights, ...this.#slots, this.#state];
    const values = this.#session.run([], all.flat().map((v) => v.read));
    let at = 0;
    const take = (n: number) => values.slice(at, at += n);
    return {
      weights: take(this.#weights.length),
      slots: this.#slots.map((list) => take(list.length)),
      state: take(this.#state.length),
    };
  }

  /**
   * One training step on `count` images (NHWC floats in [0, 1]) and their labels, run on a
   * worker thread after the steps started before it. The inputs are copied before this
   * returns.
   */
  step(
    images: Float32Array,
    labels: Int32Array,
    count: number,
    inputs: StepInputs,
  ): Promise<GraphStepResult> {
    const path = this.#path(count);
    return this.#session.runAsync(this.#feeds(images, labels, count, inputs), [
      path.loss,
      path.correct,
    ], [path.update])
      .then(([loss, correct]) => ({ loss: loss[0], correct: correct[0] }));
  }

  /** Shards of a step over `count` images: the batch runs whole when it has fewer images. */
  shardsFor(count: number): number {
    return count >= this.#shards ? this.#shards : 1;
  }

  #path(count: number): StepPath {
    return this.shardsFor(count) > 1 ? this.#split! : this.#whole;
  }

  /**
   * {@link step} traced by libtensorflow: the step's effects are the same, and each op's time
   * comes back (grappler's rewritten op types, e.g. `_MklNativeConv2D`).
   */
  traceStep(
    images: Float32Array,
    labels: Int32Array,
    count: number,
    inputs: StepInputs,
  ): Promise<OpTiming[]> {
    return this.#session.traceAsync(this.#feeds(images, labels, count, inputs), [], [
      this.#path(count).update,
    ]).then((run) => run.ops);
  }

  #feeds(
    images: Float32Array,
    labels: Int32Array,
    count: number,
    inputs: StepInputs,
  ): [Output, HostTensor][] {
    if (inputs.dropoutSeeds.length !== this.#dropoutSeeds.length) {
      throw new Error(`step: expected ${this.#dropoutSeeds.length} dropout seeds`);
    }
    const feeds: [Output, HostTensor][] = [
      [this.#inputs.x, { dtype: "float32", shape: [count, 28, 28, 1], data: images }],
      [this.#inputs.labels, { dtype: "int32", shape: [count], data: labels }],
      ...this.#dropoutSeeds.map((seed, i): [Output, HostTensor] => [seed, {
        dtype: "int64",
        shape: [2],
        data: new BigInt64Array([BigInt(inputs.dropoutSeeds[i]), 0n]),
      }]),
    ];
    for (const [name, placeholder] of Object.entries(this.#scalars)) {
      const value = inputs[name as StepScalarName];
      if (value === undefined) throw new Error(`step: missing input ${name}`);
      feeds.push([placeholder, { dtype: "float32", shape: [], data: new Float32Array([value]) }]);
    }
    return feeds;
  }

  /** Resolves when every step started so far has finished. */
  whenIdle(): Promise<void> {
    return this.#session.whenIdle();
  }

  /** Frees the session and the graph (after steps still running). */
  dispose(): void {
    this.#session.dispose();
    this.#session.whenIdle().then(() => this.#graph.dispose());
  }

  #variable(name: string, shape: number[]): Variable {
    const g = this.#graph;
    const handle = g.op("VarHandleOp", [], {
      dtype: F32,
      shape: { shape },
      shared_name: { string: `digitkit/${++variableCount}/${name}` },
    }, { name: "var" })[0];
    const read = g.op("ReadVariableOp", [handle], { dtype: F32 }, { name: "read" })[0];
    const value = g.placeholder("init_value", "float32", shape);
    const assign = this.#assign(handle, value);
    return { handle, read, shape, init: { value, assign } };
  }

  #assign(variable: Output, value: Output): Deno.PointerObject {
    return this.#graph.operation("AssignVariableOp", [variable, value], { dtype: F32 }, {
      name: "assign",
    });
  }

  /** The sum of several outputs (the output itself when there is one). */
  #addN(outputs: Output[]): Output {
    if (outputs.length === 1) return outputs[0];
    return this.#graph.op("AddN", [outputs], { N: { int: outputs.length }, T: F32 })[0];
  }

  /**
   * Cross-entropy of `probs` against `labels` (its mean over the images, or for one shard of a
   * batch the sum, which the caller divides by the batch size) and the number of correct
   * predictions.
   */
  #lossAndCorrect(
    probs: Output,
    labels: Output,
    reduce: "mean" | "sum",
  ): { loss: Output; correct: Output } {
    const g = this.#graph;
    const T = { T: F32 };
    const k = this.options.classCount;
    const smoothing = this.options.labelSmoothing ?? 0;
    let target = g.op("OneHot", [
      labels,
      g.constant([k], [], "int32"),
      g.constant([1], []),
      g.constant([0], []),
    ], { T: F32, TI: { type: DataType.int32 }, axis: { int: -1 } })[0];
    if (smoothing > 0) {
      target = g.op("AddV2", [
        g.op("Mul", [target, g.constant([1 - smoothing], [])], T)[0],
        g.constant([smoothing / k], []),
      ], T)[0];
    }
    const clipped = g.op("Maximum", [
      g.op("Minimum", [probs, g.constant([1 - this.options.probabilityClip], [])], T)[0],
      g.constant([this.options.probabilityClip], []),
    ], T)[0];
    const logProbs = g.op("Log", [clipped], T)[0];
    const perImage = g.op("Sum", [
      g.op("Mul", [target, logProbs], T)[0],
      g.constant([-1], [], "int32"),
    ], { ...T, Tidx: { type: DataType.int32 }, keep_dims: { bool: false } })[0];
    const mean = g.op(reduce === "mean" ? "Mean" : "Sum", [
      perImage,
      g.constant([0], [1], "int32"),
    ], {
      ...T,
      Tidx: { type: DataType.int32 },
      keep_dims: { bool: false },
    })[0];
    const loss = g.op("Neg", [mean], T, { name: "loss" })[0];
    const predicted = g.op("ArgMax", [probs, g.constant([1], [], "int32")], {
      ...T,
      Tidx: { type: DataType.int32 },
      output_type: { type: DataType.int32 },
    })[0];
    const hits = g.op("Cast", [
      g.op("Equal", [predicted, labels], { T: { type: DataType.int32 } })[0],
    ], { SrcT: { type: DataType.bool }, DstT: F32 })[0];
    const correct = g.op("Sum", [hits, g.constant([0], [1], "int32")], {
      ...T,
      Tidx: { type: DataType.int32 },
      keep_dims: { bool: false },
    }, { name: "correct" })[0];
    return { loss, correct };
  }
}
