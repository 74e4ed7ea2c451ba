/**
 * The study folder and what its files say about each cell:
 *
 * ```text
 * DIR/study.json                 the normalised plan (StudyPlan, cells included)
 * DIR/cells/<cellId>/run/        the training run folder (epoch checkpoints, model, run.json)
 * DIR/cells/<cellId>/results.json, predictions.csv, probabilities.bin   its evaluation
 * DIR/cells/<cellId>/cell.json   completion record with sha256 of the outputs (written last)
 * DIR/cells/<cellId>/failure.json  {reason}: the cell failed for a reason; not retried blindly
 * DIR/cells/<cellId>/running.json  {pid, host, startedAt}: a process is working on the cell
 * ```
 *
 * {@link cellStatuses} derives every cell's state from these files; every executor uses it.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../../data/checksum.ts";
import type { IdSet } from "../../data/provenance.ts";
import type { Overlap } from "../../evaluate/contamination.ts";
import { readJson, writeJsonAtomic } from "../../util/fs.ts";
import { readLatest } from "../../train/checkpoint.ts";
import { InputError, UsageError } from "../../util/errors.ts";
import type { StudyCell, StudyPlan } from "./plan.ts";

/** File names inside a study folder and its cell folders. */
export const STUDY_FILES = {
  plan: "study.json",
  cells: "cells",
  run: "run",
  results: "results.json",
  predictions: "predictions.csv",
  probabilities: "probabilities.bin",
  complete: "cell.json",
  failure: "failure.json",
  running: "running.json",
  log: "cell.log",
} as const;

/** The completion record `cell.json`, written atomically after every output. */
export interface CellRecord {
  schema: "digitkit.study-cell/1";
  id: string;
  index: number;
  model: string;
  recipe: string;
  seed: number;
  epochs: number;
  keptEpoch: number;
  /** sha256 of every output, by path relative to the cell folder. */
  files: Record<string, string>;
  /** Clean class probabilities in `probabilities.bin`: float32 rows per test set, in order. */
  probabilities: { testSet: string; count: number; classCount: number; offset: number }[];
  /**
   * The contamination check of this cell's training and validation data against the evaluated
   * test items (`src/evaluate/contamination.ts`): the overlap per test set (model = cell id),
   * and per test set the indices of the items it saw, from which the study report takes the
   * items no cell saw. Absent in cells from before the check.
   */
  contamination?: { overlaps: Overlap[]; seen: Record<string, IdSet> };
  trainSeconds: number;
  evalSeconds: number;
  finishedAt: string;
  host: string;
  threads: number | null;
}

/** `failure.json`: why a cell failed. */
export interface CellFailure {
  reason: string;
  at: string;
  host: string;
}

/** `running.json`: who is working on a cell. */
export interface CellLock {
  pid: number;
  host: string;
  startedAt: string;
  /** The scheduler task holding the lock (`<array job>_<task>` under Slurm), if any. */
  schedulerTask?: string;
}

/**
 * The Slurm task this process runs as (`<array job>_<task>`, or the job id), else undefined.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { schedulerTask } from "./folder.ts";
 * strictEqual(schedulerTask({ SLURM_ARRAY_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "2", SLURM_JOB_ID: "9" }), "7_2");
 * strictEqual(schedulerTask({}), undefined);
 * ```
 */
export function schedulerTask(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string | undefined {
  if (env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID) {
    return `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  }
  return env.SLURM_JOB_ID || undefined;
}

/** State of a cell as the files tell it. */
export type CellState = "pending" | "running" | "done" | "failed";

/** A cell with its state. `external` is what an executor's scheduler adds (e.g. Slurm). */
export interface CellStatus {
  index: number;
  id: string;
  model: string;
  recipe: string;
  seed: number;
  state: CellState;
  /** Epochs checkpointed so far (= epochs when done). */
  epochsDone: number;
  epochs: number;
  /** Failure reason, or why a pending cell will start over (e.g. a checksum mismatch). */
  reason?: string;
  /** Host and pid of a running cell. */
  runningOn?: string;
  /** What the executor's scheduler says, when it has something to say. */
  external?: { state: string; detail?: string };
}

/**
 * The folder of cell `id` in study folder `dir`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cellDir } from "./folder.ts";
 * strictEqual(cellDir("s", "mlp--baseline-adam--seed1"), "s/cells/mlp--baseline-adam--seed1");
 * ```
 */
export function cellDir(dir: string, id: string): string {
  return join(dir, STUDY_FILES.cells, id);
}

/**
 * Writes the plan to `dir/study.json`, refusing a folder that holds a different study (its
 * cells would not match). Returns the plan as stored.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { readPlan, writePlan } from "./folder.ts";
 * const dir = await Deno.makeTempDir();
 * const plan = parseStudy("name: t\nmodels: [mlp]\nseeds: 1\n", "t.yaml");
 * await writePlan(dir, plan);
 * deepStrictEqual(await readPlan(dir), plan);
 * ```
 */
export async function writePlan(dir: string, plan: StudyPlan): Promise<StudyPlan> {
  const path = join(dir, STUDY_FILES.plan);
  let existing: StudyPlan | null = null;
  try {
    existing = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (existing && JSON.stringify(existing) !== JSON.stringify(plan)) {
    throw new UsageError(
      `${dir} already holds another study (${existing.name}, ${existing.cells?.length} cells) ` +
        `whose plan differs from this file: choose another --out folder`,
    );
  }
  await Deno.mkdir(join(dir, STUDY_FILES.cells), { recursive: true });
  if (!existing) await writeJsonAtomic(path, plan);
  return plan;
}

/**
 * Reads `dir/study.json`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readPlan, writePlan } from "./folder.ts";
 * import { parseStudy } from "./plan.ts";
 * const dir = await Deno.makeTempDir();
 * const written = await writePlan(dir, parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml"));
 * deepStrictEqual(await readPlan(dir), written);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readPlan(dir: string): Promise<StudyPlan> {
  const plan = await readJson<StudyPlan>(join(dir, STUDY_FILES.plan));
  if (plan?.schema !== "digitkit.study/1" || !Array.isArray(plan.cells)) {
    throw new InputError(join(dir, STUDY_FILES.plan), "", "a study plan (digitkit.study/1)");
  }
  return plan;
}

/**
 * The sha256 of a file's bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fileSha256 } from "./folder.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * strictEqual((await fileSha256(path)).slice(0, 8), "ba7816bf");
 * ```
 */
export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

/**
 * The completion record of a cell when it exists and every checksum matches; otherwise why not
 * (`missing`, or the first file that does not match).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { verifyCell } from "./folder.ts";
 * const check = await verifyCell(await Deno.makeTempDir());
 * strictEqual(check.record, null);
 * strictEqual(check.problem, "missing");
 * ```
 */
export async function verifyCell(
  folder: string,
): Promise<{ record: CellRecord | null; problem: string | null }> {
  let record: CellRecord;
  try {
    record = JSON.parse(await Deno.readTextFile(join(folder, STUDY_FILES.complete)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { record: null, problem: "missing" };
    return { record: null, problem: `${STUDY_FILES.complete} is unreadable` };
  }
  for (const [file, sum] of Object.entries(record.files ?? {})) {
    let actual: string;
    try {
      actual = await fileSha256(join(folder, file));
    } catch {
      return { record: null, problem: `${file} is missing` };
    }
    if (actual !== sum) return { record: null, problem: `${file} does not match its checksum` };
  }
  return { record, problem: null };
}

/** This machine's host name (for locks and records). */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Whether process `pid` is alive on this machine: it exists and is not a zombie (a killed cell
 * whose parent died too may wait as a zombie until something reaps it).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { processAlive } from "./folder.ts";
 * ok(processAlive(Deno.pid));
 * ```
 */
export function processAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return false;
  }
  // The state follows the parenthesised command name, which may itself contain ") ".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/**
 * The lock of a cell folder when a live process holds it. A lock left by a dead process on
 * this host is stale and ignored, and so is one left by an earlier run of this process's own
 * scheduler task (a requeued Slurm task, perhaps on another node: Slurm runs one instance of
 * a task at a time); a lock from another host is trusted (its scheduler knows more: see
 * {@link CellStatus.external}).
 */
export async function liveLock(folder: string): Promise<CellLock | null> {
  let lock: CellLock;
  try {
    lock = JSON.parse(await Deno.readTextFile(join(folder, STUDY_FILES.running)));
  } catch {
    return null;
  }
  if (lock.host === hostName() && !processAlive(lock.pid)) return null;
  if (lock.schedulerTask !== undefined && lock.schedulerTask === schedulerTask()) return null;
  return lock;
}

/**
 * The state of one cell from its folder: `done` (cell.json present and verified), `failed`
 * (failure.json), `running` (a live lock) or `pending` (nothing yet, or a resumable
 * half-finished run, or outputs that no longer match their checksums).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * import { cellStatus } from "./folder.ts";
 * const plan = parseStudy("name: t\nmodels: [mlp]\nseeds: 1\n", "t.yaml");
 * const status = await cellStatus(await Deno.makeTempDir(), plan.cells[0]);
 * strictEqual(status.state, "pending");
 * strictEqual(status.epochsDone, 0);
 * ```
 */
export async function cellStatus(dir: string, cell: StudyCell): Promise<CellStatus> {
  const folder = cellDir(dir, cell.id);
  const base = {
    index: cell.index,
    id: cell.id,
    model: cell.model,
    recipe: cell.recipe,
    seed: cell.seed,
    epochs: cell.epochs,
  };
  const { record, problem } = await verifyCell(folder);
  if (record) return { ...base, state: "done", epochsDone: record.epochs };
  const latest = await readLatest(join(folder, STUDY_FILES.run)).catch(() => null);
  const epochsDone = latest?.epoch ?? 0;
  const lock = await liveLock(folder);
  if (lock) {
    return { ...base, state: "running", epochsDone, runningOn: `${lock.host}:${lock.pid}` };
  }
  try {
    const failure = JSON.parse(
      await Deno.readTextFile(join(folder, STUDY_FILES.failure)),
    ) as CellFailure;
    return { ...base, state: "failed", epochsDone, reason: failure.reason };
  } catch {
    // no failure record: pending
  }
  return problem === "missing"
    ? { ...base, state: "pending", epochsDone }
    : { ...base, state: "pending", epochsDone, reason: `${problem}: the cell will rerun` };
}

/**
 * Every cell's status, in plan order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { cellStatuses, writePlan } from "./folder.ts";
 * import { parseStudy } from "./plan.ts";
 * const dir = await Deno.makeTempDir();
 * const plan = await writePlan(dir, parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml"));
 * const statuses = await cellStatuses(dir, plan);
 * deepStrictEqual(statuses.map((s) => s.state), ["pending", "pending"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function cellStatuses(dir: string, plan: StudyPlan): Promise<CellStatus[]> {
  return Promise.all(plan.cells.map((cell) => cellStatus(dir, cell)));
}
