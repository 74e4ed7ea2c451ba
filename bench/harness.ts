/**
 * `deno task bench`: digitkit's speed against PyTorch on the same machine, the same bytes and the
 * same thread count, measured alternately (ours, peer, ours, peer…) and reported as medians.
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
import { findTorch, type PeerResult, runPeer, type TorchPython } from "./peer.ts";
import {
  furthestFromFloor,
  profileGraphStep,
  profileTrainingStep,
  type StepProfile,
} from "./profile.ts";

import type { BenchOptions, BenchReport, Figure } from "./bench_report.ts";

export type { BenchOptions, BenchReport, Figure } from "./bench_report.ts";

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

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

function figure(
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
    peer: [],
    oursMedian: NaN,
    peerMedian: null,
    ratio: null,
    roundRatios: [],
  };
}

/**
 * Runs every figure on every backend, alternating with the PyTorch peer.
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
  const { torch, reason } = await findTorch(options.torchCandidates);
  log(torch ? `peer: torch ${torch.torch} (${torch.python})` : `peer skipped: ${reason}`);

  const loadStart = performance.now();
  const trainSet = await loadMnist("train");
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const testSet = await loadMnist("test");
  const benchSet = stratifiedSample(trainSet, Math.max(options.trainImages, 1000), 7);
  const pixels = toFloat32(benchSet);

  const figures = new Map<string, Figure>();
  const get = (id: string, description: string, unit: Figure["unit"], backend: string | null) => {
    if (!figures.has(id)) figures.set(id, figure(id, description, unit, backend));
    return figures.get(id)!;
  };

  const peerSgemm: number[] = [];
  const peerFiles = torch ? await writePeerData(benchSet.images, benchSet.labels) : null;
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
    if (torch && peerFiles) {
      log(`round ${round}: torch peer`);
      const peer = await runPeer(torch, {
        ...peerFiles,
        count: benchSet.count,
        threads: options.threads,
        trainModels: options.trainModels,
        bf16Models: options.bf16Models,
        trainImages: options.trainImages,
        batch: options.batch,
        inferModel: options.inferModel,
        inferImages: options.inferImages,
        inferBatch: Math.min(options.inferBatch, benchSet.count),
      });
      attachPeer(figures, peer);
      peerSgemm.push(peer.sgemm_gflops);
    }
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
    f.oursMedian = median(f.ours);
    f.peerMedian = f.peer.length ? median(f.peer) : null;
    const faster = (ours: number, peer: number) => f.unit === "s" ? peer / ours : ours / peer;
    if (f.peerMedian !== null) f.ratio = faster(f.oursMedian, f.peerMedian);
    if (f.peer.length === f.ours.length) f.roundRatios = f.ours.map((o, i) => faster(o, f.peer[i]));
    // The floor is float32 sgemm's: it says nothing of a bfloat16 run.
    const trainedModel = f.id.includes(" bf16 ") ? undefined : /^train (\S+)/.exec(f.id)?.[1];
    if (trainedModel && computeFloor[trainedModel]) {
      f.floorFraction = f.oursMedian / computeFloor[trainedModel].floorImagesPerSecond;
    }
  }
  if (peerFiles) await Deno.remove(peerFiles.dir, { recursive: true });
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
    },
    threads: options.threads,
    torch: torch ? describeTorch(torch) : { skipped: reason },
    sgemmGflops: { ours: oursSgemm, peer: peerMedianSgemm, used },
    computeFloor,
    figures: list,
    profile,
    graphProfile,
    options: strip(options),
  };
}

function describeTorch(torch: TorchPython) {
  return { version: torch.torch, python: torch.python };
}

function strip(options: BenchOptions): BenchReport["options"] {
  const { log: _log, torchCandidates: _candidates, ...rest } = options;
  return rest;
}

function attachPeer(figures: Map<string, Figure>, peer: PeerResult): void {
  for (const f of figures.values()) {
    const train = /^train (\S+) \[/.exec(f.id);
    if (train && peer.train[train[1]] !== undefined) f.peer.push(peer.train[train[1]]);
    const bf16 = /^train (\S+) bf16 \[/.exec(f.id);
    if (bf16 && peer.train_bf16?.[bf16[1]] !== undefined) f.peer.push(peer.train_bf16[bf16[1]]);
    const infer = /^infer (\S+) \[/.exec(f.id);
    if (infer && peer.infer[infer[1]] !== undefined) f.peer.push(peer.infer[infer[1]]);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

async function writePeerData(images: Uint8Array, labels: Uint8Array) {
  const dir = await Deno.makeTempDir({ prefix: "digitkit-bench-" });
  const imagesFile = `${dir}/images.u8`, labelsFile = `${dir}/labels.u8`;
  await Deno.writeFile(imagesFile, images);
  await Deno.writeFile(labelsFile, labels);
  return { dir, imagesFile, labelsFile };
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
