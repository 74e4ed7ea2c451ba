/**
 * The graph engine must train what the eager engine trains: same loss, same updates (to float
 * round-off), same optimizer state handed back to tfjs, and the same run through `train()`.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "../backend/tensorflow/mod.ts";
import { bfloat16MissingReason } from "../backend/tensorflow/graph/session.ts";
import { buildModel } from "../models/build.ts";
import { getModelSpec } from "../models/zoo.ts";
import type { ModelSpec } from "../models/spec.ts";
import { barDigits, EVERY_GRAPH_LAYER } from "../testing.ts";
import { UsageError } from "../util/errors.ts";
import { Random } from "../util/random.ts";
import { makeStepEngine, type StepEngine } from "./engines.ts";
import { makeOptimizer } from "./optimizers.ts";
import { getRecipe, type OptimizerSpec, type Recipe } from "./recipes.ts";
import { train } from "./train.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
const ADAM = { kind: "adam", learningRate: 2e-3, epsilon: 1e-7 } as const;

/** Bar digits and a fast Adam recipe for the train() runs below. */
const BARS = {
  data: { train: barDigits(256, 1, "bars-train"), validation: barDigits(64, 2, "bars-val") },
  recipe: { ...getRecipe("baseline-adam"), batchSize: 32, keep: "last" } as Recipe,
};

function batchOf(seed: number, count: number) {
  const rng = new Random(seed);
  const images = new Float32Array(count * 784).map(() => rng.next());
  const labels = new Int32Array(count).map(() => Math.floor(rng.next() * 10));
  return { images, labels, count };
}

/** Runs `steps` steps with a fresh model and optimizer; returns losses and the final state. */
async function runSteps(
  spec: ModelSpec,
  choice: "graph" | "eager",
  steps: number,
  optimizerSpec: OptimizerSpec = ADAM,
) {
  const model = buildModel(spec, { seed: 3 });
  const optimizer = makeOptimizer(optimizerSpec);
  const engine: StepEngine = makeStepEngine(model, optimizer, {
    classCount: 10,
    labelSmoothing: 0.1,
  }, choice);
  assert.equal(engine.kind, choice);
  const losses: number[] = [];
  await engine.beginEpoch();
  for (let s = 0; s < steps; s++) {
    const pending = [engine.step(batchOf(s, 32), optimizerSpec.learningRate, [s + 1])];
    const values = await engine.collect(pending);
    losses.push(values[0]);
  }
  await engine.endEpoch();
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const moments = (await optimizer.getWeights()).map((w) => w.tensor.dataSync() as Float32Array);
  const iterations = optimizer.iterations;
  engine.dispose();
  optimizer.dispose();
  model.dispose();
  return { losses, weights, moments, iterations };
}

/** Runs `steps` steps on both engines and asserts they agree; returns the graph run. */
async function assertEnginesAgree(optimizerSpec: OptimizerSpec, steps: number) {
  const eager = await runSteps(EVERY_GRAPH_LAYER, "eager", steps, optimizerSpec);
  const graph = await runSteps(EVERY_GRAPH_LAYER, "graph", steps, optimizerSpec);
  assertClose("loss", graph.losses, eager.losses, 1e-4);
  assert.equal(graph.weights.length, eager.weights.length);
  graph.weights.forEach((w, i) => assertClose(`weight ${i}`, w, eager.weights[i], 1e-3));
  assert.equal(graph.iterations, steps);
  assert.equal(graph.moments.length, eager.moments.length);
  graph.moments.forEach((m, i) => assertClose(`optimizer weight ${i}`, m, eager.moments[i], 1e-3));
  return graph;
}

function assertClose(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
) {
  assert.equal(actual.length, expected.length, label);
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]) / scale;
    assert.ok(error <= tol, `${label}[${i}]: graph ${actual[i]} vs eager ${expected[i]}`);
  }
}

Deno.test({
  name: "graph engine: five steps equal the eager engine's (loss, weights, BN stats, Adam moments)",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const graph = await assertEnginesAgree(ADAM, 5);
    assert.ok(graph.losses[4] < graph.losses[0], `loss fell: ${graph.losses}`);
    // The in-place updates may run while the backward pass still reads the old weights; at a
    // learning rate of 0.05 a backward pass that saw updated weights would be off by ~1e-2.
    await assertEnginesAgree({ ...ADAM, learningRate: 0.05 }, 3);
  },
});

Deno.test({
  name:
    "graph engine: RMSprop (PyTorch semantics, weight decay, with and without momentum) equals eager",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const rmsprop: OptimizerSpec = {
      kind: "rmsprop",
      learningRate: 1e-3,
      alpha: 0.9,
      epsilon: 1e-8,
      weightDecay: 1e-2,
      momentum: 0.5,
    };
    // Its state: iteration count, square averages and momentum buffers, compared too.
    await assertEnginesAgree(rmsprop, 4);
    // Without momentum the graph runs it as one fused kernel per weight (the Kaggle recipe).
    await assertEnginesAgree({ ...rmsprop, momentum: 0 }, 4);
  },
});

Deno.test({
  name: "graph engine: dropout masks are seeded (same seed, same loss; another seed, another loss)",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const spec = getModelSpec("keras-mnist-convnet");
    const once = async (seed: number) => {
      const model = buildModel(spec, { seed: 1 });
      const optimizer = makeOptimizer(ADAM);
      const engine = makeStepEngine(model, optimizer, { classCount: 10 }, "graph");
      await engine.beginEpoch();
      const values = await engine.collect([engine.step(batchOf(9, 64), 1e-3, [seed])]);
      engine.dispose();
      optimizer.dispose();
      model.dispose();
      return values[0];
    };
    const a = await once(11), b = await once(11), c = await once(12);
    assert.equal(a, b);
    assert.notEqual(a, c);
    // An untrained net's loss stays near ln 10 with or without the mask.
    assert.ok(Math.abs(a - Math.log(10)) < 0.5, `first loss ${a}`);
  },
});

Deno.test({
  name: "engine choice: auto falls back to eager off tensorflow or with SGD; graph says why not",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const model = buildModel(getModelSpec("mlp"), { seed: 1 });
    const sgd = { kind: "sgd", learningRate: 0.1, momentum: 0.9 } as const;
    const optimizer = makeOptimizer(sgd);
    assert.equal(makeStepEngine(model, optimizer, { classCount: 10 }).kind, "eager");
    assert.throws(
      () => makeStepEngine(model, optimizer, { classCount: 10 }, "graph"),
      (e: Error) => e instanceof UsageError && /only Adam and RMSprop/.test(e.message),
    );
    await tf.setBackend("cpu");
    const adam = makeOptimizer(ADAM);
    assert.equal(makeStepEngine(model, adam, { classCount: 10 }).kind, "eager");
    assert.throws(
      () => makeStepEngine(model, adam, { classCount: 10 }, "graph"),
      /the backend is cpu/,
    );
    optimizer.dispose();
    adam.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "train() on the graph engine learns, reports its engine, and leaks no tensors",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    // Two separable classes: a bright top half is 1, a bright bottom half is 0.
    const count = 256;
    const images = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 2;
      const from = labels[i] === 1 ? 0 : 392;
      images.fill(200, i * 784 + from, i * 784 + from + 392);
    }
    const ds = {
      name: "halves",
      images,
      labels,
      count,
      classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      source: "",
      checksum: "",
    };
    const recipe = { ...getRecipe("baseline-adam"), batchSize: 32 };
    const counts: number[] = [];
    const result = await train(getModelSpec("keras-mnist-convnet"), { train: ds }, recipe, {
      epochs: 3,
      seed: 5,
      onEpochEnd: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    assert.equal(result.engine, "graph");
    assert.ok(result.history[2].accuracy > 0.95, `accuracy ${result.history[2].accuracy}`);
    assert.ok(result.history[2].loss < result.history[0].loss);
    assert.equal(new Set(counts).size, 1, `tensor counts per epoch: ${counts}`);
    // The weights were written back: the tfjs model classifies the training images.
    const probs = result.model.predict(tf.tensor4d(
      Float32Array.from(images.subarray(0, 4 * 784), (v) => v / 255),
      [4, 28, 28, 1],
    )) as tf.Tensor;
    assert.deepEqual(Array.from(probs.argMax(-1).dataSync()), [0, 1, 0, 1]);
    probs.dispose();
    result.model.dispose();
  },
});

Deno.test({
  name: "graph engine: same seed, same weights; 2 epochs + resume 1 equal 3 straight epochs",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const spec = getModelSpec("keras-mnist-convnet"); // dropout 0.5: seeds must be replayed
    const { data, recipe } = BARS;
    const straightDir = await Deno.makeTempDir(), resumedDir = await Deno.makeTempDir();
    const straight = await train(spec, data, recipe, { epochs: 3, seed: 4, runDir: straightDir });
    const again = await train(spec, data, recipe, { epochs: 3, seed: 4 });
    assert.equal(straight.engine, "graph");
    assert.deepEqual(weightsOf(again.model), weightsOf(straight.model));
    const part = await train(spec, data, recipe, { epochs: 2, seed: 4, runDir: resumedDir });
    part.model.dispose();
    const resumed = await train(spec, data, recipe, {
      epochs: 3,
      seed: 4,
      runDir: resumedDir,
      resume: true,
    });
    assert.deepEqual(resumed.history.map((r) => r.loss), straight.history.map((r) => r.loss));
    assert.deepEqual(weightsOf(resumed.model), weightsOf(straight.model));
    const run = JSON.parse(await Deno.readTextFile(`${resumedDir}/run.json`));
    assert.equal(run.engine, "graph");
    for (const result of [straight, again, resumed]) result.model.dispose();
    for (const dir of [straightDir, resumedDir]) await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "bfloat16 mixed precision: learns as float32 does (to bf16 round-off); eager refuses it",
  ignore: skip || bfloat16MissingReason() !== undefined,
  async fn() {
    await loadTensorflowBackend();
    await tf.setBackend("tensorflow");
    const spec = getModelSpec("keras-mnist-convnet");
    const { data, recipe } = BARS;
    const runs = [];
    for (const precision of ["float32", "bfloat16"] as const) {
      const result = await train(spec, data, recipe, { epochs: 3, seed: 4, precision });
      assert.equal(result.precision, precision);
      runs.push(result.history.map((r) => r.loss));
      result.model.dispose();
    }
    const [f32, bf16] = runs;
    assert.notDeepEqual(bf16, f32, "the bfloat16 rewrite changed nothing");
    bf16.forEach((loss, i) => {
      assert.ok(
        Math.abs(loss - f32[i]) < 0.05 * f32[i] + 0.02,
        `epoch ${i + 1}: ${loss} vs ${f32[i]}`,
      );
    });
    assert.ok(bf16[2] < bf16[0], `bfloat16 loss fell: ${bf16}`);
    await assert.rejects(
      () => train(spec, data, recipe, { epochs: 1, engine: "eager", precision: "bfloat16" }),
      /bfloat16 cannot run: the eager engine computes in float32/,
    );
  },
});

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}
