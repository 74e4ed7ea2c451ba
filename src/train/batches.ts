/**
 * The training input pipeline: the dataset is converted once to [0, 1] floats; every epoch
 * gathers the rows in a seeded random order into one reusable buffer, and batches are views
 * (`subarray`) of it, so batching costs no allocation.
 *
 * @module
 */
import { toFloat32 } from "../data/ops.ts";
import { type DigitDataset, PIXELS, UNLABELED } from "../data/types.ts";
import { UsageError } from "../util/errors.ts";
import type { Random } from "../util/random.ts";

/** A dataset as training arrays. */
export interface TrainingArrays {
  /** `count × 784` pixels in [0, 1]. */
  images: Float32Array;
  /** Class index per image. */
  labels: Int32Array;
  count: number;
}

/**
 * Converts a labelled dataset to {@link TrainingArrays}; throws a {@link UsageError} naming the
 * first unlabelled item.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { toTrainingArrays } from "./batches.ts";
 * const ds = { name: "d", images: new Uint8Array(784).fill(255), labels: new Uint8Array([3]),
 *   count: 1, classNames: ["0","1","2","3"], source: "", checksum: "" };
 * strictEqual(toTrainingArrays(ds).images[0], 1);
 * ```
 */
export function toTrainingArrays(ds: DigitDataset): TrainingArrays {
  const images = toFloat32(ds);
  const labels = new Int32Array(ds.count);
  for (let i = 0; i < ds.count; i++) {
    const label = ds.labels[i];
    if (label === UNLABELED || label >= ds.classNames.length) {
      throw new UsageError(
        `${ds.name}: item ${i} has no valid label (${label}); training needs labelled data`,
      );
    }
    labels[i] = label;
  }
  return { images, labels, count: ds.count };
}

/** One batch: views into the epoch buffer. */
export interface Batch {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/**
 * Shuffled batches over {@link TrainingArrays}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { EpochBatches } from "./batches.ts";
 * import { Random } from "../util/random.ts";
 * const data = { images: new Float32Array(5 * 784), labels: new Int32Array([0, 1, 2, 3, 4]), count: 5 };
 * const batches = new EpochBatches(data, 2);
 * batches.shuffle(new Random(1));
 * strictEqual(batches.batchCount, 3); strictEqual(batches.batch(2).count, 1);
 * ```
 */
export class EpochBatches {
  readonly batchCount: number;
  #images: Float32Array;
  #labels: Int32Array;

  constructor(readonly data: TrainingArrays, readonly batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
    }
    if (data.count === 0) throw new UsageError("training set is empty");
    this.batchCount = Math.ceil(data.count / batchSize);
    this.#images = new Float32Array(data.images.length);
    this.#labels = new Int32Array(data.count);
  }

  /** Gathers the rows in a new random order drawn from `rng` (Fisher–Yates). */
  shuffle(rng: Random): void {
    const order = rng.permutation(this.data.count);
    const { images, labels } = this.data;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      this.#images.set(images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
      this.#labels[k] = labels[i];
    }
  }

  /** Batch `k` of the current order (the last one may be smaller). */
  batch(k: number): Batch {
    const from = k * this.batchSize;
    const to = Math.min(this.data.count, from + this.batchSize);
    return {
      images: this.#images.subarray(from * PIXELS, to * PIXELS),
      labels: this.#labels.subarray(from, to),
      count: to - from,
    };
  }
}
