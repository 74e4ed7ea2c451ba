/**
 * Training: recipes, the seeded training loop, checkpoints and progress displays.
 * (`notebook_progress.ts` is not re-exported: only notebooks import it.)
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { getRecipe, train } from "./mod.ts";
 * import { getModelSpec } from "../models/mod.ts";
 * import { barDigits } from "../testing.ts";
 * await tf.setBackend("cpu");
 * const result = await train(getModelSpec("logistic-regression"), { train: barDigits(20, 1) },
 *   getRecipe("baseline-adam"), { epochs: 1 });
 * ok(result.history[0].loss > 0);
 * result.model.dispose();
 * ```
 *
 * @module
 */
export * from "./recipes.ts";
export * from "./train.ts";
export * from "./history.ts";
export * from "./checkpoint.ts";
export * from "./recipe_data.ts";
export * from "./progress.ts";
export * from "./schedule.ts";
export { makeOptimizer, setLearningRate, TorchRMSprop } from "./optimizers.ts";
export { evaluateArrays, trainStep } from "./step.ts";
export {
  type EngineChoice,
  graphUnavailableReason,
  makeStepEngine,
  parseEngineChoice,
  type PendingStep,
  type StepEngine,
} from "./engines.ts";
export { EpochBatches, toTrainingArrays } from "./batches.ts";
export { fileHandler } from "./file_io.ts";
export * from "./run_record.ts";
