/**
 * The fixtures of tests and examples, in one place:
 * - for the evaluation without TensorFlow: a test set whose images carry their label in the
 *   first pixel ({@link codedDigits}), classifiers that read it back ({@link codedClassifier}),
 *   and a renderer whose conditions corrupt that pixel for a known share of items
 *   ({@link shiftLabels});
 * - for fast training: a learnable synthetic digit set ({@link barDigits});
 * - for the compiled graphs: a model with every layer kind they compile
 *   ({@link EVERY_GRAPH_LAYER});
 * - for the augmentation tests: real digits ({@link loadTestDigits}) and the pixel change the
 *   monotonicity properties are stated in ({@link meanAbsChange}).
 *
 * @module
 */
import { DIGIT_CLASSES, type DigitDataset, PIXELS } from "./data/types.ts";
import type { Classifier } from "./models/classifier.ts";
import type { ModelSpec } from "./models/spec.ts";
import type { RenderCondition } from "./evaluate/runner.ts";
import { Random } from "./util/random.ts";
import { join } from "node:path";
import { maybeGunzip } from "./data/files.ts";
import { IDX_IMAGES_MAGIC, parseIdx } from "./data/idx.ts";
import { emnistSampleDir, mnistDataDir } from "./data/paths.ts";

/** A labelled in-memory dataset of `count` images over the ten digit classes. */
function digitSet(
  name: string,
  images: Uint8Array,
  labels: Uint8Array,
  source: string,
  extra: Partial<DigitDataset> = {},
): DigitDataset {
  return {
    name,
    images,
    labels,
    count: labels.length,
    classNames: [...DIGIT_CLASSES],
    source,
    checksum: "",
    ...extra,
  };
}

/** Brightness step that codes a label in pixel 0. */
const STEP = 20;

/**
 * `count` items with labels `i % 10` (ids 1000 + i); pixel 0 of image i holds label·20.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { codedDigits } from "./testing.ts";
 * strictEqual(codedDigits(20).labels[13], 3);
 * ```
 */
export function codedDigits(count: number, name = "coded"): DigitDataset {
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    images[i * PIXELS] = labels[i] * STEP;
    images[i * PIXELS + 1] = 255; // not all black, so real filters change something
  }
  return digitSet(name, images, labels, "memory", {
    checksum: "0".repeat(64),
    ids: Uint32Array.from({ length: count }, (_, i) => 1000 + i),
  });
}

/**
 * A classifier that decodes pixel 0 and answers `confusions[decoded] ?? decoded` with
 * probability `confidence` (the rest spread evenly).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { codedClassifier } from "./testing.ts";
 * const c = codedClassifier("reader", { 3: 5 });
 * const image = new Float32Array(784); image[0] = 60 / 255;
 * strictEqual((await c.predict(image, 1))[5], Math.fround(0.9));
 * ```
 */
export function codedClassifier(
  name: string,
  confusions: Readonly<Record<number, number>> = {},
  confidence = 0.9,
): Classifier {
  return {
    name,
    classCount: 10,
    predict(images: Float32Array, count: number): Promise<Float32Array> {
      const out = new Float32Array(count * 10).fill((1 - confidence) / 9);
      for (let i = 0; i < count; i++) {
        const decoded = Math.round((images[i * PIXELS] * 255) / STEP) % 10;
        out[i * 10 + (confusions[decoded] ?? decoded)] = confidence;
      }
      return Promise.resolve(out);
    },
  };
}

/**
 * Renders any condition by recoding pixel 0 to the next label for the items whose position is
 * below `level × count / 10` (so level 1 hits 10% of the items, level 10 all of them).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { shiftLabels } from "./testing.ts";
 * const out = await shiftLabels(new Float32Array(784 * 10), 10,
 *   { kind: "corruption", factor: "x", level: 1 }, 0, new Uint32Array(10));
 * strictEqual(Math.round(out[0] * 255), 20);
 * ```
 */
export const shiftLabels: RenderCondition = (images, count, condition) => {
  const out = images.slice(0, count * PIXELS);
  const hit = Math.round((condition.level * count) / 10);
  for (let i = 0; i < Math.min(hit, count); i++) {
    const label = Math.round((out[i * PIXELS] * 255) / STEP);
    out[i * PIXELS] = (((label + 1) % 10) * STEP) / 255;
  }
  return out;
};

/**
 * `count` seeded bar images with balanced labels: class k is a bright horizontal bar at row
 * 4 + 2k with seeded noise, so a linear model separates it within an epoch.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { barDigits } from "./testing.ts";
 * const ds = barDigits(20, 1);
 * deepStrictEqual([ds.count, ds.labels[3]], [20, 3]);
 * ```
 */
export function barDigits(count: number, seed: number, name = "bars"): DigitDataset {
  const rng = new Random(seed);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    const row = 4 + 2 * label;
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = rng.int(60);
    const start = 4 + rng.int(6), length = 10 + rng.int(8);
    for (let x = start; x < start + length; x++) images[i * PIXELS + row * 28 + x] = 255;
  }
  return digitSet(name, images, labels, `synthetic bars seed ${seed}`);
}

/**
 * A small conv net with every layer kind the training and inference graphs compile, and every
 * kind of work they move behind a max pooling (a convolution's bias with and without its ReLU,
 * a ReLU layer). Dropout's rate
 * is 0 so that graph and eager training agree (their masks differ).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { EVERY_GRAPH_LAYER } from "./testing.ts";
 * ok(EVERY_GRAPH_LAYER.layers.some((l) => l.kind === "batch-norm"));
 * ```
 */
export const EVERY_GRAPH_LAYER: ModelSpec = {
  name: "engine-test",
  description: "",
  source: "",
  preprocessing: "symmetric",
  init: "he-normal",
  defaultRecipe: "baseline-adam",
  layers: [
    { kind: "conv", filters: 6, kernel: 3, padding: 1, activation: "relu" },
    { kind: "max-pool", size: 2 },
    { kind: "batch-norm", momentum: 0.9 },
    { kind: "conv", filters: 8, kernel: 3, padding: "same" },
    { kind: "max-pool", size: 2, stride: 1 },
    { kind: "activation", activation: "relu" },
    { kind: "max-pool", size: 2 },
    { kind: "conv", filters: 8, kernel: 3, padding: "same", activation: "elu" },
    { kind: "avg-pool", size: 2, stride: 2 },
    { kind: "dropout", rate: 0 },
    { kind: "flatten" },
    { kind: "dense", units: 16, activation: "tanh" },
    { kind: "dense", units: 10, activation: "softmax" },
  ],
};

/**
 * `count` (≤ 600) real digits as count × 784 floats in [0, 1], read synchronously for test
 * modules: the first MNIST test images, or the EMNIST sample in `../shared` without
 * node_modules.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadTestDigits } from "./testing.ts";
 * const digits = loadTestDigits(4);
 * strictEqual(digits.length, 4 * 784);
 * ```
 */
export function loadTestDigits(count: number): Float32Array {
  let path = join(mnistDataDir(), "t10k-images-idx3-ubyte");
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch {
    path = join(emnistSampleDir(), "emnist-digits-sample600-upright-images-idx3-ubyte.gz");
    bytes = maybeGunzip(Deno.readFileSync(path), path);
  }
  const { dims, data } = parseIdx(bytes, path, IDX_IMAGES_MAGIC);
  if (dims[0] < count) throw new Error(`${path}: ${dims[0]} images, fewer than ${count}`);
  return Float32Array.from(data.subarray(0, count * PIXELS), (v) => v / 255);
}

/**
 * Mean absolute pixel difference between two equally long batches: the "pixel change" the
 * monotonicity properties are stated in.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { meanAbsChange } from "./testing.ts";
 * strictEqual(meanAbsChange(new Float32Array([0, 1]), new Float32Array([0.5, 1])), 0.25);
 * ```
 */
export function meanAbsChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
