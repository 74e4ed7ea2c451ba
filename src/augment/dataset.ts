/**
 * Augmented copies of whole datasets (e.g. an offline-augmented training set): new pixels, the
 * same labels, ids and provenance, so a model trained on the copy is known to have seen the
 * source items.
 *
 * @module
 */
import { PIXELS } from "../data/types.ts";
import type { DigitDataset } from "../data/types.ts";
import { provenanceOf } from "../data/provenance.ts";
import { Random } from "../util/random.ts";
import { applyPipeline, type Pipeline } from "./pipeline.ts";
import { fromUint8, toUint8 } from "./uint8.ts";

/**
 * `ds` with every image passed through `pipeline` (seeded), keeping labels, ids and provenance.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, notDeepStrictEqual } from "node:assert";
 * import { augmentDataset } from "./dataset.ts";
 * import { stratifiedSample } from "../data/split.ts";
 * import { loadMnist } from "../data/mnist.ts";
 * const sample = stratifiedSample(await loadMnist("test"), 20, 1);
 * const shifted = augmentDataset(sample, [{ op: "affine", rotate: 15, translate: 0.1 }], 7);
 * deepStrictEqual(shifted.provenance, sample.provenance);
 * deepStrictEqual(shifted.ids, sample.ids);
 * notDeepStrictEqual(shifted.images, sample.images);
 * ```
 */
export function augmentDataset(
  ds: DigitDataset,
  pipeline: Pipeline,
  seed: number,
  name = `${ds.name}-augmented`,
): DigitDataset {
  const floats = fromUint8(ds.images.subarray(0, ds.count * PIXELS));
  applyPipeline(floats, ds.count, pipeline, new Random(seed));
  // The provenance is made explicit: a set as loaded names itself as the source, and this one
  // is renamed.
  return { ...ds, name, images: toUint8(floats), provenance: provenanceOf(ds) };
}
