import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "./mod.ts";
import { NativeDropout, statelessUniform } from "./dropout.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

/** A test on the tensorflow backend (skipped where it is not built), back on cpu afterwards. */
function tensorflowTest(name: string, body: () => void): void {
  Deno.test({
    name: `tensorflow: ${name}`,
    ignore: skip,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      await loadTensorflowBackend();
      await tf.setBackend("tensorflow");
      try {
        body();
      } finally {
        await tf.setBackend("cpu");
      }
    },
  });
}

function dropoutOutput(rate: number, seed: number, x: tf.Tensor): Float32Array {
  const layer = new NativeDropout({ rate, seed });
  return tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
}

tensorflowTest(
  "native dropout keeps 1 − rate of the values, scaled, reproducibly per seed",
  () => {
    const size = 200_000;
    const x = tf.ones([100, size / 100]);
    for (const rate of [0.2, 0.5]) {
      const out = dropoutOutput(rate, 7, x);
      let kept = 0;
      for (const v of out) {
        if (v !== 0) {
          kept++;
          assert.ok(Math.abs(v - 1 / (1 - rate)) < 1e-6, `kept value ${v}`);
        }
      }
      // Binomial standard deviation √(n·p·(1−p)) ≤ 224: 5σ bounds.
      const expected = size * (1 - rate);
      assert.ok(Math.abs(kept - expected) < 5 * Math.sqrt(size * rate * (1 - rate)), `${kept}`);
      assert.deepEqual(dropoutOutput(rate, 7, x), out, "same seed, same mask");
      assert.notDeepEqual(dropoutOutput(rate, 8, x), out, "another seed, another mask");
    }
    // Inference passes the input through untouched.
    const layer = new NativeDropout({ rate: 0.5, seed: 1 });
    assert.deepEqual(
      tf.tidy(() => (layer.apply(x, { training: false }) as tf.Tensor).dataSync()),
      x.dataSync(),
    );
    x.dispose();
  },
);

tensorflowTest("stateless uniform noise lies in [0, 1) with mean ½ and no leaks", () => {
  const before = tf.memory().numTensors;
  const u = statelessUniform([50_000], 3);
  const values = u.dataSync();
  u.dispose();
  assert.equal(tf.memory().numTensors, before);
  let sum = 0;
  for (const v of values) {
    assert.ok(v >= 0 && v < 1, `${v}`);
    sum += v;
  }
  // Standard error of the mean: √(1/12 / 50000) ≈ 0.0013.
  assert.ok(Math.abs(sum / values.length - 0.5) < 0.007, `mean ${sum / values.length}`);
});

Deno.test("NativeDropout serialises as tfjs' Dropout and is what loading builds", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [new NativeDropout({ rate: 0.3, inputShape: [4] }), tf.layers.dense({ units: 2 })],
  });
  const json = model.toJSON(null, false) as unknown as {
    config: { layers: { class_name: string }[] };
  };
  assert.equal(json.config.layers[0].class_name, "Dropout");
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  assert.ok(loaded.layers[0] instanceof NativeDropout);
  // On cpu it is tfjs' Dropout: the seeded JS mask.
  const x = tf.ones([64, 4]);
  const stock = tf.layers.dropout({ rate: 0.3, seed: 5 });
  const ours = new NativeDropout({ rate: 0.3, seed: 5 });
  assert.deepEqual(
    (ours.apply(x, { training: true }) as tf.Tensor).dataSync(),
    (stock.apply(x, { training: true }) as tf.Tensor).dataSync(),
  );
  tf.dispose([model, loaded] as never);
});
