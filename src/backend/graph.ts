/**
 * The compiled-graph engine's surface for the stages above the backend: models compile their
 * forward pass ({@link InferenceGraph}) and training compiles whole steps ({@link TrainingGraph})
 * through these names only, re-exported by `src/backend/mod.ts`. Everything else under
 * `backend/tensorflow/graph/` is the engine's own business.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { graphAvailable } from "./graph.ts";
 * strictEqual(typeof graphAvailable(), "boolean");
 * ```
 *
 * @module
 */
import { loadedTensorflowBackend } from "./tensorflow/mod.ts";

export {
  type GraphOptimizer,
  type GraphStepResult,
  type OpTiming,
  type Precision,
  type StepInputs,
  TrainingGraph,
} from "./tensorflow/graph/training_graph.ts";
export { shardedThreads, trainingThreads } from "./tensorflow/graph/shards.ts";
export { InferenceGraph } from "./tensorflow/graph/inference_graph.ts";
export { graphLayers, modelGraphMissing } from "./tensorflow/graph/model_layers.ts";
export { slotNames } from "./tensorflow/graph/updates.ts";
export { bfloat16MissingReason } from "./tensorflow/graph/session.ts";
export { graphApiMissingReason } from "./tensorflow/graph/capi.ts";
export { batchNormTraining } from "./tensorflow/batch_norm.ts";

/**
 * True when the native `tensorflow` backend is loaded, so compiled graphs can run.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { graphAvailable } from "./graph.ts";
 * ok(graphAvailable() === true || graphAvailable() === false);
 * ```
 */
export function graphAvailable(): boolean {
  return loadedTensorflowBackend() !== undefined;
}

/**
 * Intra- and inter-op threads of the loaded `tensorflow` backend (compiled graphs use the
 * same), or undefined when it is not loaded.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { graphThreads } from "./graph.ts";
 * const threads = graphThreads();
 * ok(threads === undefined || threads.intraOp >= 1);
 * ```
 */
export function graphThreads(): { intraOp: number; interOp: number } | undefined {
  return loadedTensorflowBackend()?.threads;
}
