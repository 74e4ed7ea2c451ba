/**
 * The three study operations, as the CLI and notebooks call them: {@link runStudy} (write the
 * plan, run the missing cells with an executor, then the report), {@link studyStatus} (cells
 * done / running / failed / pending) and {@link studyReport} (rebuild the report from the
 * finished cells).
 *
 * @module
 */
import { join } from "node:path";
import { repoRoot } from "../../data/paths.ts";
import {
  executorsUsedBy,
  getExecutor,
  type RunCellsOptions,
  withExternalStates,
} from "./executor.ts";
import { type CellStatus, cellStatuses, readPlan, writePlan } from "./folder.ts";
import { readStudyFile, type StudyPlan } from "./plan.ts";
import type { StudyReportFiles } from "./report.ts";

/** Options of {@link runStudy}. */
export interface RunStudyOptions extends RunCellsOptions {
  /** Study folder (default `reports/studies/<name>`). */
  out?: string;
  /** Executor name (default `local`). */
  executor?: string;
  /** Rerun cells that failed for a reason (default: leave them failed). */
  retryFailed?: boolean;
}

/** Counts of cells by state, and the cells. */
export interface StudyStatus {
  dir: string;
  name: string;
  counts: Record<CellStatus["state"], number>;
  cells: CellStatus[];
}

/** What {@link runStudy} did. */
export interface RunStudyResult {
  dir: string;
  plan: StudyPlan;
  /** Cells this call ran (or submitted), by index. */
  ran: number[];
  status: StudyStatus;
  /** The report's files when every cell is done, else null. */
  report: StudyReportFiles | null;
  wallSeconds: number;
}

/**
 * The default folder of a study: `reports/studies/<name>` in the repository.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { defaultStudyDir } from "./study.ts";
 * ok(defaultStudyDir("cards-quick").endsWith("reports/studies/cards-quick"));
 * ```
 */
export function defaultStudyDir(name: string): string {
  return join(repoRoot(), "reports", "studies", name);
}

/**
 * Runs a study file: writes `study.json` (refusing a folder that holds another study), runs
 * every cell that is not done (failed cells only with `retryFailed`) with the chosen executor,
 * and writes the study report once every cell is done.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, ok } from "node:assert";
 * import { runStudy } from "./study.ts";
 * const tmp = await Deno.makeTempDir(); // a tiny study; real ones live in studies/*.yaml
 * await Deno.writeTextFile(`${tmp}/t.yaml`, "name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n");
 * const { status, report } = await runStudy(`${tmp}/t.yaml`, { out: `${tmp}/study` });
 * deepStrictEqual(status.counts, { pending: 0, running: 0, done: 1, failed: 0 });
 * ok(report !== null); // written once every cell is done
 * await Deno.remove(tmp, { recursive: true });
 * ```
 */
export async function runStudy(
  file: string,
  options: RunStudyOptions = {},
): Promise<RunStudyResult> {
  return await runStudyPlan(await readStudyFile(file), options);
}

/**
 * {@link runStudy} for a plan already in memory (e.g. built by a notebook with `parseStudy`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { runStudyPlan } from "./study.ts";
 * const plan = parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 2\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t");
 * const out = await Deno.makeTempDir();
 * const { ran, status } = await runStudyPlan(plan, { out });
 * deepStrictEqual(ran, [0, 1]);
 * deepStrictEqual((await runStudyPlan(plan, { out })).ran, []); // done cells are not run again
 * deepStrictEqual(status.counts.done, 2);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function runStudyPlan(
  plan: StudyPlan,
  options: RunStudyOptions = {},
): Promise<RunStudyResult> {
  const started = performance.now();
  const dir = options.out ?? defaultStudyDir(plan.name);
  await writePlan(dir, plan);
  const executor = await getExecutor(options.executor ?? "local");
  await executor.reconcile?.(dir);
  const before = await cellStatuses(dir, plan);
  const todo = before
    .filter((s) => s.state === "pending" || (s.state === "failed" && options.retryFailed))
    .map((s) => s.index);
  if (todo.length > 0) {
    await executor.runCells(dir, todo, {
      ...options,
      settings: options.settings ?? plan.executors[executor.name],
    });
  }
  const status = await studyStatus(dir, options.executor);
  const report = status.counts.done === plan.cells.length ? await studyReport(dir) : null;
  return {
    dir,
    plan,
    ran: todo,
    status,
    report,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * The state of every cell of the study in `dir`, from the cell folders and, when an executor
 * is named (or, unnamed, one whose scheduler was given cells of the study) that knows a
 * scheduler, the scheduler's view.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { writePlan } from "./folder.ts";
 * import { parseStudy } from "./plan.ts";
 * import { studyStatus } from "./study.ts";
 * const dir = await Deno.makeTempDir();
 * await writePlan(dir, parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml"));
 * const { counts } = await studyStatus(dir);
 * deepStrictEqual(counts, { pending: 2, running: 0, done: 0, failed: 0 }); // nothing ran yet
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function studyStatus(dir: string, executor?: string): Promise<StudyStatus> {
  const plan = await readPlan(dir);
  let cells = await cellStatuses(dir, plan);
  const chosen = executor ? [await getExecutor(executor)] : await executorsUsedBy(dir);
  for (const e of chosen) {
    if (e.cellStates) cells = withExternalStates(cells, await e.cellStates(dir));
  }
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const c of cells) counts[c.state]++;
  return { dir, name: plan.name, counts, cells };
}

/**
 * Rebuilds the report of the study in `dir` from its finished cells into `DIR/report/`
 * (report.md, report.html, model cards, charts, metrics.csv, statistics.json). The charting
 * code loads only here.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { runStudyPlan, studyReport } from "./study.ts";
 * const plan = parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t");
 * const out = await Deno.makeTempDir();
 * await runStudyPlan(plan, { out });
 * const { html } = await studyReport(out);
 * ok((await Deno.readTextFile(html)).startsWith("<!DOCTYPE html>"));
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function studyReport(dir: string): Promise<StudyReportFiles> {
  const { writeStudyReport } = await import("./report.ts");
  return await writeStudyReport(dir);
}
