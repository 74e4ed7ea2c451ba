import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel, validateSpec } from "./build.ts";
import { beyondMnistSpec } from "./cards.ts";
import { describeLayer, formatLayerTable, summarizeModel } from "./summary.ts";
import { getModelSpec, MODEL_ZOO } from "./zoo.ts";

await tf.setBackend("cpu");

Deno.test("card and baseline parameter counts match their sources exactly", () => {
  const expected: Record<string, number> = {
    "keras-mnist-convnet": 34_826,
    "adaptive-pool-cnn": 56_394,
    "mdsist-cnn": 206_922,
    "kaggle-digit-recognizer": 15_964_138,
    "beyond-mnist": 1_199_882,
    "logistic-regression": 7_850,
    "mlp": 235_146,
    "lenet-5": 61_706,
  };
  for (const [name, params] of Object.entries(expected)) {
    const summary = summarizeModel(getModelSpec(name));
    assert.equal(summary.totalParams, params, name);
    assert.equal(summary.rows.reduce((n, r) => n + r.params, 0), params, `${name} rows`);
    const pinned = MODEL_ZOO[name].expectedParams;
    if (pinned !== undefined) assert.equal(pinned, params, `${name} expectedParams`);
  }
});

Deno.test("kaggle padding-1 convs and stride-1 pool give a 7744 flatten", () => {
  const rows = summarizeModel(getModelSpec("kaggle-digit-recognizer")).rows;
  const shape = (name: string) => rows.find((r) => r.name === name)!.outputShape;
  assert.deepEqual(shape("conv1"), [26, 26, 32]);
  assert.deepEqual(shape("conv2"), [24, 24, 32]);
  assert.deepEqual(shape("pool1"), [23, 23, 32]);
  assert.deepEqual(shape("conv4"), [23, 23, 64]);
  assert.deepEqual(shape("pool2"), [11, 11, 64]);
  assert.deepEqual(shape("flatten"), [7744]);
  assert.equal(
    describeLayer(getModelSpec("kaggle-digit-recognizer").layers[0]),
    "conv 32@5×5 pad 1",
  );
});

Deno.test("adaptive-pool convs shrink 28 to 22 before global pooling", () => {
  const rows = summarizeModel(getModelSpec("adaptive-pool-cnn")).rows;
  assert.deepEqual(rows.find((r) => r.name === "conv3")!.outputShape, [22, 22, 64]);
  assert.deepEqual(rows.find((r) => r.name === "gap")!.outputShape, [64]);
});

Deno.test("strong CNN builds, has batch norm, and ends 10-way", () => {
  const summary = summarizeModel(getModelSpec("strong-cnn"));
  assert.ok(summary.rows.some((r) => r.type === "batch-norm"));
  assert.ok(summary.trainableParams < summary.totalParams, "BN moving stats are non-trainable");
  assert.deepEqual(summary.rows.at(-1)!.outputShape, [10]);
  assert.deepEqual(summary.rows.find((r) => r.name === "flatten")!.outputShape, [2048]);
});

Deno.test("layer table prints every layer and the total", () => {
  const text = formatLayerTable(summarizeModel(getModelSpec("keras-mnist-convnet")));
  assert.match(text, /conv1\s+conv 32@3×3 valid relu\s+26×26×32\s+320/);
  assert.match(text, /total 34,826 parameters/);
});

Deno.test("same seed builds identical weights; symmetric preprocessing maps to [-1, 1]", () => {
  const spec = getModelSpec("mdsist-cnn");
  const a = buildModel(spec, { seed: 7 }), b = buildModel(spec, { seed: 7 });
  const c = buildModel(spec, { seed: 8 });
  const wa = a.getWeights()[0].dataSync(), wb = b.getWeights()[0].dataSync();
  assert.deepEqual(wa, wb);
  assert.notDeepEqual(c.getWeights()[0].dataSync(), wa);
  const pre = a.getLayer("preprocess");
  const out = tf.tidy(() => pre.apply(tf.tensor4d([0, 0.5, 1, 0.25], [1, 2, 2, 1])) as tf.Tensor);
  assert.deepEqual(Array.from(out.dataSync()), [-1, 0, 1, -0.5]);
  out.dispose();
  for (const m of [a, b, c]) m.dispose();
});

Deno.test("pytorch-default init bounds weights by 1/sqrt(fan_in)", () => {
  const model = buildModel(getModelSpec("mdsist-cnn"), { seed: 1 });
  const kernel = model.getLayer("fc1").getWeights()[0].dataSync();
  const bound = 1 / Math.sqrt(1568);
  assert.ok(kernel.every((v) => Math.abs(v) <= bound + 1e-7));
  assert.ok(kernel.some((v) => Math.abs(v) > 0.9 * bound));
  model.dispose();
});

Deno.test("a built model outputs probabilities", () => {
  const model = buildModel(getModelSpec("logistic-regression"), { seed: 3 });
  const probs = tf.tidy(() =>
    (model.predict(tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 1)) as tf.Tensor).sum(1)
  );
  for (const s of probs.dataSync()) assert.ok(Math.abs(s - 1) < 1e-5);
  probs.dispose();
  model.dispose();
});

Deno.test("bad specs and unknown names give usage errors", () => {
  assert.throws(() => getModelSpec("nope"), /unknown model 'nope'; expected one of: keras-mnist/);
  const spec = getModelSpec("mlp");
  spec.layers.pop();
  assert.throws(() => validateSpec(spec), /last layer must be dense with 10 units and softmax/);
  const dup = getModelSpec("mlp");
  dup.layers[1].name = "flatten";
  assert.throws(() => validateSpec(dup), /duplicate name 'flatten'/);
});

Deno.test("getModelSpec returns a copy and the beyond-mnist family is configurable", () => {
  getModelSpec("mlp").layers.length = 0;
  assert.equal(MODEL_ZOO["mlp"].layers.length, 6);
  const wide = beyondMnistSpec({ filters: [16, 32, 64], denseUnits: 64, name: "bm-wide" });
  const summary = summarizeModel(wide);
  assert.equal(summary.name, "bm-wide");
  assert.deepEqual(summary.rows.find((r) => r.name === "pool2")!.outputShape, [12, 12, 32]);
  assert.deepEqual(summary.rows.find((r) => r.name === "pool3")!.outputShape, [5, 5, 64]);
});
