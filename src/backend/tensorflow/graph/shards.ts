/**
 * Batch shards: a batch split into consecutive parts whose passes are independent ops, so that
 * the executor's inter-op threads run them side by side with one intra-op thread each. On these
 * small convolutions and products that beats one pass with several intra-op threads (see
 * {@link trainingThreads}).
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import type { Attr, Graph } from "./graph.ts";
import type { GraphLayer } from "./layers.ts";

/** How a compiled graph spends its threads: `shards` parts of each batch, side by side. */
export interface ShardedThreads {
  intraOp: number;
  interOp: number;
  shards: number;
}

/**
 * How a graph spends `threads` cores: each batch in two shards, one per inter-op thread, each
 * running its ops with `threads / 2` intra-op threads, when there are at least two threads and
 * the batch may be split (`splittable`); else one shard with every thread. On the project's 2
 * cores two training shards with one thread each were 1.11–1.34× faster than one step with two
 * intra-op threads across the zoo (bench/layouts_bench.ts, bench/README.md): oneDNN's small
 * convolutions and matrix products gain little from a second thread, while two independent
 * halves keep both cores busy. `DIGITKIT_GRAPH_SHARDS=1` turns it off.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { shardedThreads } from "./shards.ts";
 * deepStrictEqual(shardedThreads(2), { intraOp: 1, interOp: 2, shards: 2 });
 * deepStrictEqual(shardedThreads(1), { intraOp: 1, interOp: 1, shards: 1 });
 * deepStrictEqual(shardedThreads(2, false), { intraOp: 2, interOp: 1, shards: 1 });
 * ```
 */
export function shardedThreads(threads: number, splittable = true): ShardedThreads {
  const allowed = Number(Deno.env.get("DIGITKIT_GRAPH_SHARDS") ?? 2);
  const shards = threads >= 2 && allowed >= 2 && splittable ? 2 : 1;
  return shards === 1
    ? { intraOp: threads, interOp: 1, shards }
    : { intraOp: Math.floor(threads / shards), interOp: shards, shards };
}

/**
 * {@link shardedThreads} for a training step: models with batch normalisation keep their batch
 * whole (its statistics are the whole batch's).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { trainingThreads } from "./shards.ts";
 * const plain = { className: "Dense", config: {}, weights: [], outputShape: [-1, 10], state: [] };
 * deepStrictEqual(trainingThreads(2, [plain]), { intraOp: 1, interOp: 2, shards: 2 });
 * const norm = { ...plain, state: [{ name: "moving_mean", shape: [10] }] };
 * deepStrictEqual(trainingThreads(2, [norm]), { intraOp: 2, interOp: 1, shards: 1 });
 * ```
 */
export function trainingThreads(threads: number, layers: GraphLayer[]): ShardedThreads {
  return shardedThreads(threads, layers.every((l) => l.state.length === 0));
}

/**
 * A cache of one graph input per layer and index: the returned function gives the output that
 * `make` built at the first call for that layer and index, so that every shard of a batch (and
 * every way to run a step) reads the same weights.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { perLayerInputs } from "./shards.ts";
 * const layer = { className: "Dense", config: {}, weights: [], outputShape: [-1, 10], state: [] };
 * const input = perLayerInputs();
 * let made = 0;
 * const make = () => ({ op: { made: ++made } } as never);
 * strictEqual(input(layer, 0, make), input(layer, 0, make));
 * input(layer, 1, make);
 * strictEqual(made, 2);
 * ```
 */
export function perLayerInputs(): (layer: GraphLayer, index: number, make: () => Output) => Output {
  const made = new Map<GraphLayer, Output[]>();
  return (layer, index, make) => {
    const list = made.get(layer) ?? made.set(layer, []).get(layer)!;
    return list[index] ??= make();
  };
}

/**
 * Splits each of `inputs` (same first dimension n) into `shards` consecutive parts of sizes
 * ⌊(s+1)·n/k⌋ − ⌊s·n/k⌋; returns the parts shard by shard (`[shard][input]`). Parts may be
 * empty when n < shards, which oneDNN's kernels do not all handle: run such batches whole.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { initBackend } from "../../mod.ts";
 * import { Graph } from "./graph.ts";
 * import { Session } from "./session.ts";
 * import { splitRows } from "./shards.ts";
 * await initBackend("tensorflow"); // needs `deno task setup`
 * const g = new Graph();
 * const x = g.placeholder("x", "float32", [-1]);
 * const [[a], [b]] = splitRows(g, [[x, "float32"]], 2);
 * const data = new Float32Array([1, 2, 3, 4, 5]);
 * const [first, second] = new Session(g, { intraOp: 1, interOp: 1 })
 *   .run([[x, { dtype: "float32", shape: [5], data }]], [a, b]);
 * deepStrictEqual([Array.from(first), Array.from(second)], [[1, 2], [3, 4, 5]]);
 * ```
 */
export function splitRows(
  g: Graph,
  inputs: [Output, "float32" | "int32"][],
  shards: number,
): Output[][] {
  const int32 = { type: DataType.int32 };
  const typeOf = (dtype: "float32" | "int32"): Attr => ({
    type: dtype === "float32" ? DataType.float : DataType.int32,
  });
  const n = g.op("Shape", [inputs[0][0]], { T: typeOf(inputs[0][1]), out_type: int32 })[0];
  const rows = g.op("StridedSlice", [
    n,
    g.constant([0], [1], "int32"),
    g.constant([1], [1], "int32"),
    g.constant([1], [1], "int32"),
  ], { T: int32, Index: int32, shrink_axis_mask: { int: 1 } })[0];
  const bound = (s: number) =>
    g.op("FloorDiv", [
      g.op("Mul", [rows, g.constant([s], [], "int32")], { T: int32 })[0],
      g.constant([shards], [], "int32"),
    ], { T: int32 })[0];
  const bounds = Array.from({ length: shards + 1 }, (_, s) => bound(s));
  const sizes = g.op("Pack", [
    bounds.slice(1).map((b, s) => g.op("Sub", [b, bounds[s]], { T: int32 })[0]),
  ], { T: int32, N: { int: shards }, axis: { int: 0 } })[0];
  const axis = g.constant([0], [], "int32");
  const parts = inputs.map(([input, dtype]) =>
    g.op("SplitV", [input, sizes, axis], {
      T: typeOf(dtype),
      Tlen: int32,
      num_split: { int: shards },
    }, { outputs: shards })
  );
  return Array.from({ length: shards }, (_, s) => parts.map((list) => list[s]));
}
