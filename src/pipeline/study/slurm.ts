/**
 * The Slurm executor: submits a study's missing cells as one job array (`slurm/array.sh` in
 * the study folder, one task per cell, the task id being the cell's index) with
 * `sbatch --parsable`, and reads the cells' Slurm states back for `kit study status`. Each task
 * runs the kit's own cell command, so a cell trains, checkpoints, resumes and evaluates exactly
 * as under the local executor; a requeued or resubmitted task resumes from the cell's last
 * checkpoint, and a cell that failed for a reason (`failure.json`) is only resubmitted with
 * `--retry-failed`.
 *
 * ```text
 * DIR/slurm/array.sh            the latest array script (sbatch it again by hand if you like)
 * DIR/slurm/submissions.json    [{jobId, cells, submittedAt}] of every submission
 * DIR/slurm/logs/<index>.out    stdout of cell <index>'s task (appended across requeues)
 * DIR/slurm/logs/<index>.err    its stderr: the last line is the failure reason status shows
 * ```
 *
 * Slurm's clients find the cluster through `SLURM_CONF`, else `/etc/slurm/slurm.conf`, else the
 * single-node cluster of `tools/slurm/local-cluster.sh` when one was started.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { repoRoot } from "../../data/paths.ts";
import { readJson, writeFileAtomic, writeJsonAtomic } from "../../util/fs.ts";
import { UsageError } from "../../util/errors.ts";
import type { ExternalState, RunCellsOptions, StudyExecutor } from "./executor.ts";
import { cellDir, type CellLock, readPlan, STUDY_FILES } from "./folder.ts";
import {
  estimateResources,
  largestResources,
  parseSlurmSettings,
  renderArrayScript,
  SLURM_LOG_DIR,
} from "./slurm_script.ts";
import { FINISHED_STATES, querySlurmTasks, slurmCommand, type SlurmTask } from "./slurm_state.ts";

/** One `sbatch` of the study. */
export interface SlurmSubmission {
  jobId: string;
  /** Cell indexes = array task ids. */
  cells: number[];
  submittedAt: string;
}

/** Files of the Slurm executor inside a study folder. */
export const SLURM_FILES = {
  dir: "slurm",
  script: "slurm/array.sh",
  submissions: "slurm/submissions.json",
  logs: SLURM_LOG_DIR,
} as const;

/** Options of {@link slurmExecutor}'s runCells beyond the common ones. */
export interface SlurmRunOptions extends RunCellsOptions {
  /** Seconds between state polls while waiting (default 2). */
  pollSeconds?: number;
  /** Seconds a wait tolerates a silent controller (default {@link CONTROLLER_GRACE_SECONDS}). */
  graceSeconds?: number;
}

/**
 * The environment Slurm's clients need: `SLURM_CONF` of the local single-node cluster when
 * neither `SLURM_CONF` nor `/etc/slurm/slurm.conf` names a cluster, else nothing extra.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { slurmEnv } from "./slurm.ts";
 * ok(typeof slurmEnv() === "object");
 * ```
 */
export function slurmEnv(): Record<string, string> {
  if (Deno.env.get("SLURM_CONF") || exists("/etc/slurm/slurm.conf")) return {};
  const dir = Deno.env.get("DIGITKIT_SLURM_DIR") ??
    join(Deno.env.get("TMPDIR") ?? "/tmp", "digitkit-slurm");
  const conf = join(dir, "slurm.conf");
  return exists(conf) ? { SLURM_CONF: conf } : {};
}

/**
 * Why `path` may not be visible from other nodes (`/tmp` and other node-local folders), or
 * null when it looks shared.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { nodeLocalReason } from "./slurm.ts";
 * strictEqual(nodeLocalReason("/home/ada/studies/q")?.length ?? 0, 0);
 * strictEqual(nodeLocalReason("/tmp/q"), "/tmp/q is under /tmp, which is usually local to each node");
 * ```
 */
export function nodeLocalReason(path: string): string | null {
  for (const local of ["/tmp", "/var/tmp", "/dev/shm", "/run", "/scratch/local"]) {
    if (path === local || path.startsWith(`${local}/`)) {
      return `${path} is under ${local}, which is usually local to each node`;
    }
  }
  return null;
}

/** Reads the study's submissions (none yet: empty). */
export async function readSubmissions(studyDir: string): Promise<SlurmSubmission[]> {
  const path = join(studyDir, SLURM_FILES.submissions);
  return exists(path) ? await readJson<SlurmSubmission[]>(path) : [];
}

/** Slurm states of a task that will still run (or is running): not to be submitted again. */
function active(task: SlurmTask): boolean {
  return !FINISHED_STATES.has(task.state);
}

/** A Slurm task with the array job it belongs to. */
export interface SubmittedTask extends SlurmTask {
  jobId: string;
}

/**
 * The latest Slurm task of every submitted cell, by cell index (cells Slurm no longer knows
 * are absent).
 */
export async function latestTasks(studyDir: string): Promise<Map<number, SubmittedTask>> {
  const env = slurmEnv();
  const latest = new Map<number, SubmittedTask>();
  // Newest submission first: a cell's latest task is in the newest submission that has it.
  for (const submission of (await readSubmissions(studyDir)).toReversed()) {
    const pending = submission.cells.filter((c) => !latest.has(c));
    if (pending.length === 0) continue;
    const tasks = await querySlurmTasks(submission.jobId, env);
    for (const cell of pending) {
      const task = tasks.get(cell);
      if (task) latest.set(cell, { ...task, jobId: submission.jobId });
    }
  }
  return latest;
}

/** The last non-empty line of a file, or "" when it has none. */
async function lastLine(path: string): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l !== "").at(-1) ?? "";
}

/**
 * What `kit study status` shows for a cell's task: the Slurm state, `REQUEUED` for a task
 * waiting or running again after a requeue, and for a task that ended without success the
 * last line of its stderr.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { externalState } from "./slurm.ts";
 * deepStrictEqual(externalState({ task: 1, state: "PENDING", reason: "BeginTime", restarts: 1 }, ""),
 *   { state: "REQUEUED", detail: "pending after 1 requeue (BeginTime)" });
 * deepStrictEqual(externalState({ task: 2, state: "TIMEOUT", restarts: 0, exitCode: "0:15" }, "epoch 3/5"),
 *   { state: "TIMEOUT", detail: "epoch 3/5" });
 * ```
 */
export function externalState(task: SlurmTask, stderrLastLine: string): ExternalState {
  const requeues = `${task.restarts} requeue${task.restarts === 1 ? "" : "s"}`;
  if (task.state === "PENDING" && task.restarts > 0 || task.state.startsWith("REQUEUE")) {
    return {
      state: "REQUEUED",
      detail: `pending after ${requeues}${task.reason ? ` (${task.reason})` : ""}`,
    };
  }
  if (task.state === "PENDING") {
    return task.reason ? { state: "PENDING", detail: task.reason } : { state: "PENDING" };
  }
  if (task.state === "RUNNING") {
    const where = task.node ? `on ${task.node}` : "";
    const again = task.restarts > 0 ? `after ${requeues}` : "";
    const detail = [where, again].filter((s) => s).join(", ");
    return detail ? { state: "RUNNING", detail } : { state: "RUNNING" };
  }
  if (task.state === "COMPLETED" || !FINISHED_STATES.has(task.state)) {
    return { state: task.state };
  }
  const detail = stderrLastLine || (task.exitCode ? `exit code ${task.exitCode}` : "");
  return detail ? { state: task.state, detail } : { state: task.state };
}

/** Writable check: a probe file created and removed in the study's slurm folder. */
async function assertWritable(studyDir: string): Promise<void> {
  const probe = join(studyDir, SLURM_FILES.dir, `.probe-${Deno.pid}`);
  try {
    await Deno.mkdir(join(studyDir, SLURM_FILES.logs), { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new UsageError(
      `the study folder ${studyDir} is not writable (${(error as Error).message}): ` +
        `choose an --out folder on a shared filesystem that every node can write`,
    );
  }
}

/**
 * Submits the given cells as one job array and records the submission; cells whose task is
 * still pending or running are left alone (calling `kit study run` again while the array runs
 * submits nothing twice). Returns the submission, or null when every cell was already queued.
 */
export async function submitCells(
  studyDir: string,
  cellIndices: number[],
  options: SlurmRunOptions,
): Promise<SlurmSubmission | null> {
  const dir = resolve(studyDir);
  const plan = await readPlan(dir);
  const settings = parseSlurmSettings(options.settings, join(dir, "study.json"));
  const say = options.progress === undefined
    ? (text: string) => console.error(text)
    : options.progress;
  await assertWritable(dir);
  const checkout = repoRoot();
  for (const path of [dir, checkout]) {
    const reason = nodeLocalReason(path);
    if (reason) say?.(`warning: ${reason}; every node must see it (fine on a single node)`);
  }
  const queued = await latestTasks(dir);
  const cells = cellIndices.filter((i) => !(queued.has(i) && active(queued.get(i)!)));
  if (cells.length === 0) {
    say?.(`study ${plan.name}: every missing cell is already queued in Slurm`);
    return null;
  }
  const resources = largestResources(
    cells.map((i) => estimateResources(plan.cells[i], plan.train.limit, settings.resources)),
  );
  // --threads sets the CPUs each task asks for (the cell's backend threads follow them).
  if (options.threadsPerCell) resources.cpus = options.threadsPerCell;
  const script = renderArrayScript({
    name: plan.name,
    studyDir: dir,
    checkout,
    deno: Deno.execPath(),
    cells,
    resources,
    settings,
    backend: options.backend,
  });
  const scriptPath = join(dir, SLURM_FILES.script);
  await writeFileAtomic(scriptPath, new TextEncoder().encode(script));
  await Deno.chmod(scriptPath, 0o755);
  const sbatch = await slurmCommand("sbatch", ["--parsable", scriptPath], slurmEnv());
  if (!sbatch.ok) {
    const why = sbatch.stderr.trim().split("\n").at(-1) || "no output";
    throw new UsageError(
      sbatch.stderr.includes("not found")
        ? "sbatch not found: run on a Slurm login node, or start a single-node cluster with " +
          "tools/slurm/local-cluster.sh start"
        : `sbatch rejected ${scriptPath}: ${why}`,
    );
  }
  // `--parsable` prints "<jobid>" or "<jobid>;<cluster>".
  const jobId = sbatch.stdout.trim().split(";")[0];
  if (!/^\d+$/.test(jobId)) {
    throw new UsageError(`sbatch printed '${sbatch.stdout.trim()}' instead of a job id`);
  }
  const submission = { jobId, cells, submittedAt: new Date().toISOString() };
  const submissions = [...await readSubmissions(dir), submission];
  await writeJsonAtomic(join(dir, SLURM_FILES.submissions), submissions);
  say?.(
    `study ${plan.name}: submitted ${cells.length} cells as job array ${jobId} ` +
      `(${resources.cpus} CPUs, ${resources.memMiB} MiB, ${resources.minutes} min each; ` +
      `${SLURM_FILES.script})`,
  );
  return submission;
}

/** Seconds `--wait` keeps polling a controller that does not answer before it gives up. */
export const CONTROLLER_GRACE_SECONDS = 60;

/**
 * Waits until no task of the study's submissions is pending or running, printing a line
 * whenever the counts change. Gives up with a one-line error when the controller has not
 * answered `scontrol ping` for `graceSeconds`: without it every task would look gone and the
 * wait would end as if the cells were done.
 */
export async function waitForCells(
  studyDir: string,
  options: {
    pollSeconds?: number;
    graceSeconds?: number;
    progress?: ((text: string) => void) | null;
  } = {},
): Promise<void> {
  const say = options.progress === undefined
    ? (text: string) => console.error(text)
    : options.progress;
  const grace = options.graceSeconds ?? CONTROLLER_GRACE_SECONDS;
  let last = "";
  let silentSince: number | null = null;
  while (true) {
    const ping = await slurmCommand("scontrol", ["ping"], slurmEnv());
    if (!ping.ok) {
      silentSince ??= performance.now();
      const silent = (performance.now() - silentSince) / 1000;
      const answer = (ping.stdout + ping.stderr).trim().split("\n")[0];
      if (silent >= grace) {
        throw new UsageError(
          `slurm: the controller has not answered for ${Math.round(silent)} s (scontrol ping: ` +
            `${answer}); submitted cells keep their checkpoints: 'kit study status ${studyDir}' ` +
            `shows them, and running the study again resubmits what is missing`,
        );
      }
      if (last !== "silent") say?.(`slurm: the controller does not answer (${answer}); waiting`);
      last = "silent";
    } else {
      silentSince = null;
      const tasks = [...(await latestTasks(studyDir)).values()];
      const counts = new Map<string, number>();
      for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
      const line = [...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(", ");
      if (line !== last) say?.(`slurm: ${line}`);
      last = line;
      if (!tasks.some(active)) return;
    }
    await new Promise((r) => setTimeout(r, (options.pollSeconds ?? 2) * 1000));
  }
}

/**
 * Removes the `running.json` of cells whose lock names a task of this study's arrays that
 * Slurm says is over (cancelled, timed out, failed with its node): such a lock outlives its
 * process on another node, where no pid check can see it. Returns the cells unlocked.
 */
export async function clearStaleLocks(studyDir: string): Promise<number[]> {
  const dir = resolve(studyDir);
  const submissions = await readSubmissions(dir);
  if (submissions.length === 0) return [];
  const plan = await readPlan(dir);
  const tasks = await latestTasks(dir);
  const ours = new Set(submissions.map((s) => s.jobId));
  const cleared: number[] = [];
  for (const cell of plan.cells) {
    const path = join(cellDir(dir, cell.id), STUDY_FILES.running);
    if (!exists(path)) continue;
    const lock = await readJson<CellLock>(path).catch(() => null);
    const [job, task] = (lock?.schedulerTask ?? "").split("_");
    if (!ours.has(job) || Number(task) !== cell.index) continue;
    const latest = tasks.get(cell.index);
    // Over: Slurm forgot the task, or its latest task is another one, or it finished.
    if (latest && latest.jobId === job && active(latest)) continue;
    await Deno.remove(path).catch(() => {});
    cleared.push(cell.index);
  }
  return cleared;
}

/**
 * The Slurm executor.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { slurmExecutor } from "./slurm.ts";
 * strictEqual(slurmExecutor.name, "slurm");
 * strictEqual(slurmExecutor.detached, true);
 * ```
 */
export const slurmExecutor: StudyExecutor = {
  name: "slurm",
  detached: true,
  async runCells(studyDir: string, cellIndices: number[], options: SlurmRunOptions) {
    await submitCells(studyDir, cellIndices, options);
    if (options.wait) {
      await waitForCells(studyDir, {
        pollSeconds: options.pollSeconds,
        graceSeconds: options.graceSeconds,
        progress: options.progress,
      });
    }
  },
  async reconcile(studyDir: string) {
    await clearStaleLocks(studyDir);
  },
  async usedBy(studyDir: string) {
    return (await readSubmissions(studyDir)).length > 0;
  },
  async cellStates(studyDir: string) {
    const dir = resolve(studyDir);
    const plan = await readPlan(dir);
    const states = new Map<string, ExternalState>();
    for (const [index, task] of await latestTasks(dir)) {
      const cell = plan.cells[index];
      if (!cell) continue;
      const stderr = await lastLine(join(dir, SLURM_FILES.logs, `${index}.err`));
      states.set(cell.id, externalState(task, stderr));
    }
    return states;
  },
};

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
