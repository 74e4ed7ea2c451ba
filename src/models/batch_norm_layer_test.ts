/**
 * The fused training path of FusedBatchNormalization must compute what tfjs-layers' own
 * BatchNormalization computes: outputs, moving statistics, gradients; and it must save and load
 * as the standard layer.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FusedBatchNormalization } from "./batch_norm_layer.ts";
import { loadTensorflowBackend } from "../backend/tensorflow/mod.ts";
import { Random } from "../util/random.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

function assertClose(label: string, actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-4) {
  assert.deepEqual(actual.shape, expected.shape, label);
  const a = actual.dataSync(), e = expected.dataSync();
  const scale = Math.max(1e-6, ...Array.from(e, Math.abs));
  for (let i = 0; i < e.length; i++) {
    assert.ok(Math.abs(a[i] - e[i]) / scale <= tolerance, `${label}[${i}]: ${a[i]} vs ${e[i]}`);
  }
}

/** A built layer with seeded non-trivial gamma, beta and moving statistics. */
function seededLayer(layer: tf.layers.Layer, channels: number, random: Random): tf.layers.Layer {
  layer.build([null, 6, 6, channels]);
  const values = (offset: number) =>
    tf.tensor1d(Array.from({ length: channels }, () => offset + random.normal() * 0.5));
  layer.setWeights([values(1), values(0), values(0), values(2).abs()]);
  return layer;
}

Deno.test({
  name: "fused batch norm: training output, moving statistics and gradients equal tfjs-layers'",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    assert.ok(await tf.setBackend("tensorflow"));
    const channels = 5;
    const x = tf.tensor4d(
      Array.from({ length: 8 * 6 * 6 * channels }, (_, i) => Math.sin(i * 0.37) * 3 + 1),
      [8, 6, 6, channels],
    );
    const probe = tf.randomNormal(x.shape, 0, 1, "float32", 5);
    const layers = {
      stock: seededLayer(tf.layers.batchNormalization({ momentum: 0.9 }), channels, new Random(1)),
      fused: seededLayer(new FusedBatchNormalization({ momentum: 0.9 }), channels, new Random(1)),
    };
    const results: Record<string, tf.Tensor[]> = {};
    for (const [name, layer] of Object.entries(layers)) {
      const loss = (input: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, probe)) as tf.Scalar;
      const output = tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor);
      const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => loss(x), [gamma, beta]);
      const dx = tf.grad(loss)(x);
      const profile = await tf.profile(() => tf.tidy(() => tf.grad(loss)(x)));
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        layer.apply(x, { training: true });
      });
      assert.equal(tf.memory().numTensors, before, `${name}: no tensor left behind`);
      results[name] = [output, grads[gamma.name], grads[beta.name], dx, ...layer.getWeights()];
      if (name === "fused") {
        for (const kernel of ["DigitkitBatchNormTraining", "DigitkitBatchNormTrainingGrad"]) {
          assert.ok(profile.kernelNames.includes(kernel), profile.kernelNames.join(","));
        }
      }
    }
    const labels = [
      "output",
      "d gamma",
      "d beta",
      "d x",
      "gamma",
      "beta",
      "moving mean",
      "moving var",
    ];
    labels.forEach((label, i) => assertClose(label, results.fused[i], results.stock[i]));
    // Inference (moving statistics) runs the stock code in both.
    assertClose(
      "inference",
      layers.fused.apply(x, { training: false }) as tf.Tensor,
      layers.stock.apply(x, { training: false }) as tf.Tensor,
    );
  },
});

Deno.test("fused batch norm saves as the standard Keras layer and loads back as itself", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [new FusedBatchNormalization({ inputShape: [4, 4, 2], name: "bn", epsilon: 1e-3 })],
  });
  const json = model.toJSON(null, false) as unknown as {
    config: { layers: { class_name: string }[] };
  };
  assert.equal(json.config.layers[0].class_name, "BatchNormalization");
  const loaded = await tf.models.modelFromJSON(
    { modelTopology: json } as unknown as tf.io.ModelJSON,
  );
  assert.ok(loaded.getLayer("bn") instanceof FusedBatchNormalization);
  // On cpu the training call is tfjs' own: the result is normalised per channel.
  const y = loaded.getLayer("bn").apply(
    tf.tensor4d(Array.from({ length: 64 }, (_, i) => i), [2, 4, 4, 2]),
    { training: true },
  ) as tf.Tensor;
  const { mean } = tf.moments(y, [0, 1, 2]);
  assert.ok(Math.max(...Array.from(mean.dataSync(), Math.abs)) < 1e-4);
});
