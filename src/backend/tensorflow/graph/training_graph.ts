/**
 * A whole training step of a tfjs Sequential model as one TensorFlow graph: forward pass in
 * training mode, the kit's clipped cross-entropy, gradients from TensorFlow's C++ gradient
 * registry, and Adam updates with the arithmetic of {@link ../../../train/flat_adam.ts} — run
 * by one `TF_SessionRun` per batch instead of ~200 eager dispatches through tfjs. Grappler and
 * oneDNN then fuse and schedule the step as Keras' compiled `train_step` would be.
 *
 * The weights live in graph variables while an epoch runs; {@link TrainingGraph.load} copies
 * them (and Adam's moments) in from the tfjs model and {@link TrainingGraph.read} back out, so
 * checkpoints, validation and evaluation keep using the tfjs model.
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import { type Attr, Graph, type HostTensor, Session } from "./graph.ts";

/** Probability clip of the loss, as Keras' `categorical_crossentropy` and `train/step.ts`. */
const PROB_EPSILON = 1e-7;

const F32: Attr = { type: DataType.float };

/** One layer as tfjs-layers reports it: class name, config, weight shapes in order. */
export interface GraphLayer {
  className: string;
  config: Record<string, unknown>;
  /** Trainable weights, in the model's `trainableWeights` order. */
  weights: { name: string; shape: number[] }[];
  /** Output shape without the batch dimension's `null` (e.g. `[null, 1600]` → `[-1, 1600]`). */
  outputShape: number[];
  /** Non-trainable state the layer updates in training (batch norm moving mean, variance). */
  state: { name: string; shape: number[] }[];
}

/** Settings of the compiled step. */
export interface TrainingGraphOptions {
  classCount: number;
  /** Label smoothing ε (targets (1−ε)·onehot + ε/K). */
  labelSmoothing?: number;
  adam: { beta1: number; beta2: number; epsilon: number };
  threads: { intraOp: number; interOp: number };
}

/** Loss and correct count of one step, as plain numbers. */
export interface GraphStepResult {
  loss: number;
  correct: number;
}

/** Values of every variable of the graph, in declaration order. */
export interface GraphState {
  weights: Float32Array[];
  /** Adam's first and second moments per weight. */
  m: Float32Array[];
  v: Float32Array[];
  /** Batch norm moving statistics, in layer order. */
  state: Float32Array[];
}

/** Why a layer cannot be compiled, or undefined when it can. */
export function unsupportedLayer(layer: GraphLayer): string | undefined {
  const c = layer.config;
  switch (layer.className) {
    case "Rescaling":
    case "ZeroPadding2D":
    case "MaxPooling2D":
    case "AveragePooling2D":
    case "Flatten":
    case "GlobalAveragePooling2D":
      return undefined;
    case "Dropout":
      return c.noiseShape == null ? undefined : "Dropout with a noise shape";
    case "Conv2D": {
      const dilation = c.dilationRate as number[] | number | undefined;
      const dilated = Array.isArray(dilation)
        ? dilation.some((d) => d !== 1)
        : (dilation ?? 1) !== 1;
      if (dilated) return "dilated Conv2D";
      return activationOp(c.activation as string) === null
        ? `activation ${c.activation}`
        : undefined;
    }
    case "Dense":
    case "Activation":
      return activationOp(c.activation as string) === null
        ? `activation ${c.activation}`
        : undefined;
    case "BatchNormalization":
      return c.center === false || c.scale === false
        ? "BatchNormalization without center/scale"
        : undefined;
    default:
      return `layer ${layer.className}`;
  }
}

function activationOp(name: string | undefined): string | null | undefined {
  switch (name ?? "linear") {
    case "linear":
      return undefined;
    case "relu":
      return "Relu";
    case "tanh":
      return "Tanh";
    case "sigmoid":
      return "Sigmoid";
    case "elu":
      return "Elu";
    case "selu":
      return "Selu";
    case "softmax":
      return "Softmax";
    default:
      return null;
  }
}

const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)];

interface Variable {
  handle: Output;
  read: Output;
  shape: number[];
  /** Placeholder and assign op that load a value from the host. */
  init: { value: Output; assign: Deno.PointerObject };
}

/**
 * The compiled training step of one model. Build it from the model's layers, {@link load} the
 * current values, then call {@link step} per batch.
 *
 * @example
 * ```ts ignore
 * import { TrainingGraph } from "./training_graph.ts";
 * const graph = new TrainingGraph(layers, { classCount: 10,
 *   adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, threads: { intraOp: 2, interOp: 1 } });
 * graph.load(state);
 * const { loss, correct } = graph.step(images, labels, 128, { learningRate: 1e-3,
 *   oneMinusBeta1Power: 0.1, oneMinusBeta2Power: 0.001, dropoutSeeds: [7] });
 * ```
 */
export class TrainingGraph {
  readonly #graph = new Graph();
  readonly #session: Session;
  readonly #weights: Variable[] = [];
  readonly #m: Variable[] = [];
  readonly #v: Variable[] = [];
  readonly #state: Variable[] = [];
  readonly #feeds: Record<"x" | "labels" | "negLr" | "bias1" | "bias2", Output>;
  readonly #dropoutSeeds: Output[] = [];
  readonly #loss: Output;
  readonly #correct: Output;
  readonly #update: Deno.PointerObject;

  constructor(layers: GraphLayer[], readonly options: TrainingGraphOptions) {
    for (const layer of layers) {
      const reason = unsupportedLayer(layer);
      if (reason) throw new Error(`the training graph does not support ${reason}`);
    }
    const g = this.#graph;
    this.#feeds = {
      x: g.placeholder("x", "float32", [-1, 28, 28, 1]),
      labels: g.placeholder("labels", "int32", [-1]),
      negLr: g.placeholder("neg_learning_rate", "float32", []),
      bias1: g.placeholder("one_minus_beta1_power", "float32", []),
      bias2: g.placeholder("one_minus_beta2_power", "float32", []),
    };
    const stateUpdates: Deno.PointerObject[] = [];
    let h = this.#feeds.x;
    for (const layer of layers) h = this.#layer(layer, h, stateUpdates);
    const probs = h;
    const { loss, correct } = this.#lossAndCorrect(probs);
    this.#loss = loss;
    this.#correct = correct;
    const grads = g.gradients(loss, this.#weights.map((w) => w.read));
    const updates = [...this.#adamUpdates(grads), ...stateUpdates];
    this.#update = g.operation("NoOp", [], {}, { name: "train_step", control: updates });
    this.#session = new Session(g, options.threads);
  }

  /** Number of dropout layers (one seed each per step). */
  get dropoutCount(): number {
    return this.#dropoutSeeds.length;
  }

  /** Copies `state` into the graph's variables (shapes as declared). */
  load(state: GraphState): void {
    const groups: [Variable[], Float32Array[]][] = [
      [this.#weights, state.weights],
      [this.#m, state.m],
      [this.#v, state.v],
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
    const all = [this.#weights, this.#m, this.#v, this.#state];
    const values = this.#session.run([], all.flat().map((v) => v.read));
    let at = 0;
    const take = (n: number) => values.slice(at, at += n);
    return {
      weights: take(this.#weights.length),
      m: take(this.#m.length),
      v: take(this.#v.length),
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
    scalars: {
      learningRate: number;
      oneMinusBeta1Power: number;
      oneMinusBeta2Power: number;
      dropoutSeeds: number[];
    },
  ): Promise<GraphStepResult> {
    if (scalars.dropoutSeeds.length !== this.#dropoutSeeds.length) {
      throw new Error(`step: expected ${this.#dropoutSeeds.length} dropout seeds`);
    }
    const scalar = (value: number): HostTensor => ({
      dtype: "float32",
      shape: [],
      data: new Float32Array([value]),
    });
    const feeds: [Output, HostTensor][] = [
      [this.#feeds.x, { dtype: "float32", shape: [count, 28, 28, 1], data: images }],
      [this.#feeds.labels, { dtype: "int32", shape: [count], data: labels }],
      [this.#feeds.negLr, scalar(-scalars.learningRate)],
      [this.#feeds.bias1, scalar(scalars.oneMinusBeta1Power)],
      [this.#feeds.bias2, scalar(scalars.oneMinusBeta2Power)],
      ...this.#dropoutSeeds.map((seed, i): [Output, HostTensor] => [seed, {
        dtype: "int64",
        shape: [2],
        data: new BigInt64Array([BigInt(scalars.dropoutSeeds[i]), 0n]),
      }]),
    ];
    return this.#session.runAsync(feeds, [this.#loss, this.#correct], [this.#update])
      .then(([loss, correct]) => ({ loss: loss[0], correct: correct[0] }));
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
      shared_name: { string: g.uniqueName(`var/${name}`) },
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

  #trainable(layer: GraphLayer, index: number): Output {
    const w = layer.weights[index];
    const variable = this.#variable(w.name, w.shape);
    this.#weights.push(variable);
    this.#m.push(this.#variable(`${w.name}/m`, w.shape));
    this.#v.push(this.#variable(`${w.name}/v`, w.shape));
    return variable.read;
  }

  #activation(name: unknown, h: Output): Output {
    const op = activationOp(name as string | undefined);
    return op ? this.#graph.op(op, [h], { T: F32 })[0] : h;
  }

  #layer(layer: GraphLayer, h: Output, stateUpdates: Deno.PointerObject[]): Output {
    const g = this.#graph;
    const c = layer.config;
    const T = { T: F32 };
    switch (layer.className) {
      case "Rescaling": {
        const scaled = g.op("Mul", [h, g.constant([Number(c.scale)], [])], T)[0];
        return g.op("AddV2", [scaled, g.constant([Number(c.offset)], [])], T)[0];
      }
      case "ZeroPadding2D": {
        const [[top, bottom], [left, right]] = c.padding as number[][];
        const paddings = g.constant([0, 0, top, bottom, left, right, 0, 0], [4, 2], "int32");
        return g.op("Pad", [h, paddings], { ...T, Tpaddings: { type: DataType.int32 } })[0];
      }
      case "Conv2D": {
        const [sh, sw] = pair(c.strides);
        const kernel = this.#trainable(layer, 0);
        let y = g.op("Conv2D", [h, kernel], {
          ...T,
          strides: { ints: [1, sh, sw, 1] },
          padding: { string: String(c.padding).toUpperCase() },
          data_format: { string: "NHWC" },
        })[0];
        if (c.useBias !== false) {
          y = g.op("BiasAdd", [y, this.#trainable(layer, 1)], {
            ...T,
            data_format: { string: "NHWC" },
          })[0];
        }
        return this.#activation(c.activation, y);
      }
      case "Dense": {
        let y = g.op("MatMul", [h, this.#trainable(layer, 0)], T)[0];
        if (c.useBias !== false) y = g.op("BiasAdd", [y, this.#trainable(layer, 1)], T)[0];
        return this.#activation(c.activation, y);
      }
      case "Activation":
        return this.#activation(c.activation, h);
      case "MaxPooling2D":
      case "AveragePooling2D": {
        const [ph, pw] = pair(c.poolSize);
        const [sh, sw] = pair(c.strides ?? c.poolSize);
        return g.op(layer.className === "MaxPooling2D" ? "MaxPool" : "AvgPool", [h], {
          ...T,
          ksize: { ints: [1, ph, pw, 1] },
          strides: { ints: [1, sh, sw, 1] },
          padding: { string: String(c.padding ?? "valid").toUpperCase() },
          data_format: { string: "NHWC" },
        })[0];
      }
      case "Flatten": {
        return g.op("Reshape", [h, this.#flatShape(layer)], {
          ...T,
          Tshape: { type: DataType.int32 },
        })[0];
      }
      case "GlobalAveragePooling2D":
        return g.op("Mean", [h, g.constant([1, 2], [2], "int32")], {
          ...T,
          Tidx: { type: DataType.int32 },
          keep_dims: { bool: false },
        })[0];
      case "Dropout":
        return this.#dropout(h, Number(c.rate));
      case "BatchNormalization":
        return this.#batchNorm(layer, h, stateUpdates);
    }
    throw new Error(`unreachable: ${layer.className}`);
  }

  #flatShape(layer: GraphLayer): Output {
    const size = layer.outputShape.slice(1).reduce((a, b) => a * b, 1);
    return this.#graph.constant([-1, size], [2], "int32");
  }

  /** tfjs' dropout: x · floor(U[0,1) + keep) / keep, with a seed fed per step. */
  #dropout(h: Output, rate: number): Output {
    const g = this.#graph;
    const T = { T: F32 };
    // Every Dropout layer takes a seed, so callers need not know which rates are 0.
    const seed = g.placeholder("dropout_seed", "int64", [2]);
    this.#dropoutSeeds.push(seed);
    if (rate === 0) return h;
    const shape = g.op("Shape", [h], { ...T, out_type: { type: DataType.int32 } })[0];
    const uniform = g.op("StatelessRandomUniform", [shape, seed], {
      dtype: F32,
      T: { type: DataType.int32 },
      Tseed: { type: DataType.int64 },
    })[0];
    const keep = 1 - rate;
    const kept = g.op("Floor", [g.op("AddV2", [uniform, g.constant([keep], [])], T)[0]], T)[0];
    const mask = g.op("RealDiv", [kept, g.constant([keep], [])], T)[0];
    return g.op("Mul", [h, mask], T)[0];
  }

  /** Training-mode FusedBatchNormV3 and the layer's moving-average update. */
  #batchNorm(layer: GraphLayer, h: Output, stateUpdates: Deno.PointerObject[]): Output {
    const g = this.#graph;
    const c = layer.config;
    const gamma = this.#trainable(layer, 0);
    const beta = this.#trainable(layer, 1);
    const empty = g.constant([], [0]);
    const outputs = g.op("FusedBatchNormV3", [h, gamma, beta, empty, empty], {
      T: F32,
      U: F32,
      epsilon: { float: Number(c.epsilon) },
      exponential_avg_factor: { float: 1 },
      data_format: { string: "NHWC" },
      is_training: { bool: true },
    }, { outputs: 6 });
    const momentum = Number(c.momentum);
    // Reserve spaces 1 and 2 hold the batch mean and biased variance on CPU (see batch_norm.ts).
    layer.state.forEach((s, i) => {
      const moving = this.#variable(s.name, s.shape);
      this.#state.push(moving);
      const batch = g.op("StopGradient", [outputs[3 + i]], { T: F32 })[0];
      const delta = g.op("Mul", [
        g.op("Sub", [moving.read, batch], { T: F32 })[0],
        g.constant([1 - momentum], []),
      ], { T: F32 })[0];
      stateUpdates.push(
        this.#assign(moving.handle, g.op("Sub", [moving.read, delta], { T: F32 })[0]),
      );
    });
    return outputs[0];
  }

  #lossAndCorrect(probs: Output): { loss: Output; correct: Output } {
    const g = this.#graph;
    const T = { T: F32 };
    const k = this.options.classCount;
    const smoothing = this.options.labelSmoothing ?? 0;
    let target = g.op("OneHot", [
      this.#feeds.labels,
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
      g.op("Minimum", [probs, g.constant([1 - PROB_EPSILON], [])], T)[0],
      g.constant([PROB_EPSILON], []),
    ], T)[0];
    const logProbs = g.op("Log", [clipped], T)[0];
    const perImage = g.op("Sum", [
      g.op("Mul", [target, logProbs], T)[0],
      g.constant([-1], [], "int32"),
    ], { ...T, Tidx: { type: DataType.int32 }, keep_dims: { bool: false } })[0];
    const mean = g.op("Mean", [perImage, g.constant([0], [1], "int32")], {
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
      g.op("Equal", [predicted, this.#feeds.labels], { T: { type: DataType.int32 } })[0],
    ], { SrcT: { type: DataType.bool }, DstT: F32 })[0];
    const correct = g.op("Sum", [hits, g.constant([0], [1], "int32")], {
      ...T,
      Tidx: { type: DataType.int32 },
      keep_dims: { bool: false },
    }, { name: "correct" })[0];
    return { loss, correct };
  }

  /** FlatAdam's update, op for op, per weight; returns the assign operations. */
  #adamUpdates(grads: Output[]): Deno.PointerObject[] {
    const g = this.#graph;
    const T = { T: F32 };
    const { beta1, beta2, epsilon } = this.options.adam;
    const b1 = g.constant([beta1], []), b2 = g.constant([beta2], []);
    const c1 = g.constant([1 - beta1], []), c2 = g.constant([1 - beta2], []);
    const eps = g.constant([epsilon], []);
    const ops: Deno.PointerObject[] = [];
    grads.forEach((grad, i) => {
      const w = this.#weights[i], m = this.#m[i], v = this.#v[i];
      const mul = (a: Output, b: Output) => g.op("Mul", [a, b], T)[0];
      const add = (a: Output, b: Output) => g.op("AddV2", [a, b], T)[0];
      const div = (a: Output, b: Output) => g.op("RealDiv", [a, b], T)[0];
      const newM = add(mul(m.read, b1), mul(grad, c1));
      const newV = add(mul(v.read, b2), mul(g.op("Square", [grad], T)[0], c2));
      const mHat = div(newM, this.#feeds.bias1);
      const vHat = div(newV, this.#feeds.bias2);
      const step = mul(div(mHat, add(g.op("Sqrt", [vHat], T)[0], eps)), this.#feeds.negLr);
      ops.push(this.#assign(m.handle, newM), this.#assign(v.handle, newV));
      ops.push(this.#assign(w.handle, add(step, w.read)));
    });
    return ops;
  }
}
