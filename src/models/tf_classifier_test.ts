/**
 * Predictions through the compiled inference graph must equal tfjs' own forward pass, follow the
 * model's weights as they change, and the engine choice must say why the graph cannot run.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "../backend/tensorflow/mod.ts";
import { Random } from "../util/random.ts";
import { buildModel } from "./build.ts";
import { EVERY_GRAPH_LAYER } from "../testing.ts";
import { modelClassifier } from "./tf_classifier.ts";
import { getModelSpec } from "./zoo.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

/** Every compiled layer kind, with a dropout that inference must switch off. */
const SPEC = {
  ...EVERY_GRAPH_LAYER,
  layers: EVERY_GRAPH_LAYER.layers.map((l) => l.kind === "dropout" ? { ...l, rate: 0.5 } : l),
};

function images(count: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return new Float32Array(count * 784).map(() => rng.next());
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/**
 * Moves every weight and batch norm statistic, so stale or misordered inputs would show, and
 * gives the zero-initialised biases values of either sign.
 */
function perturb(model: tf.LayersModel, seed: number): void {
  tf.tidy(() => {
    model.weights.forEach((w, i) => {
      const shape = w.shape as number[];
      const noise = tf.randomUniform(shape, 0.5, 1.5, "float32", seed + i);
      const shift = w.name.endsWith("/bias")
        ? tf.randomUniform(shape, -0.1, 0.1, "float32", seed + 1000 + i)
        : tf.zeros(shape);
      w.write(tf.add(tf.mul(w.read(), noise), shift));
    });
  });
}

Deno.test({
  name: "graph inference equals eager inference, across batches and after weights change",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend({ intraOpThreads: 2 });
    await tf.setBackend("tensorflow");
    const model = buildModel(SPEC, { seed: 5 });
    perturb(model, 1);
    const graph = modelClassifier(model, "every-layer");
    const eager = modelClassifier(model, "every-layer", "eager");
    assert.equal(graph.engine, "graph");
    assert.equal(eager.engine, "eager");
    // 1,003 images: one full batch of 1000 and a partial one.
    const x = images(1003, 2);
    const [g, e] = [await graph.predict(x, 1003), await eager.predict(x, 1003)];
    assert.ok(maxDifference(g, e) < 1e-5, `graph vs eager: ${maxDifference(g, e)}`);
    const firstRow = g.subarray(0, 10).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(firstRow - 1) < 1e-5, `row sums to ${firstRow}`);
    // The same classifier sees the model's new weights on its next call.
    perturb(model, 100);
    const [g2, e2] = [await graph.predict(x, 1003), await eager.predict(x, 1003)];
    assert.ok(maxDifference(g2, g) > 1e-3, "predictions did not follow the new weights");
    assert.ok(maxDifference(g2, e2) < 1e-5, `after the change: ${maxDifference(g2, e2)}`);
    model.dispose();
  },
});

Deno.test({
  name: "graph inference of a zoo CNN equals eager inference",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend({ intraOpThreads: 2 });
    await tf.setBackend("tensorflow");
    const model = buildModel(getModelSpec("keras-mnist-convnet"), { seed: 1 });
    const x = images(64, 3);
    const graph = await modelClassifier(model, "keras").predict(x, 64);
    const eager = await modelClassifier(model, "keras", "eager").predict(x, 64);
    assert.ok(maxDifference(graph, eager) < 1e-5, `${maxDifference(graph, eager)}`);
    model.dispose();
  },
});

Deno.test({
  name: "graph inference folds conv → batch norm pairs and still equals eager inference",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend({ intraOpThreads: 2 });
    await tf.setBackend("tensorflow");
    // strong-cnn: seven conv → BN → ReLU blocks; and a conv without bias before its BN.
    const strong = buildModel(getModelSpec("strong-cnn"), { seed: 2 });
    const noBias = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, useBias: false }),
        tf.layers.batchNormalization({ epsilon: 1e-3 }),
        tf.layers.activation({ activation: "relu" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: "softmax" }),
      ],
    });
    for (const model of [strong, noBias]) {
      perturb(model, 7);
      const x = images(50, 4);
      const graph = modelClassifier(model, "m");
      assert.equal(graph.engine, "graph");
      const [g, e] = [
        await graph.predict(x, 50),
        await modelClassifier(model, "m", "eager").predict(x, 50),
      ];
      assert.ok(maxDifference(g, e) < 1e-5, `${model.name}: ${maxDifference(g, e)}`);
      model.dispose();
    }
  },
});

Deno.test("graph inference is not chosen off the tensorflow backend, and says why when forced", async () => {
  await tf.setBackend("cpu");
  const model = buildModel(getModelSpec("logistic-regression"), { seed: 1 });
  assert.equal(modelClassifier(model, "lr").engine, "eager");
  assert.throws(() => modelClassifier(model, "lr", "graph"), /backend is cpu, not tensorflow/);
  model.dispose();
});
