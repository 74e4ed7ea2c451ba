/**
 * Ways to spend this machine's cores on training small models, in seed-images per second
 * (images/s × seeds trained at once), each figure in a fresh process on seeded random batches
 * of 128 (Adam), compiled graph engine:
 *
 * - `1x2`: one step with 2 intra-op threads (the engine before batch shards);
 * - `2x1`: two processes at once, one seed each with 1 thread (`kit study run --parallel 2
 *   --threads 1`);
 * - `copies 2, …`: two seeds in one compiled step sharing each input batch (`TrainingGraph`'s
 *   `copies: 2`: own weights, Adam slots and dropout each), intra-op + inter-op threads;
 * - `shards 2, 1+2 threads`: one seed, each batch split in two halves whose passes run side by
 *   side with one thread each (`TrainingGraph`'s `shards: 2`, the engine's default on 2 cores);
 *   `pool 2` loads libtensorflow with a 2-thread intra-op pool first, which every session
 *   shares unless `TF_OVERRIDE_GLOBAL_THREADPOOL=1` (set by the kit's loader);
 * - `shards 4, 1+2 threads`: four quarters on two threads.
 *
 * ```sh
 * deno run -A bench/layouts_bench.ts [models=lenet-5,adaptive-pool-cnn,mdsist-cnn,keras-mnist-convnet] [rounds=3]
 * DIGITKIT_LAYOUTS="shards 2, 1+2 threads;2x1" deno run -A bench/layouts_bench.ts mlp 1   # some only
 * ```
 *
 * @module
 */
import { initBackend } from "../src/backend/mod.ts";
import { graphLayers, TrainingGraph } from "../src/backend/graph.ts";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { Random } from "../src/util/random.ts";
import { median } from "./fastest_peer.ts";

const BATCH = 128;
const RESULT = "layouts-result ";

interface Setting {
  model: string;
  copies: number;
  shards?: number;
  /** Threads libtensorflow's process-wide intra-op pool gets (default `intraOp`). */
  poolThreads?: number;
  intraOp: number;
  interOp: number;
  steps: number;
}

/** One figure in this process: seed-images per second of `steps` timed steps. */
async function measure(setting: Setting): Promise<number> {
  await initBackend("tensorflow", { threads: setting.poolThreads ?? setting.intraOp });
  const model = buildModel(getModelSpec(setting.model), { seed: 1 });
  const graph = new TrainingGraph(graphLayers(model), {
    classCount: 10,
    probabilityClip: 1e-7,
    optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    threads: { intraOp: setting.intraOp, interOp: setting.interOp },
    copies: setting.copies,
    shards: setting.shards,
  });
  const one = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const weights = Array.from({ length: setting.copies }, () => one).flat();
  const zeros = weights.map((w) => new Float32Array(w.length));
  graph.load({ weights, slots: [zeros, zeros.map((z) => z.slice())], state: [] });
  const random = new Random(7);
  const images = Float32Array.from({ length: BATCH * 784 }, () => random.next());
  const labels = Int32Array.from({ length: BATCH }, () => Math.floor(random.next() * 10));
  let t = 0;
  const step = () =>
    graph.step(images, labels, BATCH, {
      learningRate: 1e-3,
      oneMinusBeta1Power: 1 - 0.9 ** ++t,
      oneMinusBeta2Power: 1 - 0.999 ** t,
      dropoutSeeds: Array.from({ length: graph.dropoutCount }, (_, i) => t * 16 + i),
    });
  for (let i = 0; i < 5; i++) await step();
  const start = performance.now();
  const pending = [];
  for (let i = 0; i < setting.steps; i++) pending.push(step());
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  graph.dispose();
  return (setting.copies * setting.steps * BATCH) / seconds;
}

async function child(settings: Setting[]): Promise<number> {
  const runs = settings.map((s) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--child", JSON.stringify(s)],
      stdout: "piped",
      stderr: "inherit",
    }).output()
  );
  let total = 0;
  for (const { stdout } of await Promise.all(runs)) {
    const line = new TextDecoder().decode(stdout).split("\n").find((l) => l.startsWith(RESULT));
    if (!line) throw new Error("a child printed no result");
    total += Number(line.slice(RESULT.length));
  }
  return total;
}

if (import.meta.main && Deno.args[0] === "--child") {
  console.log(RESULT + (await measure(JSON.parse(Deno.args[1]) as Setting)));
  Deno.exit(0);
}

if (import.meta.main) {
  const models = (Deno.args[0] ?? "lenet-5,adaptive-pool-cnn,mdsist-cnn,keras-mnist-convnet")
    .split(",");
  const rounds = Number(Deno.args[1] ?? "3");
  const layouts: Record<string, (model: string, steps: number) => Setting[]> = {
    "1x2": (model, steps) => [{ model, copies: 1, intraOp: 2, interOp: 1, steps }],
    "2x1": (model, steps) =>
      [0, 1].map(() => ({ model, copies: 1, intraOp: 1, interOp: 1, steps })),
    "copies 2, 2+2 threads": (
      model,
      steps,
    ) => [{ model, copies: 2, intraOp: 2, interOp: 2, steps }],
    "copies 2, 1+2 threads": (
      model,
      steps,
    ) => [{ model, copies: 2, intraOp: 1, interOp: 2, steps }],
    "shards 2, 1+2 threads": (model, steps) => [
      { model, copies: 1, shards: 2, intraOp: 1, interOp: 2, steps },
    ],
    "shards 2, 1+2 threads, pool 2": (model, steps) => [
      { model, copies: 1, shards: 2, intraOp: 1, interOp: 2, poolThreads: 2, steps },
    ],
    "shards 4, 1+2 threads": (model, steps) => [
      { model, copies: 1, shards: 4, intraOp: 1, interOp: 2, steps },
    ],
  };
  const only = Deno.env.get("DIGITKIT_LAYOUTS")?.split(";");
  for (const name of Object.keys(layouts)) {
    if (only && name !== "1x2" && !only.includes(name)) delete layouts[name];
  }
  console.log(`seed-images/s, batch ${BATCH}, Adam, medians of ${rounds} rounds (A B C D …)`);
  for (const model of models) {
    const steps = /kaggle|beyond/.test(model)
      ? 20
      : /keras|mdsist|adaptive/.test(model)
      ? 120
      : 300;
    const rates: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const [name, settings] of Object.entries(layouts)) {
        (rates[name] ??= []).push(await child(settings(model, steps)));
      }
    }
    const base = median(rates["1x2"]);
    for (const [name, values] of Object.entries(rates)) {
      console.log(
        `${model.padEnd(22)} ${name.padEnd(22)} ${median(values).toFixed(0).padStart(7)} ` +
          `(${(median(values) / base).toFixed(2)}× 1x2) [${
            values.map((v) => v.toFixed(0)).join(", ")
          }]`,
      );
    }
  }
}
