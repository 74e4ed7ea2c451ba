/**
 * Training-mode layers of the graph checked on their own: dropout's mask keeps each value with
 * probability 1 − rate and scales it by 1/(1 − rate), for the random-byte mask and the float one.
 */
import assert from "node:assert/strict";
import { loadTensorflowBackend } from "../mod.ts";
import type { Output } from "./capi.ts";
import { Graph } from "./graph.ts";
import { Session } from "./session.ts";
import { type GraphLayer, layerOps, type TrainingContext } from "./layers.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

/** Dropout of a batch of ones, once per seed: the masks scaled by 1/keep. */
async function dropoutMasks(
  rate: number,
  batch: number,
  perImage: number,
  seeds: number[],
): Promise<Float32Array[]> {
  await loadTensorflowBackend();
  const g = new Graph();
  let seedInput: Output | undefined;
  const context: TrainingContext = {
    graph: g,
    training: true,
    trainable: () => {
      throw new Error("dropout has no weights");
    },
    dropoutSeed: () => seedInput = g.placeholder("seed", "int64", [2]),
    state: () => {
      throw new Error("dropout has no state");
    },
  };
  const x = g.placeholder("x", "float32", [-1, perImage]);
  const layer: GraphLayer = {
    className: "Dropout",
    config: { rate },
    weights: [],
    state: [],
    outputShape: [-1, perImage],
  };
  const y = layerOps(context, layer, x);
  const session = new Session(g, { intraOp: 2, interOp: 1 });
  const ones = {
    dtype: "float32" as const,
    shape: [batch, perImage],
    data: new Float32Array(batch * perImage).fill(1),
  };
  const masks = seeds.map((seed) =>
    session.run([
      [x, ones],
      [seedInput!, { dtype: "int64", shape: [2], data: new BigInt64Array([BigInt(seed), 0n]) }],
    ], [y])[0]
  );
  session.dispose();
  g.dispose();
  return masks;
}

for (
  const [rate, perImage, form] of [
    [0.5, 1600, "random bytes"],
    [0.25, 30, "floats: 30 values an image"],
    [0.3, 1600, "floats: 0.3·256 is fractional"],
  ] as const
) {
  Deno.test({
    name: `graph dropout ${rate} (${form}): keeps 1 − rate of the values, scaled by 1/keep`,
    ignore: skip,
    async fn() {
      const batch = 100;
      const [a, b, c] = await dropoutMasks(rate, batch, perImage, [7, 7, 8]);
      const keep = 1 - rate;
      const scaled = Math.fround(1 / Math.fround(keep));
      assert.ok(a.every((v) => v === 0 || v === scaled), "values other than 0 and 1/keep");
      const n = a.length;
      const kept = a.filter((v) => v !== 0).length / n;
      const sigma = Math.sqrt(keep * (1 - keep) / n);
      assert.ok(Math.abs(kept - keep) < 5 * sigma, `kept ${kept}, expected ${keep}`);
      assert.deepEqual(a, b, "the same seed gave another mask");
      assert.notDeepEqual(a, c, "another seed gave the same mask");
      // Images get masks of their own (no repeated rows from a reshaped draw).
      const rows = new Set(
        Array.from(
          { length: batch },
          (_, i) => a.subarray(i * perImage, (i + 1) * perImage).join(","),
        ),
      );
      assert.ok(rows.size > batch * 0.9, `${rows.size} distinct masks in ${batch} images`);
    },
  });
}
