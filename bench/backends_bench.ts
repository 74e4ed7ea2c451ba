/**
 * Training throughput of the 34,826-parameter Keras CNN (`keras-mnist-convnet` from the model
 * zoo) with Adam, on every available backend. One bench iteration is one training step, so
 * images/s = batch / time per iteration; a summary in images/s is printed at the end.
 *
 * ```sh
 * nice -n 10 deno bench --allow-all bench/backends_bench.ts
 * ```
 *
 * The pure-JS `cpu` backend trains at ~1 image/s, so it runs one step of 8 images.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, describeBackends, initBackend } from "../src/backend/mod.ts";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import {
  medianImagesPerSecond,
  type TrainingStepTimer,
  trainingStepTimer,
} from "../src/backend/throughput.ts";

const PLAN: Record<BackendName, { batch: number; n: number; warmup: number }> = {
  tensorflow: { batch: 128, n: 20, warmup: 3 },
  wasm: { batch: 128, n: 5, warmup: 1 },
  cpu: { batch: 8, n: 1, warmup: 0 },
};

const { backends } = await describeBackends("auto");
const available = backends.filter((b) => b.state !== "missing").map((b) => b.name);
const seconds: Partial<Record<BackendName, number[]>> = {};

for (const name of available) {
  const { batch, n, warmup } = PLAN[name];
  let timer: TrainingStepTimer | undefined;
  Deno.bench({
    name: `${name}: keras-mnist-convnet Adam train step, batch ${batch}`,
    group: "train-step",
    n,
    warmup,
    async fn(b) {
      if (!timer || tf.getBackend() !== name) {
        await initBackend(name);
        const model = buildModel(getModelSpec("keras-mnist-convnet"), { seed: 1 });
        timer = trainingStepTimer(model, batch, 1);
      }
      b.start();
      (seconds[name] ??= []).push(await timer.step());
      b.end();
    },
  });
}

globalThis.addEventListener("unload", () => {
  for (const [name, times] of Object.entries(seconds)) {
    const rate = medianImagesPerSecond(times, PLAN[name as BackendName].batch);
    console.log(
      `${name.padEnd(10)} ${rate.toFixed(1).padStart(8)} images/s training ` +
        `(median of ${times.length} steps)`,
    );
  }
});
