/**
 * Runs one study cell: trains (checkpointing every epoch, resuming a half-finished run),
 * evaluates the kept model on the study's test sets and suite, then writes `cell.json` last
 * and atomically. A cell that fails writes `failure.json` with the reason.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend, parseBackendChoice } from "../../backend/mod.ts";
import { encodeIdSet } from "../../data/provenance.ts";
import { PIXELS } from "../../data/types.ts";
import { augmentRenderer, augmentSuite } from "../../evaluate/conditions.ts";
import { applyContaminationPolicy, seenItemsOfData } from "../../evaluate/contamination.ts";
import { predictionsHeader, predictionsRows } from "../../evaluate/predictions_csv.ts";
import { evaluate } from "../../evaluate/runner.ts";
import type { Classifier } from "../../models/classifier.ts";
import { getModelSpec } from "../../models/zoo.ts";
import { readLatest } from "../../train/checkpoint.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../util/fs.ts";
import { loadRecipeData } from "../../train/recipe_data.ts";
import { getRecipe } from "../../train/recipes.ts";
import { train, type TrainCallbacks } from "../../train/train.ts";
import { isUserError, UsageError } from "../../util/errors.ts";
import {
  cellDir,
  type CellFailure,
  type CellLock,
  type CellRecord,
  fileSha256,
  hostName,
  liveLock,
  readPlan,
  schedulerTask,
  STUDY_FILES,
  verifyCell,
} from "./folder.ts";
import { loadEvaluationSets } from "../evaluate.ts";
import type { StudyCell } from "./plan.ts";

/** Options of {@link runCell}. */
export interface RunCellOptions {
  /** Backend threads (intra-op threads for tensorflow). */
  threads?: number;
  /** TensorFlow.js backend (default auto). */
  backend?: string;
  /** Training progress hooks (e.g. a progress bar). */
  callbacks?: TrainCallbacks[];
  /** Where the evaluation's progress bar writes; `null` (default) for silence. */
  progress?: ((text: string) => void) | null;
}

/** What {@link runCell} did. */
export interface RunCellResult {
  cell: StudyCell;
  /** `skipped`: already complete and verified; `resumed`: continued from a checkpoint. */
  outcome: "skipped" | "trained" | "resumed";
  record: CellRecord;
}

/**
 * Runs cell `index` (0-based) of the study in `dir`: a no-op when its `cell.json` exists and
 * every checksum matches; resumes training from the newest checkpoint when one exists;
 * otherwise trains from scratch. A cell whose outputs no longer match their checksums starts
 * over. On an error the cell's `failure.json` records the one-line reason and the error is
 * rethrown; the training checkpoints are kept. A broken output pipe is rethrown unrecorded.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runCell } from "./cell.ts";
 * import { writePlan } from "./folder.ts";
 * import { parseStudy } from "./plan.ts";
 * const dir = await Deno.makeTempDir();
 * await writePlan(dir, parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t"));
 * strictEqual((await runCell(dir, 0, { threads: 1 })).outcome, "trained");
 * strictEqual((await runCell(dir, 0, { threads: 1 })).outcome, "skipped"); // verified, not redone
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runCell(
  dir: string,
  index: number,
  options: RunCellOptions = {},
): Promise<RunCellResult> {
  const plan = await readPlan(dir);
  const cell = plan.cells[index];
  if (!Number.isInteger(index) || !cell) {
    throw new UsageError(
      `cell index ${index} is outside the study's ${plan.cells.length} cells (0…${
        plan.cells.length - 1
      })`,
    );
  }
  const folder = cellDir(dir, cell.id);
  const verified = await verifyCell(folder);
  if (verified.record) return { cell, outcome: "skipped", record: verified.record };
  await Deno.mkdir(folder, { recursive: true });
  await takeLock(folder, cell.id);
  try {
    if (verified.problem !== "missing") {
      // Outputs that no longer match their record: start the cell over.
      await Deno.remove(join(folder, STUDY_FILES.run), { recursive: true }).catch(() => {});
      await Deno.remove(join(folder, STUDY_FILES.complete)).catch(() => {});
    }
    await Deno.remove(join(folder, STUDY_FILES.failure)).catch(() => {});
    try {
      return await trainAndEvaluate(plan, cell, folder, options);
    } catch (error) {
      // The process reading this cell's output went away (a killed study): an interruption,
      // not the cell's failure, so it stays pending and resumes from its checkpoint.
      if (error instanceof Deno.errors.BrokenPipe) throw error;
      const reason = isUserError(error)
        ? error.message
        : `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`;
      const failure: CellFailure = { reason, at: new Date().toISOString(), host: hostName() };
      await writeJsonAtomic(join(folder, STUDY_FILES.failure), failure);
      throw error;
    }
  } finally {
    await Deno.remove(join(folder, STUDY_FILES.running)).catch(() => {});
  }
}

async function takeLock(folder: string, id: string): Promise<void> {
  const path = join(folder, STUDY_FILES.running);
  const lock: CellLock = { pid: Deno.pid, host: hostName(), startedAt: new Date().toISOString() };
  const task = schedulerTask();
  if (task) lock.schedulerTask = task;
  const held = await liveLock(folder);
  if (held && !(held.host === lock.host && held.pid === lock.pid)) {
    throw new UsageError(`cell ${id} is already running on ${held.host} (pid ${held.pid})`);
  }
  await writeJsonAtomic(path, lock);
}

async function trainAndEvaluate(
  plan: Awaited<ReturnType<typeof readPlan>>,
  cell: StudyCell,
  folder: string,
  options: RunCellOptions,
): Promise<RunCellResult> {
  const spec = getModelSpec(cell.model);
  const recipe = getRecipe(cell.recipe);
  const backend = await initBackend(parseBackendChoice(options.backend ?? "auto"), {
    threads: options.threads,
  });
  // Test sets and suite first: bad test data fails the cell before any training.
  const { datasets, paths, contamination: policy } = plan.evaluation;
  const testSets = await loadEvaluationSets(datasets, paths, { emnistDir: plan.train.emnistDir });
  const suite = augmentSuite(plan.evaluation.suite);
  const runDir = join(folder, STUDY_FILES.run);
  const resume = (await readLatest(runDir)) !== null;
  const sets = await loadRecipeData(recipe, {
    limit: plan.train.limit,
    emnistDir: plan.train.emnistDir,
    keepTestOut: plan.train.keepTestOut,
  });
  const limit = plan.evaluation.limit ?? suite.defaultLimit;
  // The cell checks only its own data, so cells stay independent (any order, any host): it
  // scores every item and records which it saw; the study report scores every cell on the
  // items no cell saw (`exclude`). `refuse` fails the cell here, before it trains.
  const checked = applyContaminationPolicy(
    [{ name: cell.id, seen: seenItemsOfData({ train: sets.train, validation: sets.validation }) }],
    testSets,
    policy === "refuse" ? "refuse" : "report",
    { limit },
  );
  const contamination: CellRecord["contamination"] = {
    overlaps: checked.summary.overlaps,
    seen: Object.fromEntries(testSets.map((t, i) => [t.name, encodeIdSet(checked.seen[i])])),
  };
  const trainStart = performance.now();
  const trained = await train(spec, { train: sets.train, validation: sets.validation }, recipe, {
    seed: cell.seed,
    epochs: cell.epochs,
    runDir,
    resume,
    callbacks: options.callbacks,
    runInfo: {
      split: recipe.split,
      limit: plan.train.limit ?? null,
      backendInfo: backend,
      study: plan.name,
      cell: cell.id,
    },
  });
  const trainSeconds = (performance.now() - trainStart) / 1000;
  const classifier: Classifier = { ...trained.classifier, name: cell.id };
  classifier.predict = trained.classifier.predict.bind(trained.classifier);
  try {
    const evalStart = performance.now();
    const files = {
      results: join(folder, STUDY_FILES.results),
      predictions: join(folder, STUDY_FILES.predictions),
      probabilities: join(folder, STUDY_FILES.probabilities),
    };
    const leading = [cell.model, cell.recipe, String(cell.seed)];
    const chunks: string[] = [predictionsHeader(["architecture", "recipe", "seed"])];
    const result = await evaluate([classifier], testSets, {
      conditions: suite.conditions,
      units: suite.units,
      suite: suite.name,
      render: augmentRenderer(),
      seed: plan.evaluation.seed,
      limit,
      contamination: checked.summary,
      progress: options.progress ?? null,
      backend: backend.name,
      versions: { ...backend.versions } as Record<string, string>,
      modelInfo: {
        [cell.id]: { architecture: cell.model, seed: cell.seed, source: runDir },
      },
      onPredictions: (p) => {
        chunks.push(predictionsRows(p, leading));
      },
    });
    // Clean class probabilities of every test set, for the seed ensembles.
    const probabilities: CellRecord["probabilities"] = [];
    const parts: Float32Array[] = [];
    let offset = 0;
    for (const set of testSets) {
      const n = Math.min(set.count, limit ?? set.count);
      const probs = await predictAll(classifier, set.images.subarray(0, n * PIXELS), n);
      probabilities.push({
        testSet: set.name,
        count: n,
        classCount: classifier.classCount,
        offset,
      });
      parts.push(probs);
      offset += probs.byteLength;
    }
    const bytes = new Uint8Array(offset);
    let at = 0;
    for (const p of parts) {
      bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at += p.byteLength;
    }
    await writeFileAtomic(files.probabilities, bytes);
    await writeFileAtomic(files.predictions, new TextEncoder().encode(chunks.join("")));
    await writeJsonAtomic(files.results, result);
    const outputs = [
      STUDY_FILES.results,
      STUDY_FILES.predictions,
      STUDY_FILES.probabilities,
      `${STUDY_FILES.run}/model.json`,
      `${STUDY_FILES.run}/weights.bin`,
      `${STUDY_FILES.run}/run.json`,
    ];
    const checksums: Record<string, string> = {};
    for (const file of outputs) checksums[file] = await fileSha256(join(folder, file));
    const record: CellRecord = {
      schema: "digitkit.study-cell/1",
      id: cell.id,
      index: cell.index,
      model: cell.model,
      recipe: cell.recipe,
      seed: cell.seed,
      epochs: trained.history.length,
      keptEpoch: trained.keptEpoch,
      files: checksums,
      probabilities,
      contamination,
      trainSeconds,
      evalSeconds: (performance.now() - evalStart) / 1000,
      finishedAt: new Date().toISOString(),
      host: hostName(),
      threads: backend.threads ?? null,
    };
    await writeJsonAtomic(join(folder, STUDY_FILES.complete), record);
    return { cell, outcome: resume ? "resumed" : "trained", record };
  } finally {
    trained.model.dispose();
  }
}

/** Class probabilities of `count` uint8 images, in batches of 1000. */
async function predictAll(
  classifier: Classifier,
  images: Uint8Array,
  count: number,
): Promise<Float32Array> {
  const out = new Float32Array(count * classifier.classCount);
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const pixels = new Float32Array(n * PIXELS);
    const source = images.subarray(start * PIXELS, (start + n) * PIXELS);
    for (let i = 0; i < pixels.length; i++) pixels[i] = source[i] / 255;
    out.set(await classifier.predict(pixels, n), start * classifier.classCount);
  }
  return out;
}
