import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { makeOptimizer, setLearningRate, TorchRMSprop } from "./optimizers.ts";

await tf.setBackend("cpu");

/** torch.optim.RMSprop's update, in float64, for a scalar parameter. */
function torchReference(
  theta: number,
  grads: number[],
  { lr, alpha, eps, wd, momentum }: Record<string, number>,
): number {
  let v = 0, buf = 0;
  for (const g0 of grads) {
    const g = g0 + wd * theta;
    v = alpha * v + (1 - alpha) * g * g;
    const step = g / (Math.sqrt(v) + eps);
    buf = momentum * buf + step;
    theta -= lr * (momentum > 0 ? buf : step);
  }
  return theta;
}

Deno.test("TorchRMSprop follows torch.optim.RMSprop (eps outside the root, coupled decay)", () => {
  for (const momentum of [0, 0.9]) {
    const cfg = { lr: 0.01, alpha: 0.9, eps: 1e-8, wd: 1e-4, momentum };
    const w = tf.variable(tf.tensor1d([0.5, -2]));
    const opt = new TorchRMSprop(cfg.lr, cfg.alpha, cfg.eps, cfg.wd, momentum);
    const grads = [[0.3, -1], [0.1, 2], [-0.2, 0.5]];
    for (const g of grads) opt.applyGradients({ [w.name]: tf.tensor1d(g) });
    const got = w.dataSync();
    [0.5, -2].forEach((theta0, i) => {
      const want = torchReference(theta0, grads.map((g) => g[i]), cfg);
      assert.ok(Math.abs(got[i] - want) < 1e-6, `momentum ${momentum}: ${got[i]} vs ${want}`);
    });
    assert.equal(opt.iterations, 3);
    opt.dispose();
    w.dispose();
  }
});

Deno.test("TorchRMSprop state round-trips through getWeights/setWeights", async () => {
  const w1 = tf.variable(tf.tensor1d([1, 2])), w2 = tf.variable(tf.tensor1d([1, 2]));
  const a = new TorchRMSprop(0.1, 0.9, 1e-8, 0, 0.5);
  a.applyGradients({ [w1.name]: tf.tensor1d([0.5, -0.5]) });
  const b = new TorchRMSprop(0.1, 0.9, 1e-8, 0, 0.5);
  await b.setWeights(await a.getWeights());
  w2.assign(w1);
  a.applyGradients({ [w1.name]: tf.tensor1d([0.2, 0.1]) });
  b.applyGradients({ [w2.name]: tf.tensor1d([0.2, 0.1]) });
  assert.deepEqual(w1.dataSync(), w2.dataSync());
  assert.equal(b.iterations, 2);
});

Deno.test("schedules can change the learning rate of every optimizer kind", () => {
  const w = tf.variable(tf.scalar(1));
  for (const kind of ["adam", "rmsprop", "sgd"] as const) {
    const opt = makeOptimizer({ kind, learningRate: 1 });
    setLearningRate(opt, 0);
    opt.applyGradients({ [w.name]: tf.scalar(1) });
    assert.equal(w.dataSync()[0], 1, `${kind} with rate 0 must not move`);
    opt.dispose();
  }
});

Deno.test("TorchRMSprop reproduces torch 2.13's float32 RMSprop outputs exactly", () => {
  // torch.optim.RMSprop([w], lr=0.01, alpha=0.9, eps=1e-8, weight_decay=1e-4, momentum=m),
  // w = [0.5, -2], three steps with the gradients below (run with torch 2.13.0+cpu).
  const torchResults: Record<number, number[]> = {
    0: [0.47600093483924866, -2.0042691230773926],
    0.9: [0.41248905658721924, -1.9759070873260498],
  };
  for (const [momentum, expected] of Object.entries(torchResults)) {
    const w = tf.variable(tf.tensor1d([0.5, -2]));
    const opt = new TorchRMSprop(0.01, 0.9, 1e-8, 1e-4, Number(momentum));
    for (const g of [[0.3, -1], [0.1, 2], [-0.2, 0.5]]) {
      opt.applyGradients({ [w.name]: tf.tensor1d(g) });
    }
    assert.deepEqual(Array.from(w.dataSync()), expected);
    opt.dispose();
    w.dispose();
  }
});
