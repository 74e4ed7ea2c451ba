import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FlatAdam } from "./flat_adam.ts";
import { Random } from "../util/random.ts";

await tf.setBackend("cpu");

const SHAPES = [[3, 3, 1, 4], [4], [5, 2], [2], []];

function randomTensor(shape: number[], rng: Random, scale = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * scale), shape);
}

function named(variables: tf.Variable[], grads: tf.Tensor[]) {
  return variables.map((v, i) => ({ name: v.name, tensor: grads[i] }));
}

/** Runs `steps` updates with random gradients on fresh copies of the same random variables. */
function run(optimizer: tf.Optimizer, seed: number, steps: number, from = 0): tf.Variable[] {
  const rng = new Random(seed);
  const variables = SHAPES.map((s) => tf.variable(randomTensor(s, rng)));
  for (let step = 0; step < from + steps; step++) {
    const grads = SHAPES.map((s) => randomTensor(s, rng, 10 ** (step % 3 - 1)));
    if (step >= from) {
      optimizer.applyGradients(named(variables, grads));
    }
    tf.dispose(grads);
  }
  return variables;
}

function assertClose(got: tf.Variable[], want: tf.Variable[], relative: number): void {
  got.forEach((v, i) => {
    const a = v.dataSync(), b = want[i].dataSync();
    assert.deepEqual(v.shape, want[i].shape);
    for (let k = 0; k < a.length; k++) {
      const bound = relative * Math.max(Math.abs(b[k]), 1e-3);
      assert.ok(Math.abs(a[k] - b[k]) <= bound, `variable ${i}[${k}]: ${a[k]} vs ${b[k]}`);
    }
  });
}

Deno.test("FlatAdam matches tf.train.adam over several steps on random problems", () => {
  for (const [seed, lr, b1, b2, eps] of [[1, 1e-3, 0.9, 0.999, 1e-7], [2, 0.05, 0.8, 0.99, 1e-4]]) {
    const ours = new FlatAdam(lr, b1, b2, eps), theirs = tf.train.adam(lr, b1, b2, eps);
    const got = run(ours, seed, 7), want = run(theirs, seed, 7);
    assertClose(got, want, 1e-5);
    assert.equal(ours.iterations, 7);
    tf.dispose([...got, ...want]);
    ours.dispose();
    theirs.dispose();
  }
});

Deno.test("FlatAdam follows a changed learning rate", () => {
  const ours = new FlatAdam(0.1);
  const got = run(ours, 3, 2);
  ours.learningRate = 0;
  const before = got.map((v) => v.dataSync().slice());
  const rng = new Random(9);
  ours.applyGradients(Object.fromEntries(got.map((v) => [v.name, randomTensor(v.shape, rng)])));
  got.forEach((v, i) => assert.deepEqual(v.dataSync(), before[i]));
  tf.dispose(got);
  ours.dispose();
});

Deno.test("FlatAdam state round-trips through getWeights/setWeights, also from tfjs Adam", async () => {
  for (const Source of [FlatAdam, null]) {
    const first = Source ? new Source(0.01) : tf.train.adam(0.01);
    const start = run(first, 4, 3);
    const saved = await first.getWeights();
    assert.equal(saved.length, 1 + 2 * SHAPES.length);
    assert.deepEqual(saved[1].tensor.shape, SHAPES[0]);
    // Copies, as a checkpoint read back from disk would give.
    const copies = saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    const resumed = new FlatAdam(0.01);
    await resumed.setWeights(copies);
    tf.dispose(copies.map((w) => w.tensor));
    const reference = tf.train.adam(0.01);
    const referenceStart = run(reference, 4, 3);
    const continued = start.map((v) => tf.variable(v.clone()));
    const rng = new Random(5);
    for (let step = 0; step < 3; step++) {
      const grads = SHAPES.map((s) => randomTensor(s, rng));
      resumed.applyGradients(named(continued, grads));
      reference.applyGradients(
        named(referenceStart, grads),
      );
      tf.dispose(grads);
    }
    assert.equal(resumed.iterations, 6);
    assertClose(continued, referenceStart, 1e-5);
    tf.dispose([...start, ...continued, ...referenceStart]);
    first.dispose();
    resumed.dispose();
    reference.dispose();
  }
});

Deno.test("FlatAdam frees its intermediate tensors", () => {
  const adam = new FlatAdam(0.01);
  const variables = run(adam, 6, 1);
  const before = tf.memory().numTensors;
  const grads = variables.map((v) => tf.onesLike(v));
  adam.applyGradients(named(variables, grads));
  tf.dispose(grads);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(variables);
  adam.dispose();
});

Deno.test("a resumed FlatAdam continues bit-identically to an uninterrupted one", async () => {
  const straight = new FlatAdam(0.01);
  const straightVariables = run(straight, 8, 6);
  const first = new FlatAdam(0.01);
  const variables = run(first, 8, 4);
  const saved = await first.getWeights();
  const resumed = new FlatAdam(0.01);
  await resumed.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
  // Replay the same random stream: steps 4 and 5 of `run(…, 8, 6)`.
  const rng = new Random(8);
  SHAPES.forEach((s) => randomTensor(s, rng).dispose());
  for (let step = 0; step < 6; step++) {
    const grads = SHAPES.map((s) => randomTensor(s, rng, 10 ** (step % 3 - 1)));
    if (step >= 4) resumed.applyGradients(named(variables, grads));
    tf.dispose(grads);
  }
  variables.forEach((v, i) => assert.deepEqual(v.dataSync(), straightVariables[i].dataSync()));
  tf.dispose([...variables, ...straightVariables]);
  [straight, first, resumed].forEach((o) => o.dispose());
});
