import assert from "node:assert/strict";
import { initBackend } from "../../mod.ts";
import { buildModel, getModelSpec } from "../../../models/mod.ts";
import { Random } from "../../../util/random.ts";
import { graphLayers } from "./model_layers.ts";
import { type GraphState, TrainingGraph, type TrainingGraphOptions } from "./training_graph.ts";

const OPTIONS: TrainingGraphOptions = {
  classCount: 10,
  probabilityClip: 1e-7,
  optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  threads: { intraOp: 1, interOp: 1 },
};

function fresh(weights: Float32Array[]): GraphState {
  const zeros = () => weights.map((w) => new Float32Array(w.length));
  return { weights, slots: [zeros(), zeros()], state: [] };
}

Deno.test("training graph with copies: each copy takes exactly the step it would take alone", async () => {
  await initBackend("tensorflow");
  // Two seeds of the Keras CNN (dropout included), each with its own dropout seed.
  const models = [1, 2].map((seed) => buildModel(getModelSpec("keras-mnist-convnet"), { seed }));
  const weightsOf = (i: number) =>
    models[i].trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const random = new Random(5);
  const images = Float32Array.from({ length: 32 * 784 }, () => random.next());
  const labels = Int32Array.from({ length: 32 }, (_, i) => i % 10);
  const inputs = (dropoutSeeds: number[]) => ({
    learningRate: 1e-3,
    oneMinusBeta1Power: 0.1,
    oneMinusBeta2Power: 0.001,
    dropoutSeeds,
  });
  const layers = graphLayers(models[0]);
  const together = new TrainingGraph(layers, { ...OPTIONS, copies: 2 });
  assert.equal(together.dropoutCount, 2);
  together.load(fresh([...weightsOf(0), ...weightsOf(1)]));
  const joint = await together.step(images, labels, 32, inputs([11, 22]));
  const after = together.read().weights;
  together.dispose();
  const count = weightsOf(0).length;
  for (const [copy, seed] of [[0, 11], [1, 22]]) {
    const alone = new TrainingGraph(layers, OPTIONS);
    alone.load(fresh(weightsOf(copy)));
    const single = await alone.step(images, labels, 32, inputs([seed]));
    if (copy === 0) {
      assert.ok(Math.abs(single.loss - joint.loss) < 1e-6, "the step reports copy 0's loss");
      assert.equal(single.correct, joint.correct);
    }
    alone.read().weights.forEach((w, i) => {
      const other = after[copy * count + i];
      let worst = 0;
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - other[j]));
      assert.ok(worst < 1e-6, `copy ${copy}, weight ${i}: differs by ${worst}`);
    });
    alone.dispose();
  }
  models.forEach((m) => m.dispose());
});

Deno.test("training graph with shards: a split batch takes the whole batch's step; one smaller than the shards runs whole", async () => {
  await initBackend("tensorflow");
  // mdsist-cnn has no dropout, so the split step is the same computation up to float rounding.
  const model = buildModel(getModelSpec("mdsist-cnn"), { seed: 3 });
  const weights = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const layers = graphLayers(model);
  const random = new Random(9);
  for (const count of [33, 1]) {
    const images = Float32Array.from({ length: count * 784 }, () => random.next());
    const labels = Int32Array.from({ length: count }, (_, i) => (i * 7) % 10);
    const inputs = {
      learningRate: 1e-3,
      oneMinusBeta1Power: 0.1,
      oneMinusBeta2Power: 0.001,
      dropoutSeeds: [],
    };
    const run = async (shards: number) => {
      const graph = new TrainingGraph(layers, {
        ...OPTIONS,
        shards,
        threads: { intraOp: 1, interOp: shards },
      });
      graph.load(fresh(weights.map((w) => w.slice())));
      assert.equal(graph.shardsFor(count), count >= shards ? shards : 1);
      const result = await graph.step(images, labels, count, inputs);
      // Adam's first moment after one step is (1 − β₁)·gradient: the gradients to compare.
      const after = graph.read().slots[0];
      graph.dispose();
      return { result, after };
    };
    const whole = await run(1);
    const split = await run(2);
    assert.ok(Number.isFinite(split.result.loss), `count ${count}: finite loss`);
    assert.ok(
      Math.abs(whole.result.loss - split.result.loss) < 1e-5,
      `count ${count}: loss ${whole.result.loss} vs ${split.result.loss}`,
    );
    assert.equal(whole.result.correct, split.result.correct);
    whole.after.forEach((m, i) => {
      let worst = 0, scale = 0;
      for (let j = 0; j < m.length; j++) {
        worst = Math.max(worst, Math.abs(m[j] - split.after[i][j]));
        scale = Math.max(scale, Math.abs(m[j]));
      }
      assert.ok(scale > 0, `count ${count}, weight ${i}: a gradient`);
      assert.ok(worst <= 1e-5 * scale, `count ${count}, weight ${i}: ${worst} of ${scale}`);
    });
  }
  model.dispose();
});

Deno.test("training graph: shards refuse a model with batch normalisation", async () => {
  await initBackend("tensorflow");
  const model = buildModel(getModelSpec("strong-cnn"));
  assert.throws(
    () => new TrainingGraph(graphLayers(model), { ...OPTIONS, shards: 2 }),
    /cannot split the batch of a model with batch normalisation/,
  );
  model.dispose();
});

Deno.test("training graph with shards: the same inputs give bit-identical steps", async () => {
  await initBackend("tensorflow");
  const model = buildModel(getModelSpec("keras-mnist-convnet"), { seed: 4 });
  const weights = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const random = new Random(6);
  const images = Float32Array.from({ length: 64 * 784 }, () => random.next());
  const labels = Int32Array.from({ length: 64 }, (_, i) => (i * 3) % 10);
  const run = async () => {
    const graph = new TrainingGraph(graphLayers(model), {
      ...OPTIONS,
      shards: 2,
      threads: { intraOp: 1, interOp: 2 },
    });
    graph.load(fresh(weights.map((w) => w.slice())));
    for (let t = 1; t <= 3; t++) {
      await graph.step(images, labels, 64, {
        learningRate: 1e-3,
        oneMinusBeta1Power: 1 - 0.9 ** t,
        oneMinusBeta2Power: 1 - 0.999 ** t,
        dropoutSeeds: [t],
      });
    }
    const after = graph.read().weights;
    graph.dispose();
    return after;
  };
  const [first, second] = [await run(), await run()];
  first.forEach((w, i) => assert.deepEqual(w, second[i], `weight ${i}`));
  model.dispose();
});
