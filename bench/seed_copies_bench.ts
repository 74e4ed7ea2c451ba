/**
 * Study throughput of small models on this machine's cores: seeds trained per second, for three
 * ways to spend two cores on several seeds of one architecture (issue 21's study-throughput
 * question):
 *
 * - `1x2`: one seed at a time, one compiled step with 2 intra-op threads (the study default);
 * - `2x1`: two processes at once, each one seed with 1 thread (`kit study run --parallel 2
 *   --threads 1`);
 * - `copies`: two seeds in one compiled step sharing each input batch (`TrainingGraph`'s
 *   `copies: 2`, each copy with its own weights, Adam slots and dropout), 2 intra-op and 2
 *   inter-op threads, so independent ops of the two copies can run side by side.
 *
 * Each figure runs in a fresh process on seeded random batches of 128 (Adam); the result is
 * seed-images per second (images/s × seeds trained at once).
 *
 * ```sh
 * deno run -A bench/seed_copies_bench.ts [models=lenet-5,adaptive-pool-cnn,mdsist-cnn,keras-mnist-convnet] [rounds=3]
 * ```
 *
 * @module
 */
import { initBackend } from "../src/backend/mod.ts";
import { graphLayers, TrainingGraph } from "../src/backend/graph.ts";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { Random } from "../src/util/random.ts";

const BATCH = 128;
const RESULT = "seed-copies-result ";

interface Setting {
  model: string;
  copies: number;
  intraOp: number;
  interOp: number;
  steps: number;
}

/** One figure in this process: seed-images per second of `steps` timed steps. */
async function measure(setting: Setting): Promise<number> {
  await initBackend("tensorflow", { threads: setting.intraOp });
  const model = buildModel(getModelSpec(setting.model), { seed: 1 });
  const graph = new TrainingGraph(graphLayers(model), {
    classCount: 10,
    probabilityClip: 1e-7,
    optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    threads: { intraOp: setting.intraOp, interOp: setting.interOp },
    copies: setting.copies,
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
  };
  console.log(`seed-images/s, batch ${BATCH}, Adam, medians of ${rounds} rounds (A B C D …)`);
  for (const model of models) {
    const steps = /keras|mdsist/.test(model) ? 120 : 300;
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
