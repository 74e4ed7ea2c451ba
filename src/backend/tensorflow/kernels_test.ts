/**
 * The replacement kernels of kernels.ts must compute what the reference `cpu` backend computes,
 * on seeded random shapes, including ties in max pooling and NaN/±Inf in `step`.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "./mod.ts";
import { tensorflowKernelsRegistered } from "./kernels.ts";
import { Random } from "../../util/random.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
const TOLERANCE = 1e-5;

/** Runs `compute` on cpu and on tensorflow; returns both backends' outputs. */
async function onBothBackends(compute: () => tf.Tensor[]) {
  const results: Record<string, Float32Array[]> = {};
  for (const backend of ["cpu", "tensorflow"]) {
    assert.ok(await tf.setBackend(backend), `setBackend(${backend})`);
    const outputs = tf.tidy(compute);
    results[backend] = outputs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outputs);
  }
  return { cpu: results.cpu, tensorflow: results.tensorflow };
}

function assertClose(label: string, actual: Float32Array, expected: Float32Array) {
  assert.equal(actual.length, expected.length, label);
  let scale = 1e-12;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) {
      assert.ok(Number.isNaN(actual[i]), `${label}[${i}]: expected NaN, got ${actual[i]}`);
      continue;
    }
    const error = Math.abs(actual[i] - expected[i]) / scale;
    assert.ok(error <= TOLERANCE, `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

Deno.test({
  name: "tensorflow kernels: Step equals cpu for alpha 0 (NaN, ±Inf, 0) and other alphas",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    assert.ok(tensorflowKernelsRegistered());
    const random = new Random(11);
    const values = Float32Array.from({ length: 3 * 5 * 7 }, () => random.normal());
    values.set([NaN, Infinity, -Infinity, 0, -0], 0);
    for (const alpha of [0, 0.25]) {
      const { cpu, tensorflow } = await onBothBackends(() => [
        tf.step(tf.tensor3d(values, [3, 5, 7]), alpha),
      ]);
      assertClose(`step alpha=${alpha}`, tensorflow[0], cpu[0]);
    }
  },
});

Deno.test({
  name: "tensorflow kernels: Relu gradient equals cpu (random values, 0 and ±Inf)",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    const random = new Random(12);
    const shape = [2 + random.int(4), 3 + random.int(5), 1 + random.int(6)];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: size }, () => random.normal());
    x.set([0, -0, Infinity, -Infinity], 0);
    const weights = Float32Array.from({ length: size }, () => random.normal());
    const { cpu, tensorflow } = await onBothBackends(() => {
      const w = tf.tensor(weights, shape);
      return [tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), w)))(tf.tensor(x, shape))];
    });
    assertClose(`relu gradient ${shape}`, tensorflow[0], cpu[0]);
  },
});

Deno.test({
  name: "tensorflow kernels: max-pool gradient equals cpu on random shapes, with ties",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    const random = new Random(5);
    const cases: [number, number, "valid" | "same"][] = [
      [2, 2, "valid"],
      [2, 2, "same"],
      [3, 2, "valid"],
      [3, 2, "same"],
      [3, 1, "same"],
      [2, 3, "valid"],
    ];
    for (const [filter, stride, pad] of cases) {
      const shape: [number, number, number, number] = [
        1 + random.int(3),
        5 + random.int(9),
        5 + random.int(9),
        1 + random.int(4),
      ];
      const size = shape.reduce((a, b) => a * b, 1);
      // Half the cases on a coarse grid, so windows hold equal maxima (ReLU zeros, say).
      const ties = random.next() < 0.5;
      const x = Float32Array.from(
        { length: size },
        () => ties ? Math.max(0, Math.round(random.normal() * 2)) : random.normal(),
      );
      const label = `maxPool ${shape} f${filter} s${stride} ${pad}${ties ? " ties" : ""}`;
      const { cpu, tensorflow } = await onBothBackends(() => {
        const input = tf.tensor4d(x, shape);
        const pooled = (t: tf.Tensor4D) => tf.maxPool(t, filter, stride, pad);
        const weights = tf.range(1, pooled(input).size + 1).reshape(pooled(input).shape);
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pooled(t as tf.Tensor4D), weights)));
        return [pooled(input), grad(input)];
      });
      assertClose(`${label} forward`, tensorflow[0], cpu[0]);
      assertClose(`${label} gradient`, tensorflow[1], cpu[1]);
    }
  },
});

Deno.test({
  name: "tensorflow kernels: fused conv2d (bias, relu/linear) and its gradients equal cpu",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await loadTensorflowBackend();
    const random = new Random(8);
    const cases: [number, "valid" | "same", "relu" | "linear", boolean][] = [
      [1, "valid", "relu", true],
      [2, "same", "relu", true],
      [1, "same", "linear", true],
      [2, "valid", "relu", false],
    ];
    for (const [stride, pad, activation, withBias] of cases) {
      const [n, h, w, cin, cout, k] = [
        1 + random.int(3),
        6 + random.int(6),
        6 + random.int(6),
        1 + random.int(4),
        1 + random.int(6),
        2 + random.int(2),
      ];
      const x = Float32Array.from({ length: n * h * w * cin }, () => random.normal());
      const filter = Float32Array.from({ length: k * k * cin * cout }, () => random.normal() * 0.3);
      const bias = Float32Array.from({ length: cout }, () => random.normal() * 0.1);
      const { cpu, tensorflow } = await onBothBackends(() => {
        const conv = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
          tf.fused.conv2d({
            x: xs as tf.Tensor4D,
            filter: ws as tf.Tensor4D,
            strides: stride,
            pad,
            bias: withBias ? bs : undefined,
            activation,
          });
        const inputs = [
          tf.tensor4d(x, [n, h, w, cin]),
          tf.tensor4d(filter, [k, k, cin, cout]),
          tf.tensor1d(bias),
        ];
        // Without a bias the loss must not take it, or tf.grads finds no path to it.
        const grads = withBias
          ? tf.grads((xs, ws, bs) => tf.sum(tf.square(conv(xs, ws, bs))))(inputs)
          : tf.grads((xs, ws) => tf.sum(tf.square(conv(xs, ws, inputs[2]))))(inputs.slice(0, 2));
        return [conv(inputs[0], inputs[1], inputs[2]), ...grads];
      });
      const label = `conv ${[n, h, w, cin]} k${k}→${cout} s${stride} ${pad} ${activation}`;
      ["y", "dx", "dw", "db"].slice(0, cpu.length).forEach((name, i) =>
        assertClose(`${label} ${name}`, tensorflow[i], cpu[i])
      );
    }
  },
});
