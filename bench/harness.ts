/**
 * `deno task bench`: digitkit's speed against its peers (PyTorch, Keras 3 on TensorFlow) on the
 * same machine, the same bytes and the same thread count, measured alternately (ours, peers,
 * ours, peers…, the peers' order swapped every round) and reported as medians, each figure's
 * ratio against its fastest peer.
 *
 * @module
 */
import { type BackendName, initBackend } from "../src/backend/mod.ts";
import {
  encodeKaggleCsv,
  loadMnist,
  parseKaggleCsv,
  stratifiedSample,
  subset,
  toFloat32,
} from "../src/data/mod.ts";
import { augmentPreset } from "../src/augment/presets.ts";
import { applyPipeline } from "../src/augment/pipeline.ts";
import { augmentRenderer, augmentSuite } from "../src/evaluate/conditions.ts";
import { evaluate } from "../src/evaluate/runner.ts";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { type InferenceEngine, modelClassifier } from "../src/models/tf_classifier.ts";
import { getRecipe } from "../src/train/recipes.ts";
import { train } from "../src/train/train.ts";
import type { EngineChoice, Precision } from "../src/train/engines.ts";
import { forwardMacsPerImage, measureSgemmGflops, trainingFlopsPerImage } from "./compute_floor.ts";
import {
  findPeer,
  type FoundPeer,
  getPeer,
  type PeerData,
  type PeerResult,
  type PeerStatus,
  runPeer,
} from "./peer.ts";
import { compareWithPeers, median } from "./fastest_peer.ts";
import { wholeProcessRound } from "./whole_process.ts";
import {
  furthestFromFloor,
  profileGraphStep,
  profileTrainingStep,
  type StepProfile,
} from "./profile.ts";

import type { BenchOptions, BenchReport, Figure } from "./bench_report.ts";

export type { BenchOptions, BenchReport, Figure } from "./bench_report.ts";

export { median } from "./fastest_peer.ts";

async function trainImagesPerSecond(
  modelName: string,
  data: ReturnType<typeof subset>,
  batch: number,
  augmentation: string | null,
  engine: EngineChoice,
  precision: Precision = "float32",
): Promise<number> {
  const spec = getModelSpec(modelName);
  const recipe = {
    ...getRecipe(spec.defaultRecipe),
    optimizer: { kind: "adam", learningRate: 1e-3 } as const,
    schedule: { kind: "constant" } as const,
    batchSize: batch,
    augmentation: [],
  };
  const pipeline = augmentation ? augmentPreset(augmentation) : null;
  const result = await train(spec, { train: data }, recipe, {
    epochs: 2,
    seed: 1,
    engine,
    precision,
    augment: pipeline
      ? (images, count, rng) => applyPipeline(images, count, pipeline, rng)
      : undefined,
  });
  result.model.dispose();
  return result.history[1].imagesPerSecond;
}

async function inferImagesPerSecond(
  modelName: string,
  pixels: Float32Array,
  count: number,
  images: number,
  engine: InferenceEngine,
): Promise<number> {
  const model = buildModel(getModelSpec(modelName));
  const classifier = modelClassifier(model, modelName, engine);
  try {
    await classifier.predict(
      pixels.subarray(0, Math.min(count, 1000) * 784),
      Math.min(count, 1000),
    );
    const start = performance.now();
    let done = 0;
    while (done < images) {
      const n = Math.min(count, images - done);
      await classifier.predict(pixels.subarray(0, n * 784), n);
      done += n;
    }
    return done / ((performance.now() - start) / 1000);
  } finally {
    model.dispose();
  }
}

/**
 * A figure with no measurement yet: rounds then add our values and each peer's.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { emptyFigure } from "./harness.ts";
 * const f = emptyFigure("infer mlp [cpu]", "inference", "img/s", "cpu");
 * deepStrictEqual([f.ours, f.peers, f.ratio], [[], {}, null]);
 * ```
 */
export function emptyFigure(
  id: string,
  description: string,
  unit: Figure["unit"],
  backend: string | null,
): Figure {
  return {
    id,
    description,
    unit,
    backend,
    ours: [],
    peers: {},
    peerMedians: {},
    fastestPeer: null,
    peer: [],
    oursMedian: NaN,
    peerMedian: null,
    ratio: null,
    roundRatios: [],
  };
}

/**
 * Runs every figure on every backend, alternating with the peers.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runBench } from "./harness.ts";
 * strictEqual(typeof runBench, "function");
 * ```
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log;
  const loadAtStart = Deno.loadavg()[0];
  const { found, statuses } = await findPeers(options.peerCandidates, log);

  const loadStart = performance.now();
  const trainSet = await loadMnist("train");
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const testSet = await loadMnist("test");
  const benchSet = stratifiedSample(trainSet, Math.max(options.trainImages, 1000), 7);
  const pixels = toFloat32(benchSet);

  const figures = new Map<string, Figure>();
  const get = (id: string, description: string, unit: Figure["unit"], backend: string | null) => {
    if (!figures.has(id)) figures.set(id, emptyFigure(id, description, unit, backend));
    return figures.get(id)!;
  };

  const peerSgemm: number[] = [];
  const peerDir = await Deno.makeTempDir({ prefix: "digitkit-bench-" });
  const peerData = await writePeerData(peerDir, "bench", benchSet.images, benchSet.labels);
  const wholeProcess = options.wholeProcessModel && options.backends.includes("tensorflow")
    ? {
      model: options.wholeProcessModel,
      train: await writePeerData(peerDir, "train", trainSet.images, trainSet.labels),
      test: await writePeerData(peerDir, "test", testSet.images, testSet.labels),
      dir: peerDir,
    }
    : null;
  // The peers' data (tens of MB) goes even when a round fails.
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const backend of options.backends) {
        await initBackend(backend, { threads: options.threads });
        // The graph engine exists on tensorflow only; eager runs there too, for the comparison.
        const engines = backend === "tensorflow" ? options.engines : ["eager" as const];
        for (const model of options.trainModels) {
          for (const engine of engines) {
            for (const aug of model === "keras-mnist-convnet" ? [null, "adaptive-pool"] : [null]) {
              if (aug && engine === "eager" && engines.length > 1) continue;
              const id = `train ${model}${aug ? " +aug" : ""}`;
              const where = engines.length > 1 ? `${backend}, ${engine}` : backend;
              log(`round ${round}: ${id} on ${where}`);
              const f = get(
                `${id} [${where}]`,
                `training, batch ${options.batch}, Adam${aug ? `, augmentation '${aug}'` : ""}, ` +
                  `${engine} engine`,
                "img/s",
                backend,
              );
              f.ours.push(await trainImagesPerSecond(model, benchSet, options.batch, aug, engine));
            }
          }
          const graph = backend === "tensorflow" && options.engines.includes("graph");
          if (graph && options.bf16Models.includes(model)) {
            log(`round ${round}: train ${model} bf16 on tensorflow, graph`);
            get(
              `train ${model} bf16 [tensorflow, graph]`,
              `training, batch ${options.batch}, Adam, bfloat16 mixed precision, graph engine`,
              "img/s",
              backend,
            ).ours.push(
              await trainImagesPerSecond(model, benchSet, options.batch, null, "graph", "bfloat16"),
            );
          }
        }
        for (const engine of engines) {
          const where = engines.length > 1 ? `${backend}, ${engine}` : backend;
          log(`round ${round}: infer ${options.inferModel} on ${where}`);
          get(
            `infer ${options.inferModel} [${where}]`,
            `inference, batch ${options.inferBatch}, ${engine} engine`,
            "img/s",
            backend,
          ).ours.push(
            await inferImagesPerSecond(
              options.inferModel,
              pixels,
              Math.min(options.inferBatch, benchSet.count),
              options.inferImages,
              engine,
            ),
          );
        }
      }
      // Swapping the peers' order every round keeps either from always running right after us.
      const sgemm: number[] = [];
      for (const peer of round % 2 ? found : [...found].reverse()) {
        log(`round ${round}: ${peer.spec.label} peer`);
        const result = await runPeer(peer, {
          ...peerData,
          threads: options.threads,
          trainModels: options.trainModels,
          bf16Models: options.bf16Models,
          trainImages: options.trainImages,
          batch: options.batch,
          inferModel: options.inferModel,
          inferImages: options.inferImages,
          inferBatch: Math.min(options.inferBatch, benchSet.count),
        });
        attachPeer(figures, peer.spec.name, result);
        sgemm.push(result.sgemm_gflops);
      }
      if (sgemm.length) peerSgemm.push(Math.max(...sgemm));
      if (wholeProcess) {
        const measured = await wholeProcessRound(round, found, {
          ...wholeProcess,
          threads: options.threads,
          log,
        });
        for (const m of measured) {
          const { id, description, unit } = m.figure;
          const f = get(id, description, unit, "tensorflow");
          if (m.side === "digitkit") f.ours.push(m.value);
          else (f.peers[m.side] ??= []).push(m.value);
        }
      }
    }
  } finally {
    await Deno.remove(peerDir, { recursive: true });
  }

  // One-off figures: the suite timing, data loading, CSV parsing, the machine's matmul speed.
  const fastest = options.backends[0];
  await initBackend(fastest, { threads: options.threads });
  get("mnist load", "MNIST IDX train (60,000) load + sha256", "s", null).ours.push(loadSeconds);
  get("kaggle csv parse", "42,000-row train.csv parse", "s", null).ours.push(
    timeCsvParse(trainSet),
  );
  log(`corruption suite '${options.suite}' on ${options.suiteImages} test images (${fastest})`);
  get(
    `eval suite ${options.suite} [${fastest}]`,
    `'${options.suite}' suite, ${options.suiteImages} MNIST test images, ${options.inferModel}`,
    "s",
    fastest,
  ).ours.push(await timeSuite(options, subset(testSet, range(options.suiteImages))));

  const oursSgemm = measureSgemmGflops();
  const peerMedianSgemm = peerSgemm.length ? median(peerSgemm) : null;
  const used = Math.max(oursSgemm, peerMedianSgemm ?? 0);
  const computeFloor: BenchReport["computeFloor"] = {};
  for (const name of new Set([...options.trainModels, options.inferModel])) {
    const model = buildModel(getModelSpec(name));
    const flops = trainingFlopsPerImage(forwardMacsPerImage(model));
    model.dispose();
    computeFloor[name] = {
      trainingMflopPerImage: flops / 1e6,
      floorImagesPerSecond: (used * 1e9) / flops,
    };
  }

  const list = [...figures.values()];
  for (const f of list) {
    Object.assign(f, compareWithPeers(f.unit, f.ours, f.peers));
    // The floor is float32 sgemm's: it says nothing of a bfloat16 run.
    const trainedModel = f.id.includes(" bf16 ") ? undefined : /^train (\S+)/.exec(f.id)?.[1];
    if (trainedModel && computeFloor[trainedModel]) {
      f.floorFraction = f.oursMedian / computeFloor[trainedModel].floorImagesPerSecond;
    }
  }
  let profile: StepProfile | null = null, graphProfile: StepProfile | null = null;
  const slowest = furthestFromFloor(list);
  if (slowest) {
    log(`profiling one training step of ${slowest.model} on ${slowest.backend}`);
    await initBackend(slowest.backend as BackendName, { threads: options.threads });
    profile = await profileTrainingStep(slowest.model, options.batch);
  }
  const slowestGraph = furthestFromFloor(
    list.filter((f) => f.description.endsWith("graph engine")),
  );
  if (slowestGraph) {
    log(`tracing graph training steps of ${slowestGraph.model} on tensorflow`);
    await initBackend("tensorflow", { threads: options.threads });
    graphProfile = await profileGraphStep(slowestGraph.model, options.batch);
  }
  return {
    date: new Date().toISOString(),
    machine: {
      cores: navigator.hardwareConcurrency,
      memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
      os: `${Deno.build.os} ${Deno.build.arch}`,
      loadAverage: { start: loadAtStart, end: Deno.loadavg()[0] },
    },
    threads: options.threads,
    peers: statuses,
    sgemmGflops: { ours: oursSgemm, peer: peerMedianSgemm, used },
    computeFloor,
    figures: list,
    profile,
    graphProfile,
    options: strip(options),
  };
}

/** Looks for every asked-for peer; logs each one found or skipped (with its setup command). */
async function findPeers(
  candidates: Record<string, string[]>,
  log: (line: string) => void,
): Promise<{ found: FoundPeer[]; statuses: PeerStatus[] }> {
  const found: FoundPeer[] = [], statuses: PeerStatus[] = [];
  for (const [name, list] of Object.entries(candidates)) {
    const spec = getPeer(name);
    const { peer, reason } = await findPeer(spec, list);
    if (peer) {
      log(`peer: ${spec.label} ${peer.version} (${peer.python})`);
      found.push(peer);
      statuses.push({ name, label: spec.label, version: peer.version, python: peer.python });
    } else {
      log(`peer skipped: ${reason}`);
      statuses.push({ name, label: spec.label, skipped: reason });
    }
  }
  return { found, statuses };
}

function strip(options: BenchOptions): BenchReport["options"] {
  const { log: _log, peerCandidates: _candidates, ...rest } = options;
  return rest;
}

/**
 * Adds one peer run's figures to ours: `train M [..]`, `train M bf16 [..]`, `infer M [..]` (the
 * same peer value sits beside every backend and engine of ours).
 */
export function attachPeer(figures: Map<string, Figure>, name: string, peer: PeerResult): void {
  for (const f of figures.values()) {
    const value = peerValue(f.id, peer);
    if (value !== undefined) (f.peers[name] ??= []).push(value);
  }
}

function peerValue(id: string, peer: PeerResult): number | undefined {
  const bf16 = /^train (\S+) bf16 \[/.exec(id);
  if (bf16) return peer.train_bf16?.[bf16[1]];
  const train = /^train (\S+) \[/.exec(id);
  if (train) return peer.train[train[1]];
  const infer = /^infer (\S+) \[/.exec(id);
  if (infer) return peer.infer[infer[1]];
  return undefined;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Writes raw uint8 images and labels for the peers (`peer_protocol.py` reads them). */
async function writePeerData(
  dir: string,
  name: string,
  images: Uint8Array,
  labels: Uint8Array,
): Promise<PeerData> {
  const imagesFile = `${dir}/${name}-images.u8`, labelsFile = `${dir}/${name}-labels.u8`;
  await Deno.writeFile(imagesFile, images);
  await Deno.writeFile(labelsFile, labels);
  return { imagesFile, labelsFile, count: labels.length };
}

function timeCsvParse(trainSet: Awaited<ReturnType<typeof loadMnist>>): number {
  const rows = subset(trainSet, range(Math.min(42_000, trainSet.count)));
  const bytes = new TextEncoder().encode(encodeKaggleCsv(rows, true));
  const start = performance.now();
  parseKaggleCsv(bytes, "train.csv");
  return (performance.now() - start) / 1000;
}

async function timeSuite(
  options: BenchOptions,
  testSet: ReturnType<typeof subset>,
): Promise<number> {
  const model = buildModel(getModelSpec(options.inferModel));
  const suite = augmentSuite(options.suite);
  const start = performance.now();
  await evaluate([modelClassifier(model, options.inferModel)], [testSet], {
    conditions: suite.conditions,
    units: suite.units,
    render: augmentRenderer(),
    suite: suite.name,
    batchSize: options.inferBatch,
    progress: null,
  });
  model.dispose();
  return (performance.now() - start) / 1000;
}
