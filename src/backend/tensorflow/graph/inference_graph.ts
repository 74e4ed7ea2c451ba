/**
 * A model's forward pass in inference mode (dropout off, batch norm on its moving statistics)
 * as one libtensorflow graph: each batch is one `TF_SessionRun`, so grappler and oneDNN fuse
 * convolution, bias and activation instead of tfjs dispatching them one by one, and a batch norm
 * right after a convolution is folded into its weights ({@link ./layer_rewrites.ts}).
 *
 * The weights are fed with every batch rather than held in variables: the graph never goes
 * stale while a model keeps training, and feeding costs a copy of the weights, which is small
 * beside a batch's compute.
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import { Graph, type HostTensor } from "./graph.ts";
import { Session } from "./session.ts";
import { type GraphLayer, type InferenceContext, layerOps, unsupportedLayer } from "./layers.ts";
import { foldBatchNorm, pointwiseAfterPooling } from "./layer_rewrites.ts";
import { perLayerInputs, splitRows } from "./shards.ts";

/** The weights fed with a batch, layer by layer as in `GraphLayer.weights` and `.state`. */
export interface InferenceWeights {
  /** Trainable weights (a tfjs model's `trainableWeights` order). */
  weights: Float32Array[];
  /** Non-trainable state, batch norm's moving mean and variance (`nonTrainableWeights`). */
  state: Float32Array[];
}

/**
 * The compiled forward pass of one model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { buildModel, getModelSpec } from "../../../models/mod.ts";
 * import { InferenceGraph } from "./inference_graph.ts";
 * import { graphLayers } from "./model_layers.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * const model = buildModel(getModelSpec("mlp"));
 * const graph = new InferenceGraph(graphLayers(model), { intraOp: 2, interOp: 1 });
 * const weights = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
 * const probs = await graph.run(new Float32Array(2 * 784), 2, { weights, state: [] });
 * strictEqual(probs.length, 2 * 10);
 * strictEqual(probs.slice(0, 10).reduce((a, b) => a + b).toFixed(3), "1.000"); // softmax rows
 * graph.dispose();
 * model.dispose();
 * ```
 */
export class InferenceGraph {
  readonly #graph = new Graph();
  readonly #session: Session;
  readonly #x: Output;
  /** The output over the whole batch, and over its shards when there are several. */
  readonly #whole: Output;
  readonly #split: Output | undefined;
  readonly #shards: number;
  readonly #weights: { input: Output; shape: number[] }[] = [];
  readonly #state: { input: Output; shape: number[] }[] = [];

  /**
   * `threads.shards` (default 1) splits each batch into that many parts run side by side, one
   * per inter-op thread (see `shardedThreads`); a batch with fewer images runs whole.
   */
  constructor(
    layers: GraphLayer[],
    threads: { intraOp: number; interOp: number; shards?: number },
  ) {
    for (const layer of layers) {
      const reason = unsupportedLayer(layer);
      if (reason) throw new Error(`the inference graph does not support ${reason}`);
    }
    const g = this.#graph;
    this.#x = g.placeholder("x", "float32", [-1, 28, 28, 1]);
    const input = (list: { input: Output; shape: number[] }[], name: string, shape: number[]) => {
      list.push({ input: g.placeholder(name, "float32", shape), shape });
      return list.at(-1)!.input;
    };
    // Layers ask for each weight once, in order, so the inputs follow the model's order; every
    // shard reads the same inputs.
    const weight = perLayerInputs(), state = perLayerInputs();
    const context: InferenceContext = {
      graph: g,
      training: false,
      trainable: (layer, index) =>
        weight(layer, index, () => input(this.#weights, "weight", layer.weights[index].shape)),
      stateValue: (layer, index) =>
        state(layer, index, () => input(this.#state, "state", layer.state[index].shape)),
    };
    // The bias stays in the convolution, where oneDNN adds it in the same pass.
    const ordered = pointwiseAfterPooling(foldBatchNorm(layers), { moveBias: false });
    const forward = (x: Output) => {
      let h = x;
      for (const layer of ordered) h = layerOps(context, layer, h);
      return h;
    };
    const F32 = { type: DataType.float };
    this.#shards = threads.shards ?? 1;
    this.#whole = g.op("Identity", [forward(this.#x)], { T: F32 }, { name: "output" })[0];
    this.#split = this.#shards > 1
      ? g.op("ConcatV2", [
        splitRows(g, [[this.#x, "float32"]], this.#shards).map(([x]) => forward(x)),
        g.constant([0], [], "int32"),
      ], { T: F32, N: { int: this.#shards }, Tidx: { type: DataType.int32 } })[0]
      : undefined;
    this.#session = new Session(g, { intraOp: threads.intraOp, interOp: threads.interOp });
  }

  /**
   * The model's outputs for `count` images (NHWC floats in [0, 1]), computed on a worker
   * thread after the runs started before it. Inputs are copied before this returns.
   */
  run(images: Float32Array, count: number, values: InferenceWeights): Promise<Float32Array> {
    const feeds: [Output, HostTensor][] = [
      [this.#x, { dtype: "float32", shape: [count, 28, 28, 1], data: images }],
    ];
    const add = (
      list: { input: Output; shape: number[] }[],
      data: Float32Array[],
      what: string,
    ) => {
      if (list.length !== data.length) {
        throw new Error(
          `inference graph: expected ${list.length} ${what} arrays, got ${data.length}`,
        );
      }
      list.forEach((w, i) =>
        feeds.push([w.input, { dtype: "float32", shape: w.shape, data: data[i] }])
      );
    };
    add(this.#weights, values.weights, "weight");
    add(this.#state, values.state, "state");
    const output = count >= this.#shards && this.#split ? this.#split : this.#whole;
    return this.#session.runAsync(feeds, [output]).then(([probs]) => probs);
  }

  /** Frees the session and the graph (after runs still in flight). */
  dispose(): void {
    this.#session.dispose();
    this.#session.whenIdle().then(() => this.#graph.dispose());
  }
}
