/**
 * What Slurm knows about a study's array tasks: `scontrol show job` while the controller
 * remembers the job (MinJobAge), `sacct` where accounting storage runs, and the
 * `jobcomp/filetxt` log where it is configured. Parsing is pure; {@link querySlurmTasks} runs
 * the commands.
 *
 * @module
 */
import { expandIndexes } from "./slurm_script.ts";

/** One array task as Slurm reports it. */
export interface SlurmTask {
  /** The array task id (the cell index). */
  task: number;
  /** Slurm job state, e.g. PENDING, RUNNING, COMPLETED, CANCELLED, REQUEUED. */
  state: string;
  /** Why a pending task waits (Resources, Priority, BeginTime), when Slurm says. */
  reason?: string;
  /** How often the task was requeued. */
  restarts: number;
  /** Node(s) of a running or finished task. */
  node?: string;
  /** `code:signal` of a finished task. */
  exitCode?: string;
}

/** Slurm states after which an array task will not run again unless resubmitted. */
export const FINISHED_STATES = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "SPECIAL_EXIT",
]);

/**
 * The `key=value` fields of one `scontrol -o` or jobcomp line. Values run to the next
 * ` Key=`, so a value with spaces (a Reason, a WorkDir) stays whole.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseFields } from "./slurm_state.ts";
 * deepStrictEqual(parseFields("JobId=7 JobState=PENDING Reason=Resources Dependency=(null)"),
 *   { JobId: "7", JobState: "PENDING", Reason: "Resources", Dependency: "(null)" });
 * ```
 */
export function parseFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const pattern = /(?:^|\s)([A-Za-z][\w:/]*)=/g;
  const keys: { key: string; start: number; end: number }[] = [];
  for (const m of line.matchAll(pattern)) {
    keys.push({ key: m[1], start: m.index!, end: m.index! + m[0].length });
  }
  keys.forEach((k, i) => {
    const until = i + 1 < keys.length ? keys[i + 1].start : line.length;
    fields[k.key] = line.slice(k.end, until).trim();
  });
  return fields;
}

/**
 * Tasks of array job `arrayJobId` in `scontrol show job -o` output (one job per line), in
 * the order of the lines; a pending remainder such as `ArrayTaskId=3-5` is one task each.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseScontrolJobs } from "./slurm_state.ts";
 * const text = [
 *   "JobId=12 ArrayJobId=10 ArrayTaskId=2 JobState=RUNNING Reason=None Restarts=1 NodeList=vm ExitCode=0:0",
 *   "JobId=10 ArrayJobId=10 ArrayTaskId=3-4 JobState=PENDING Reason=Resources Restarts=0 NodeList=(null) ExitCode=0:0",
 * ].join("\n");
 * deepStrictEqual(parseScontrolJobs(text, "10").map((t) => [t.task, t.state, t.restarts]),
 *   [[2, "RUNNING", 1], [3, "PENDING", 0], [4, "PENDING", 0]]);
 * ```
 */
export function parseScontrolJobs(text: string, arrayJobId: string): SlurmTask[] {
  const tasks: SlurmTask[] = [];
  for (const line of text.split("\n")) {
    const f = parseFields(line);
    if (f.ArrayJobId !== arrayJobId || f.ArrayTaskId === undefined) continue;
    for (const task of expandIndexes(f.ArrayTaskId)) {
      tasks.push(taskOf(task, f.JobState, f));
    }
  }
  return tasks;
}

/**
 * Tasks of array job `arrayJobId` in a `jobcomp/filetxt` log: the last line of each task wins
 * (a requeued task has one line per run).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseJobcomp } from "./slurm_state.ts";
 * const text = [
 *   "JobId=5 UserId=root(0) JobState=REQUEUED NodeList=vm ArrayJobId=4 ArrayTaskId=1 ExitCode=0:15",
 *   "JobId=5 UserId=root(0) JobState=COMPLETED NodeList=vm ArrayJobId=4 ArrayTaskId=1 ExitCode=0:0",
 * ].join("\n");
 * deepStrictEqual(parseJobcomp(text, "4").map((t) => [t.task, t.state, t.restarts]), [[1, "COMPLETED", 1]]);
 * ```
 */
export function parseJobcomp(text: string, arrayJobId: string): SlurmTask[] {
  const byTask = new Map<number, SlurmTask>();
  for (const line of text.split("\n")) {
    const f = parseFields(line);
    if (f.ArrayJobId !== arrayJobId || f.ArrayTaskId === undefined) continue;
    const task = Number(f.ArrayTaskId);
    const runs = (byTask.get(task)?.restarts ?? -1) + 1;
    byTask.set(task, { ...taskOf(task, f.JobState, f), restarts: runs });
  }
  return [...byTask.values()];
}

/**
 * Tasks of array job `arrayJobId` in `sacct -n -P -X -o JobID,State,ExitCode,NodeList` output
 * (`CANCELLED by 0` is CANCELLED).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseSacct } from "./slurm_state.ts";
 * deepStrictEqual(parseSacct("10_0|COMPLETED|0:0|vm\n10_1|CANCELLED by 0|0:15|vm\n10_[2-3]|PENDING|0:0|None assigned\n", "10")
 *   .map((t) => [t.task, t.state]), [[0, "COMPLETED"], [1, "CANCELLED"], [2, "PENDING"], [3, "PENDING"]]);
 * ```
 */
export function parseSacct(text: string, arrayJobId: string): SlurmTask[] {
  const tasks: SlurmTask[] = [];
  for (const line of text.split("\n")) {
    const [jobId, state, exitCode, node] = line.split("|");
    const m = /^(\d+)_\[?([\d,\-%:]+)\]?$/.exec(jobId ?? "");
    if (!m || m[1] !== arrayJobId || !state) continue;
    for (const task of expandIndexes(m[2])) {
      tasks.push(taskOf(task, state.split(" ")[0], { ExitCode: exitCode, NodeList: node }));
    }
  }
  return tasks;
}

function taskOf(task: number, state: string, f: Record<string, string>): SlurmTask {
  const t: SlurmTask = { task, state, restarts: Number(f.Restarts ?? 0) || 0 };
  if (f.Reason && f.Reason !== "None") t.reason = f.Reason;
  if (f.NodeList && !/^\(null\)$|^None/.test(f.NodeList)) t.node = f.NodeList;
  if (f.ExitCode) t.exitCode = f.ExitCode;
  return t;
}

/** Runs a Slurm client command; `ok` is false when it exits nonzero or is not installed. */
export async function slurmCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(command, { args, env, stdin: "null" }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { ok: out.success, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { ok: false, stdout: "", stderr: `${command} not found` };
    }
    throw error;
  }
}

/**
 * Every task Slurm knows of array job `arrayJobId`: `scontrol show job` first, then `sacct`,
 * then the jobcomp log, each for the tasks the previous ones did not know.
 */
export async function querySlurmTasks(
  arrayJobId: string,
  env: Record<string, string>,
): Promise<Map<number, SlurmTask>> {
  const tasks = new Map<number, SlurmTask>();
  const add = (found: SlurmTask[]) => {
    for (const t of found) if (!tasks.has(t.task)) tasks.set(t.task, t);
  };
  const live = await slurmCommand("scontrol", ["show", "job", "-o", arrayJobId], env);
  if (live.ok) add(parseScontrolJobs(live.stdout, arrayJobId));
  const sacct = await slurmCommand(
    "sacct",
    ["-n", "-P", "-X", "-j", arrayJobId, "-o", "JobID,State,ExitCode,NodeList"],
    env,
  );
  if (sacct.ok) add(parseSacct(sacct.stdout, arrayJobId));
  const config = await slurmCommand("scontrol", ["show", "config"], env);
  if (config.ok && /JobCompType\s*=\s*jobcomp\/filetxt/.test(config.stdout)) {
    const loc = /JobCompLoc\s*=\s*(\S+)/.exec(config.stdout)?.[1];
    const text = loc ? await Deno.readTextFile(loc).catch(() => "") : "";
    add(parseJobcomp(text, arrayJobId));
  }
  return tasks;
}
