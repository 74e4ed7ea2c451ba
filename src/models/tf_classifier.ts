/**
 * Wraps a built or loaded tfjs model (whose first layer applies its own preprocessing) as a
 * {@link Classifier}. On the `tensorflow` backend the forward pass runs as one compiled graph
 * per batch ({@link InferenceGraph}); elsewhere, or for layers the graph does not compile,
 * through tfjs op by op.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Classifier } from "./classifier.ts";
import {
  graphLayers,
  graphThreads,
  InferenceGraph,
  modelGraphMissing,
  shardedThreads,
} from "../backend/mod.ts";

/**
 * Images per forward pass: big enough to amortise dispatch (1000 ran ~10% faster than 500 on
 * the tensorflow backend), small enough for little memory (~90 MB per conv activation).
 */
const PREDICT_BATCH = 1000;

/** Frees a classifier's compiled graph once the classifier itself is garbage. */
const graphs = new FinalizationRegistry<InferenceGraph>((graph) => graph.dispose());

/** How a classifier runs its forward passes. */
export type InferenceEngine = "graph" | "eager";

/** A {@link Classifier} over a tfjs model, naming the engine its predictions ran on. */
export interface ModelClassifier extends Classifier {
  /** `graph` on the tensorflow backend when every layer compiles, else `eager`. */
  readonly engine: InferenceEngine;
}

/**
 * A classifier over `model`, predicting in batches of 1000 with the current weights of the
 * model at each call. `engine` forces one engine (`graph` where it cannot run throws).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel } from "./build.ts";
 * import { getModelSpec } from "./zoo.ts";
 * import { modelClassifier } from "./tf_classifier.ts";
 * await tf.setBackend("cpu");
 * const clf = modelClassifier(buildModel(getModelSpec("logistic-regression")), "lr");
 * strictEqual((await clf.predict(new Float32Array(2 * 784), 2)).length, 20); strictEqual(clf.engine, "eager");
 * ```
 */
export function modelClassifier(
  model: tf.LayersModel,
  name: string,
  engine?: InferenceEngine,
): ModelClassifier {
  const classCount = model.outputs[0].shape.at(-1) as number;
  const missing = modelGraphMissing(model);
  if (engine === "graph" && missing) throw new Error(`graph inference cannot run: ${missing}`);
  const chosen = engine ?? (missing ? "eager" : "graph");
  let graph: InferenceGraph | undefined;
  /** The batch runner of one predict call: the graph reads the model's weights once per call. */
  const batchRunner = (): (images: Float32Array, count: number) => Promise<Float32Array> => {
    if (chosen === "eager") return (images, count) => eagerForward(model, images, count);
    if (!graph) {
      graph = new InferenceGraph(graphLayers(model), shardedThreads(graphThreads()!.intraOp));
      graphs.register(classifier, graph);
    }
    const values = {
      weights: model.trainableWeights.map((w) => w.read().dataSync() as Float32Array),
      state: model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array),
    };
    const compiled = graph;
    return (images, count) => compiled.run(images, count, values);
  };
  const classifier: ModelClassifier = {
    name,
    classCount,
    engine: chosen,
    async predict(images: Float32Array, count: number): Promise<Float32Array> {
      if (images.length !== count * 784) {
        throw new RangeError(`predict: expected ${count}×784 pixels, got ${images.length} values`);
      }
      const out = new Float32Array(count * classCount);
      const predictBatch = batchRunner();
      // Graph runs queue on a worker thread, so the next batch is copied in while one computes.
      const batches: Promise<void>[] = [];
      for (let from = 0; from < count; from += PREDICT_BATCH) {
        const to = Math.min(count, from + PREDICT_BATCH);
        const probs = predictBatch(images.subarray(from * 784, to * 784), to - from);
        batches.push(probs.then((p) => out.set(p, from * classCount)));
        if (chosen === "eager") await batches.at(-1);
      }
      await Promise.all(batches);
      return out;
    },
  };
  return classifier;
}

async function eagerForward(
  model: tf.LayersModel,
  images: Float32Array,
  count: number,
): Promise<Float32Array> {
  const probs = tf.tidy(() =>
    model.apply(tf.tensor4d(images, [count, 28, 28, 1]), { training: false }) as tf.Tensor
  );
  try {
    return await probs.data() as Float32Array;
  } finally {
    probs.dispose();
  }
}
