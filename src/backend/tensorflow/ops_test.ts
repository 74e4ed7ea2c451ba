/**
 * The native backend must compute what the reference `cpu` backend computes: forward ops and
 * the gradients training uses, on seeded random inputs, within 1e-4 relative error.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "./mod.ts";
import { Random } from "../../util/random.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
const TOLERANCE = 1e-4;

function randomTensor(random: Random, shape: number[]): Float32Array {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.normal();
  return values;
}

/** max |a − b| over max |b|: relative to the output's scale, robust to values near 0. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

/** Runs `compute` on cpu and on tensorflow and compares every output. */
async function assertBackendsAgree(
  label: string,
  compute: () => tf.Tensor[],
): Promise<void> {
  const results: Record<string, Float32Array[]> = {};
  for (const backend of ["cpu", "tensorflow"]) {
    assert.ok(await tf.setBackend(backend), `setBackend(${backend})`);
    assert.equal(tf.getBackend(), backend);
    const outputs = tf.tidy(compute);
    results[backend] = outputs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outputs);
  }
  results.cpu.forEach((expected, i) => {
    const error = relativeError(results.tensorflow[i], expected);
    assert.ok(error <= TOLERANCE, `${label} output ${i}: relative error ${error}`);
  });
}

Deno.test({
  name: "tensorflow backend matches cpu on conv2d, matMul, maxPool, softmax CE and gradients",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    const random = new Random(20261122);
    const cases: [string, number, number, number, number, number, "same" | "valid"][] = [
      // label, batch, size, channels in, channels out, stride, padding
      ["conv 3x3 valid", 4, 12, 1, 8, 1, "valid"],
      ["conv 3x3 same stride 2", 3, 11, 5, 6, 2, "same"],
    ];
    for (const [label, batch, size, inC, outC, stride, padding] of cases) {
      const x = randomTensor(random, [batch, size, size, inC]);
      const w = randomTensor(random, [3, 3, inC, outC]);
      await assertBackendsAgree(label, () => {
        const input = tf.tensor4d(x, [batch, size, size, inC]);
        const filter = tf.tensor4d(w, [3, 3, inC, outC]);
        const f = (a: tf.Tensor4D, b: tf.Tensor4D) =>
          tf.conv2d(a, b, stride, padding).relu().square().sum();
        const [dx, dw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([input, filter]);
        return [tf.conv2d(input, filter, stride, padding), dx, dw];
      });
    }

    const a = randomTensor(random, [33, 70]);
    const b = randomTensor(random, [70, 17]);
    await assertBackendsAgree("matMul", () => {
      const [ta, tb] = [tf.tensor2d(a, [33, 70]), tf.tensor2d(b, [70, 17])];
      const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D).sin().sum()
      )([ta, tb]);
      return [tf.matMul(ta, tb), da, db];
    });

    const pooled = randomTensor(random, [2, 10, 10, 3]);
    await assertBackendsAgree("maxPool 2x2", () => {
      const input = tf.tensor4d(pooled, [2, 10, 10, 3]);
      const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid");
      const grad = tf.grad((t: tf.Tensor) => pool(t).mul(pool(t)).sum())(input);
      return [pool(input), grad];
    });

    const logits = randomTensor(random, [16, 10]);
    const labels = new Float32Array(16 * 10);
    for (let i = 0; i < 16; i++) labels[i * 10 + random.int(10)] = 1;
    await assertBackendsAgree("softmax cross-entropy", () => {
      const z = tf.tensor2d(logits, [16, 10]);
      const y = tf.tensor2d(labels, [16, 10]);
      const loss = (t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, t);
      return [loss(z), tf.grad(loss)(z), tf.softmax(z)];
    });
  },
});
