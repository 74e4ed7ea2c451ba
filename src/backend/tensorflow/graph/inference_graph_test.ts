import assert from "node:assert/strict";
import { initBackend } from "../../mod.ts";
import { buildModel, getModelSpec } from "../../../models/mod.ts";
import { Random } from "../../../util/random.ts";
import { InferenceGraph } from "./inference_graph.ts";
import { graphLayers } from "./model_layers.ts";

Deno.test("inference graph with shards: the same outputs as whole batches, batch norm included", async () => {
  await initBackend("tensorflow");
  const random = new Random(4);
  for (const name of ["keras-mnist-convnet", "strong-cnn"]) {
    const model = buildModel(getModelSpec(name), { seed: 2 });
    const values = {
      weights: model.trainableWeights.map((w) => w.read().dataSync() as Float32Array),
      state: model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array),
    };
    const whole = new InferenceGraph(graphLayers(model), { intraOp: 1, interOp: 1 });
    const split = new InferenceGraph(graphLayers(model), { intraOp: 1, interOp: 2, shards: 2 });
    for (const count of [7, 1]) {
      const images = Float32Array.from({ length: count * 784 }, () => random.next());
      const [a, b] = await Promise.all([
        whole.run(images, count, values),
        split.run(images, count, values),
      ]);
      assert.equal(b.length, count * 10);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      assert.ok(worst < 1e-6, `${name}, ${count} images: differs by ${worst}`);
    }
    whole.dispose();
    split.dispose();
    model.dispose();
  }
});
