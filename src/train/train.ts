/**
 * `train(spec, data, recipe, options)`: the training loop shared by notebooks and the CLI.
 * Seeded shuffling, per-batch augmentation and dropout seeds all draw from one {@link Random},
 * whose state is checkpointed with the weights and the optimizer, so a resumed run continues the
 * same stream. Per-batch losses stay on the device and are read every `syncEvery` batches.
 *
 * Determinism: with the same seed, data and backend, `cpu` and `wasm` give bit-identical
 * weights (tested), and so does `tensorflow` with 2 intra-op threads on the project machines,
 * on both engines (tested in-process, resume included; two separate CLI runs also produced
 * identical `weights.bin`). libtensorflow does not promise it: another thread count, CPU or
 * oneDNN build may change float summation order, so on `tensorflow` only same-machine,
 * same-thread-count runs are expected to match. The `graph` and `eager` engines agree to float
 * round-off, not bit for bit (dropout masks come from different generators).
 *
 * @module
 */
import type { ModelSpec } from "../models/spec.ts";
import type { Recipe } from "./recipes.ts";
import {
  abandonRun,
  announceStart,
  closeSteps,
  finishRun,
  recordEpoch,
  startRun,
  trainEpoch,
} from "./train_steps.ts";
import type { TrainData, TrainOptions, TrainResult } from "./train_types.ts";

export type * from "./train_types.ts";
export { DivergedError, TrainingInterrupted } from "./train_steps.ts";

/**
 * Trains `spec` on `data` with `recipe`: set up (fresh or resumed), then train and record each
 * epoch, then keep the chosen weights and write the run folder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { train } from "./train.ts";
 * import { getRecipe } from "./recipes.ts";
 * import { getModelSpec } from "../models/zoo.ts";
 * await tf.setBackend("cpu");
 * const ds = { name: "tiny", images: new Uint8Array(8 * 784), labels: new Uint8Array(8),
 *   count: 8, classNames: ["0","1","2","3","4","5","6","7","8","9"], source: "", checksum: "" };
 * const result = await train(getModelSpec("logistic-regression"), { train: ds },
 *   getRecipe("baseline-adam"), { epochs: 1, seed: 1 });
 * strictEqual(result.history.length, 1);
 * result.model.dispose();
 * ```
 */
export async function train(
  spec: ModelSpec,
  data: TrainData,
  recipe: Recipe,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const run = await startRun(spec, data, recipe, options);
  announceStart(run);
  try {
    for (let epoch = run.history.length + 1; epoch <= run.epochs; epoch++) {
      await recordEpoch(run, await trainEpoch(run, epoch));
    }
  } catch (error) {
    abandonRun(run);
    throw error;
  } finally {
    closeSteps(run);
  }
  return await finishRun(run);
}
