/**
 * Model zoo: specs as plain data, building them into tfjs models, layer tables.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildModel, getModelSpec } from "./mod.ts";
 * await tf.setBackend("cpu");
 * const model = buildModel(getModelSpec("mdsist-cnn"), { seed: 42 });
 * strictEqual(model.countParams(), 206922);
 * model.dispose();
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./build.ts";
export { FusedBatchNormalization } from "./batch_norm_layer.ts";
export * from "./cards.ts";
export * from "./baselines.ts";
export * from "./zoo.ts";
export * from "./summary.ts";
export type { Classifier } from "./classifier.ts";
export * from "./tf_classifier.ts";
