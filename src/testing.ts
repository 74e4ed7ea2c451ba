/**
 * Deterministic stand-ins for tests and examples of the evaluation without TensorFlow: a test
 * set whose images carry their label in the first pixel, classifiers that read it back, and a
 * renderer whose conditions corrupt that pixel for a known share of items.
 *
 * @module
 */
import { DIGIT_CLASSES, type DigitDataset, PIXELS } from "../data/types.ts";
import type { Classifier } from "../models/classifier.ts";
import type { RenderCondition } from "./runner.ts";

/** Brightness step that codes a label in pixel 0. */
const STEP = 20;

/**
 * `count` items with labels `i % 10` (ids 1000 + i); pixel 0 of image i holds label·20.
 *
 * @example
 * ```ts
 * import { codedDigits } from "./testing.ts";
 * console.log(codedDigits(20).labels[13]); // 3
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
  return {
    name,
    images,
    labels,
    count,
    classNames: [...DIGIT_CLASSES],
    source: "memory",
    checksum: "0".repeat(64),
    ids: Uint32Array.from({ length: count }, (_, i) => 1000 + i),
  };
}

/**
 * A classifier that decodes pixel 0 and answers `confusions[decoded] ?? decoded` with
 * probability `confidence` (the rest spread evenly).
 *
 * @example
 * ```ts
 * import { codedClassifier } from "./testing.ts";
 * const c = codedClassifier("reader", { 3: 5 });
 * const image = new Float32Array(784); image[0] = 60 / 255;
 * console.log((await c.predict(image, 1))[5]); // 0.9 (as float32)
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
 * import { shiftLabels } from "./testing.ts";
 * const out = await shiftLabels(new Float32Array(784 * 10), 10,
 *   { kind: "corruption", factor: "x", level: 1 }, 0, new Uint32Array(10));
 * console.log(Math.round(out[0] * 255)); // 20
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
