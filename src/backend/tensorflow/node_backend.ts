/**
 * The slice of tfjs-node's `NodeJSKernelBackend` that digitkit's own `tensorflow` kernels use:
 * running a libtensorflow op by name with typed attributes.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** tfjs-node's backend object, as the kernels here call it. */
export interface NodeBackend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.TensorInfo;
  executeMultipleOutputs(
    name: string,
    attrs: OpAttr[],
    inputs: tf.TensorInfo[],
    outputs: number,
  ): tf.TensorInfo[];
}

/** One attribute of a libtensorflow op (`type` is a `TF_ATTR_*` constant of the binding). */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/**
 * The `T: float32` attribute most ops take (`name` for ops with other type attributes, e.g. `U`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { floatType } from "./node_backend.ts";
 * const fake = { binding: { TF_ATTR_TYPE: 7, TF_FLOAT: 1 } } as never;
 * strictEqual(floatType(fake).value, 1);
 * ```
 */
export function floatType(backend: NodeBackend, name = "T"): OpAttr {
  return { name, type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}
