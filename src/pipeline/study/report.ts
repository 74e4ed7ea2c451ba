/**
 * The study report from the finished cells: reads each cell's evaluation and clean
 * probabilities, computes the study statistics and writes `DIR/report/` atomically (report.md,
 * report.html, model cards, charts, metrics.csv, statistics.json).
 *
 * @module
 */
import { join } from "node:path";
import {
  type CellContamination,
  restrictStudyRuns,
  type StudyContamination,
  studyContamination,
} from "../../evaluate/study_contamination.ts";
import { armLabels, type StudyRun, studyStatistics } from "../../evaluate/study_stats.ts";
import type { EvaluationResult } from "../../evaluate/types.ts";
import { buildStudyReport } from "../../report/study_report.ts";
import { encodeIdSet } from "../../data/provenance.ts";
import { splitDescription } from "../../train/recipe_data.ts";
import { getRecipe } from "../../train/recipes.ts";
import { writeFilesAtomic } from "../../report/write.ts";
import { UsageError } from "../../util/errors.ts";
import { cellDir, cellStatuses, readPlan, STUDY_FILES, verifyCell } from "./folder.ts";
import type { StudyPlan } from "./plan.ts";

/** Files of a study report. */
export interface StudyReportFiles {
  /** The report folder. */
  dir: string;
  markdown: string;
  html: string;
  metrics: string;
  statistics: string;
}

/** The report folder of a study folder. */
export const REPORT_FOLDER = "report";

/**
 * Model labels of a plan's models (architecture, or architecture/recipe when one repeats).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { planArms } from "./report.ts";
 * deepStrictEqual(planArms(parseStudy("name: t\nmodels: [mlp]\nseeds: 1\n", "t.yaml")), ["mlp"]);
 * ```
 */
export function planArms(plan: StudyPlan): string[] {
  return armLabels(plan.models.map((m) => [m.model, m.recipe] as const));
}

/** The finished cells of a study as scored: the runs and the contamination check. */
export interface ScoredStudy {
  /** The finished cells, restricted to the items every cell is scored on. */
  runs: StudyRun[];
  /** The overlap per model × test set, the policy, and the items scored per test set. */
  contamination: StudyContamination;
}

/**
 * Reads every finished (verified) cell of the study in `dir` and applies the study's
 * contamination policy to them (`src/evaluate/study_contamination.ts`): under `exclude`, every
 * run is restricted to the test items that no finished cell trained or validated on.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { readScoredStudy } from "./report.ts";
 * import { runStudyPlan } from "./study.ts";
 * const plan = parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t");
 * const out = await Deno.makeTempDir();
 * await runStudyPlan(plan, { out });
 * const { runs, contamination } = await readScoredStudy(out);
 * strictEqual(runs.length, 1);
 * strictEqual(contamination.summary.policy, "exclude");
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function readScoredStudy(dir: string, plan?: StudyPlan): Promise<ScoredStudy> {
  plan ??= await readPlan(dir);
  const arms = planArms(plan);
  const runs: StudyRun[] = [];
  const cells: CellContamination[] = [];
  for (const cell of plan.cells) {
    const folder = cellDir(dir, cell.id);
    const { record } = await verifyCell(folder);
    if (!record) continue;
    const evaluation = JSON.parse(
      await Deno.readTextFile(join(folder, STUDY_FILES.results)),
    ) as EvaluationResult;
    const bytes = await Deno.readFile(join(folder, STUDY_FILES.probabilities));
    const probabilities: Record<string, Float32Array> = {};
    for (const part of record.probabilities) {
      const copy = bytes.slice(part.offset, part.offset + part.count * part.classCount * 4);
      probabilities[part.testSet] = new Float32Array(copy.buffer);
    }
    const modelIndex = plan.models.findIndex((m) =>
      m.model === cell.model && m.recipe === cell.recipe
    );
    runs.push({
      arm: arms[modelIndex],
      architecture: cell.model,
      recipe: cell.recipe,
      seed: cell.seed,
      evaluation,
      probabilities,
    });
    cells.push({ arm: arms[modelIndex], record: record.contamination ?? null });
  }
  const testSets = runs[0]?.evaluation.testSets ?? [];
  const contamination = studyContamination(cells, testSets, plan.evaluation.contamination);
  return { runs: restrictStudyRuns(runs, contamination.scored), contamination };
}

/**
 * The finished cells of the study in `dir` as {@link StudyRun}s, restricted to the items they
 * are scored on ({@link readScoredStudy}).
 *
 * @example
 * ```ts ignore
 * const runs = await readStudyRuns("reports/studies/cards-quick");
 * ```
 */
export async function readStudyRuns(dir: string, plan?: StudyPlan): Promise<StudyRun[]> {
  return (await readScoredStudy(dir, plan)).runs;
}

/**
 * Rebuilds the report of the study in `dir` from its finished cells (cells not done are listed
 * in the report) and writes it to `DIR/report/`, replacing an older one atomically.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { writeStudyReport } from "./report.ts";
 * import { runStudyPlan } from "./study.ts";
 * const plan = parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t");
 * const out = await Deno.makeTempDir();
 * await runStudyPlan(plan, { out });
 * const files = await writeStudyReport(out); // runStudyPlan wrote it too; this rewrites it
 * ok((await Deno.stat(files.metrics)).isFile);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function writeStudyReport(dir: string): Promise<StudyReportFiles> {
  const plan = await readPlan(dir);
  const { runs, contamination } = await readScoredStudy(dir, plan);
  if (runs.length === 0) {
    throw new UsageError(`${dir}: no finished cells yet ('kit study status ${dir}' says why)`);
  }
  const stats = studyStatistics(runs, plan.bootstrap);
  const arms = planArms(plan);
  const missing = (await cellStatuses(dir, plan)).filter((s) => s.state !== "done")
    .map((s) => ({ id: s.id, state: s.state, ...(s.reason ? { reason: s.reason } : {}) }));
  const training: Record<string, unknown> = {};
  if (plan.train.limit !== undefined) training["train/validation items (limit)"] = plan.train.limit;
  if (plan.train.epochs !== undefined) training.epochs = plan.train.epochs;
  const files = await buildStudyReport({
    name: plan.name,
    description: plan.description,
    models: plan.models.map((m, i) => ({
      name: arms[i],
      architecture: m.model,
      recipe: m.recipe,
      epochs: plan.cells.find((c) => c.model === m.model && c.recipe === m.recipe)!.epochs,
      split: splitDescription(getRecipe(m.recipe), plan.train.keepTestOut),
    })),
    seeds: plan.seeds,
    training,
    evaluation: plan.evaluation,
    stats,
    missing,
    contamination: contamination.summary,
    scoredItems: Object.fromEntries(
      Object.entries(contamination.scored).flatMap(([name, keep]) =>
        keep ? [[name, encodeIdSet(keep)]] : []
      ),
    ),
  });
  const out = join(dir, REPORT_FOLDER);
  await writeFilesAtomic(out, files, { force: true });
  return {
    dir: out,
    markdown: join(out, "report.md"),
    html: join(out, "report.html"),
    metrics: join(out, "metrics.csv"),
    statistics: join(out, "statistics.json"),
  };
}
