/**
 * The main job as one call: train the seed architectures with a profile, run the evaluation
 * suite on MNIST (and the real EMNIST sample when present), compare, and write the report
 * folder. `deno task report` is a thin flag parser over {@link runReportJob}.
 *
 * @module
 */
import { join } from "node:path";
import type { DigitDataset } from "../data/types.ts";
import { getDataset, loadTestSets } from "../data/named.ts";
import { repoRoot } from "../data/paths.ts";
import { compare } from "../evaluate/compare.ts";
import { augmentSuite, suiteOptions } from "../evaluate/conditions.ts";
import { evaluate } from "../evaluate/runner.ts";
import {
  applyContaminationPolicy,
  type ContaminationPolicy,
  type SeenItems,
  seenItemsOfData,
} from "../evaluate/contamination.ts";
import { protocolResult } from "../train/protocol.ts";
import type { Classifier } from "../models/classifier.ts";
import { getModelSpec } from "../models/zoo.ts";
import { summarizeModel } from "../models/summary.ts";
import { getRecipe } from "../train/recipes.ts";
import { loadRecipeData, recipeDatasets, splitDescription } from "../train/recipe_data.ts";
import { train } from "../train/train.ts";
import type { EngineChoice } from "../train/engines.ts";
import { terminalProgress } from "../train/progress.ts";
import { UsageError } from "../util/errors.ts";
import { corruptionExamples } from "../plots/galleries.ts";
import { toFloat32 } from "../data/ops.ts";
import { writeReport } from "../report/build.ts";
import { refuseExisting, type ReportFiles } from "../report/write.ts";
import {
  collectPredictions,
  modelFolder,
  modelFolderFiles,
  shareableFiles,
} from "../report/shareable.ts";
import { claimOutput } from "../util/output_claim.ts";
import type { DataInfo, ModelTraining } from "../report/input.ts";
import { loadMetadata } from "../report/metadata.ts";
import { gitCommit } from "../util/git.ts";

/**
 * The seed model cards' architectures, trained by default.
 *
 * @example
 * ```ts
 * import { SEED_ARCHITECTURES } from "./report_job.ts";
 * import { strictEqual } from "node:assert";
 * strictEqual(SEED_ARCHITECTURES.length, 5);
 * ```
 */
export const SEED_ARCHITECTURES = [
  "keras-mnist-convnet",
  "adaptive-pool-cnn",
  "mdsist-cnn",
  "kaggle-digit-recognizer",
  "beyond-mnist",
];

/** Registry datasets whose test parts the report evaluates on; all but the first are optional. */
export const REPORT_TEST_SETS = ["mnist", "emnist-digits-sample"];

/** How much training and evaluation a profile does. */
export interface ReportProfile {
  name: string;
  /** Epochs per model; undefined = the recipe's own. */
  epochs?: number;
  /** Stratified cap on train/validation items per model; undefined = all. */
  trainLimit?: number;
  /** Evaluation suite (`quick`, `default`, `full`). */
  suite: string;
  /** Test items evaluated per test set; undefined = all. */
  evalLimit?: number;
}

/**
 * `quick`: minutes on 2 cores; `full`: the cards' recipes on all data.
 *
 * @example
 * ```ts
 * import { PROFILES } from "./report_job.ts";
 * import { strictEqual } from "node:assert";
 * strictEqual(PROFILES.quick.epochs, 1);
 * ```
 */
export const PROFILES: Record<string, ReportProfile> = {
  quick: { name: "quick", epochs: 1, trainLimit: 12000, suite: "default", evalLimit: 300 },
  full: { name: "full", suite: "default" },
};

/** Options of {@link runReportJob}; everything but `runName` has a default. */
export interface ReportJobOptions {
  runName: string;
  profile?: string;
  /** Model specs to train (zoo names); the seed architectures by default. */
  models?: string[];
  /** Overrides the profile's epochs / limits / suite. */
  epochs?: number;
  trainLimit?: number;
  evalLimit?: number;
  suite?: string;
  /** Training seed (default 1) and corruption seed (default 0). */
  seed?: number;
  evalSeed?: number;
  backend?: string;
  /** Training engine (`auto`: the graph engine wherever it applies). */
  engine?: EngineChoice;
  /** Card metadata YAML/JSON file. */
  metadataPath?: string;
  /** g CO₂eq per kWh for the cards' emissions (overrides the metadata's `gridIntensity`). */
  gridIntensity?: number;
  /** Folder holding report folders (default `<repo>/reports`). */
  root?: string;
  force?: boolean;
  /** Official EMNIST files, for the beyond-mnist recipe in the full profile. */
  emnistDir?: string;
  /** How the job was started, for the reproducibility block. */
  command?: string;
  /** Progress output (stderr by default; null = silent). */
  progress?: ((text: string) => void) | null;
  /** What to do with test items a model trained or validated on (default `exclude`). */
  contamination?: ContaminationPolicy;
}

/** What {@link runReportJob} returns. */
export interface ReportJobResult {
  dir: string;
  files: string[];
  models: { name: string; cleanError: number | null; trainingSeconds: number }[];
  backend: string;
  wallSeconds: Record<string, number>;
}

function dataInfo(ds: DigitDataset, split: string): DataInfo {
  return { name: ds.name, split, source: ds.source, checksum: ds.checksum, count: ds.count };
}

async function trainOne(
  name: string,
  profile: ReportProfile,
  options: ReportJobOptions,
  backend: string,
): Promise<
  {
    classifier: Classifier;
    training: ModelTraining;
    files: ReportFiles;
    seen: SeenItems;
    dispose: () => void;
  }
> {
  const spec = getModelSpec(name);
  const recipe = getRecipe(spec.defaultRecipe);
  let note = "";
  const datasets = recipeDatasets(recipe);
  const missing = datasets.filter((d) => getDataset(d).requires === "emnistDir");
  if (missing.length > 0 && !options.emnistDir) {
    if (profile.name === "full") {
      throw new UsageError(
        `model '${name}' trains on ${recipe.data}: pass --emnist-dir with the official ` +
          "EMNIST files, or leave it out with --models",
      );
    }
    const kept = datasets.filter((d) => !missing.includes(d));
    recipe.data = kept.join("+");
    note =
      `quick profile: trained on ${recipe.data} only (the full EMNIST files are not available)`;
  }
  const epochs = options.epochs ?? profile.epochs ?? recipe.epochs;
  const limit = options.trainLimit ?? profile.trainLimit;
  // The comparison's test sets stay out of every model's training (see README, contamination).
  const sets = await loadRecipeData(recipe, {
    limit,
    emnistDir: options.emnistDir,
    keepTestOut: true,
  });
  const seed = options.seed ?? 1;
  const progress = options.progress === null ? [] : [terminalProgress({})];
  const result = await train(spec, { train: sets.train, validation: sets.validation }, recipe, {
    seed,
    epochs,
    engine: options.engine,
    callbacks: progress,
  });
  const classifier = {
    ...result.classifier,
    name,
    predict: result.classifier.predict.bind(result.classifier),
  };
  const summary = summarizeModel(spec);
  const files = await modelFolderFiles(name, result.model, {
    name: `${spec.name}/${recipe.name}`,
    model: spec.name,
    spec,
    recipe: { ...recipe, epochs },
    seed,
    backend,
    engine: result.engine,
    keptEpoch: result.keptEpoch,
    history: result.history,
    compute: result.compute,
    data: {
      train: dataInfo(sets.train, "train"),
      validation: dataInfo(sets.validation, "validation"),
    },
  });
  const splitNote = splitDescription(recipe, true);
  return {
    classifier,
    files,
    seen: seenItemsOfData(sets),
    dispose: () => result.model.dispose(),
    training: {
      protocol: await protocolResult(
        result.model,
        sets.test,
        spec.classCount ?? 10,
        `split ${splitNote}`,
      ),
      model: name,
      architecture: `${spec.name}: ${spec.description}`,
      summary,
      recipeName: `${recipe.name} (${profile.name} profile)`,
      recipe: {
        source: recipe.source,
        optimizer: recipe.optimizer,
        schedule: recipe.schedule,
        "batch size": recipe.batchSize,
        epochs: `${epochs}${epochs === recipe.epochs ? "" : ` (recipe: ${recipe.epochs})`}`,
        "training items": limit === undefined ? "all" : `at most ${limit} (stratified)`,
        split: `${splitNote} (seed ${recipe.splitSeed})`,
        augmentation: recipe.augmentation.length ? recipe.augmentation : "none",
        kept: `${recipe.keep} (epoch ${result.keptEpoch})`,
        ...(recipe.notes ? { notes: recipe.notes } : {}),
        ...(note ? { profile: note } : {}),
      },
      seed,
      backend: `${backend}, ${result.engine} engine`,
      trainingSeconds: result.wallSeconds,
      compute: result.compute,
      checkpoint: modelFolder(name),
      history: result.history,
      data: [dataInfo(sets.train, "train"), dataInfo(sets.validation, "validation")],
    },
  };
}

/**
 * Trains, evaluates, compares and writes `reports/<runName>/`; returns where and a summary.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { runReportJob } from "./report_job.ts";
 * // One tiny model here; the quick profile trains the seed architectures (minutes).
 * const root = await Deno.makeTempDir();
 * const { dir, files } = await runReportJob({ runName: "quick-demo", profile: "quick",
 *   models: ["logistic-regression"], trainLimit: 200, evalLimit: 50, suite: "quick", root });
 * ok(dir.endsWith("quick-demo") && files.includes("report.md"));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function runReportJob(options: ReportJobOptions): Promise<ReportJobResult> {
  const started = performance.now();
  const profile = PROFILES[options.profile ?? "quick"];
  if (!profile) {
    throw new UsageError(
      `--profile must be one of ${Object.keys(PROFILES).join(", ")}, got '${options.profile}'`,
    );
  }
  const root = options.root ?? join(repoRoot(), "reports");
  const dir = join(root, options.runName);
  const metadata = await loadMetadata(options.metadataPath);
  metadata.gridIntensity = options.gridIntensity ?? metadata.gridIntensity;
  const models = options.models ?? SEED_ARCHITECTURES;
  models.forEach((m) => getModelSpec(m)); // unknown names fail now, with the list of known ones
  const suite = augmentSuite(options.suite ?? profile.suite);
  // Fail before hours of training, not after; one writer per report folder.
  await using _lock = await claimOutput(dir, "kit report", { bytes: 8 << 20, purpose: "a report" });
  if (!options.force) await refuseExisting(dir);
  const { initBackend, parseBackendChoice } = await import("../backend/mod.ts");
  const backend = await initBackend(parseBackendChoice(options.backend ?? "auto"));

  const trainStart = performance.now();
  const say = options.progress === null
    ? () => {}
    : options.progress ?? ((text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text)));
  const trained = [];
  for (const [i, name] of models.entries()) {
    say(`report: training ${name} (${i + 1}/${models.length}, ${profile.name} profile)\n`);
    trained.push(await trainOne(name, profile, options, backend.name));
  }
  const trainingSeconds = (performance.now() - trainStart) / 1000;

  const testSets: DigitDataset[] = await loadTestSets(REPORT_TEST_SETS.slice(0, 1));
  try {
    testSets.push(...await loadTestSets(REPORT_TEST_SETS.slice(1)));
  } catch (error) {
    say(
      `report: EMNIST sample not found, evaluating on ${testSets[0].name} only (${
        (error as Error).message
      })\n`,
    );
  }
  say(
    `report: evaluating ${models.length} models on ${testSets.map((t) => t.name).join(", ")} ` +
      `(suite ${suite.name})\n`,
  );
  const evalStart = performance.now();
  const evalSeed = options.evalSeed ?? 0;
  const versions = Object.fromEntries(
    Object.entries(backend.versions).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;
  const predictions = collectPredictions();
  const limit = options.evalLimit ?? profile.evalLimit ?? suite.defaultLimit;
  const checked = applyContaminationPolicy(
    trained.map((t) => ({ name: t.training.model, seen: t.seen })),
    testSets,
    options.contamination ?? "exclude",
    { limit },
  );
  const evaluation = await evaluate(trained.map((t) => t.classifier), checked.testSets, {
    onPredictions: predictions.onPredictions,
    contamination: checked.summary,
    ...suiteOptions(suite),
    seed: evalSeed,
    limit,
    baseline: models.length > 1 ? models[0] : null,
    backend: backend.name,
    versions,
    progress: options.progress,
    modelInfo: Object.fromEntries(trained.map((t) => [t.training.model, {
      architecture: t.training.architecture,
      parameters: t.training.summary?.totalParams,
      seed: t.training.seed,
    }])),
  });
  const evaluationSeconds = (performance.now() - evalStart) / 1000;
  trained.forEach((t) => t.dispose());
  const comparison = compare(evaluation);

  const corruptions = [
    ...new Set(suite.conditions.filter((c) => c.kind === "corruption").map((c) => c.factor)),
  ];
  say(`report: writing ${dir}\n`);
  const reportStart = performance.now();
  const wallSeconds: Record<string, number> = {
    training: trainingSeconds,
    evaluation: evaluationSeconds,
  };
  const { report } = await writeReport({
    runName: options.runName,
    evaluation,
    comparison,
    training: trained.map((t) => t.training),
    metadata,
    images: Object.fromEntries(checked.testSets.map((t) => [t.name, t.images])),
    // The first test digit under every evaluated corruption at severities 0…5.
    corruptionExamples: corruptionExamples(toFloat32(testSets[0], [0]), corruptions, evalSeed),
    attachments: shareableFiles(predictions, trained.map((t) => t.files)),
    reproducibility: {
      command: options.command ?? "runReportJob(…)",
      seeds: { training: options.seed ?? 1, corruptions: evalSeed },
      backend: `${backend.name} (${backend.threads} threads)`,
      versions: { kit: "0.1.0", ...versions },
      gitCommit: await gitCommit(repoRoot()),
      wallSeconds,
    },
  }, { root, force: options.force });
  wallSeconds.report = (performance.now() - reportStart) / 1000;
  wallSeconds.total = (performance.now() - started) / 1000;
  return {
    dir,
    files: [...report.files.keys()].filter((f) => !f.includes("/")),
    models: trained.map((t) => ({
      name: t.training.model,
      cleanError:
        evaluation.conditions.find((c) =>
          c.kind === "clean" && c.model === t.training.model && c.testSet === testSets[0].name
        )?.overall.misclassification ?? null,
      trainingSeconds: t.training.trainingSeconds ?? 0,
    })),
    backend: backend.name,
    wallSeconds,
  };
}
