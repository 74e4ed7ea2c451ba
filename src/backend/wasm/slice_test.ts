/**
 * Slice and SplitV on wasm against cpu, bit for bit: contiguous slices (copied heap to heap)
 * and the rest (4.22's kernels), every dtype the copy takes, strings, and gradients through
 * them.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { Random } from "../../util/random.ts";
import { setupWasmBackend } from "./mod.ts";
import { testThreads } from "./testing.ts";

type Values = number[] | boolean[];

/** Runs `body` on a fresh input on `backend` and returns every output's values. */
async function on(
  backend: "cpu" | "wasm",
  input: { shape: number[]; values: number[]; dtype: "float32" | "int32" | "bool" },
  body: (x: tf.Tensor) => tf.Tensor | tf.Tensor[],
): Promise<Values[]> {
  if (backend === "wasm") await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend(backend);
  const x = tf.tensor(input.values, input.shape, input.dtype);
  const out = [body(x)].flat();
  x.dispose(); // the outputs are copies: they outlive the input
  const values = await Promise.all(out.map(async (t) => Array.from(await t.data()) as Values));
  tf.dispose(out);
  return values;
}

function randomInput(random: Random, shape: number[], dtype: "float32" | "int32" | "bool") {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from(
    { length: n },
    () => dtype === "float32" ? random.uniform(-1, 1) : random.int(dtype === "bool" ? 2 : 1000) - 1,
  );
  return { shape, values, dtype };
}

const randomInt = (random: Random, lo: number, hi: number) => lo + random.int(hi - lo + 1);

Deno.test("Slice on wasm equals cpu: contiguous and strided slices, every dtype", async () => {
  const random = new Random(61);
  const dtypes = ["float32", "int32", "bool"] as const;
  for (let i = 0; i < 60; i++) {
    const rank = randomInt(random, 1, 4);
    const shape = Array.from({ length: rank }, () => randomInt(random, 1, 7));
    const begin = shape.map((d) => random.int(d));
    // −1 takes the rest of a dimension; leading whole dimensions make many slices contiguous.
    const size = shape.map((d, k) =>
      k < rank - 2 && random.next() < 0.5 ? -1 : randomInt(random, 1, d - begin[k])
    );
    const input = randomInput(random, shape, dtypes[i % 3]);
    const slice = (x: tf.Tensor) => tf.slice(x, begin, size);
    const expected = await on("cpu", input, slice);
    assert.deepEqual(await on("wasm", input, slice), expected, `${shape} ${begin} ${size}`);
  }
});

Deno.test("SplitV on wasm equals cpu: by sizes and by count, on every axis", async () => {
  const random = new Random(62);
  for (let i = 0; i < 40; i++) {
    const rank = randomInt(random, 1, 3);
    const shape = Array.from({ length: rank }, () => randomInt(random, 1, 6));
    const axis = random.int(rank);
    // Leading dimensions of 1 make every piece contiguous (FlatAdam's 1-D split is one).
    if (i % 2) { for (let k = 0; k < axis; k++) shape[k] = 1; }
    const n = shape[axis];
    const pieces = randomInt(random, 1, n);
    const sizes = Array.from({ length: pieces }, (_, k) => k < pieces - 1 ? 1 : n - pieces + 1);
    const split = (x: tf.Tensor) =>
      i % 4 === 1 ? tf.split(x, 1, axis - rank) : tf.split(x, sizes, axis);
    const input = randomInput(random, shape, i % 5 ? "float32" : "int32");
    const expected = await on("cpu", input, split);
    assert.deepEqual(await on("wasm", input, split), expected, `${shape} axis ${axis} ${sizes}`);
  }
  // FlatAdam's case: an update of mdsist-cnn's size split into its 8 weights.
  const sizes = [144, 16, 4608, 32, 200704, 128, 1280, 10];
  const flat = randomInput(random, [206922], "float32");
  const split = (x: tf.Tensor) => tf.split(x, sizes);
  assert.deepEqual(await on("wasm", flat, split), await on("cpu", flat, split));
});

Deno.test("Slice and SplitV on wasm keep strings on 4.22's kernels and pass gradients", async () => {
  await setupWasmBackend({ threads: testThreads() });
  await tf.setBackend("wasm");
  const s = tf.tensor1d(["a", "b", "c"], "string");
  const piece = tf.slice(s, [1], [2]);
  assert.deepEqual(await piece.data(), ["b", "c"]);
  const grad = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => {
      const [a, b] = tf.split(x, [1, 2]);
      return tf.add(tf.sum(tf.mul(a, 3)), tf.sum(tf.slice(b, [1], [1])));
    })(tf.tensor1d([1, 2, 3]))
  );
  assert.deepEqual(Array.from(await grad.data()), [3, 0, 1]);
  tf.dispose([s, piece, grad]);
});
