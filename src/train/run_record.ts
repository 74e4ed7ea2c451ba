/**
 * `run.json`, the record of a finished training run, as one type with one reader, one writer
 * and one lister. Everything that reads a run folder (evaluation, reports, notebooks) goes
 * through {@link readRun} or {@link listRuns}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { listRuns, readRun, type RunRecord, writeRun } from "./run_record.ts";
 * const root = await Deno.makeTempDir();
 * const record = { name: "mlp/baseline-adam", model: "mlp", seed: 1 } as RunRecord;
 * await writeRun(`${root}/mlp`, record);
 * deepStrictEqual((await readRun(`${root}/mlp`)).name, "mlp/baseline-adam");
 * deepStrictEqual((await listRuns(root)).map((r) => r.dir), [`${root}/mlp`]);
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { ModelSpec } from "../models/spec.ts";
import { InputError } from "../util/errors.ts";
import { exists, readJson, writeJsonAtomic } from "../util/fs.ts";
import type { EpochRecord } from "./history.ts";
import type { Recipe } from "./recipes.ts";
import type { ItemsReference } from "./items_record.ts";
import type { ComputeUsage } from "../util/compute_usage.ts";

/** File name of a finished run's record. */
export const RUN_JSON = "run.json";

/** Test metrics `kit train` adds after evaluating the kept model on the split's test part. */
export interface RunTest {
  loss: number;
  accuracy: number;
  count: number;
}

/** Who started a run and on what (free-form extras; `kit train` and notebooks fill some). */
export interface RunInfo {
  /** Split preset of the recipe's data. */
  split?: string;
  /** `--limit` of `kit train`, or null. */
  limit?: number | null;
  /** The backend as `initBackend` described it. */
  backendInfo?: unknown;
  /** The command line that trained the run. */
  command?: string;
  /** The notebook that trained the run. */
  notebook?: string;
  [extra: string]: unknown;
}

/** What `run.json` holds. */
export interface RunRecord extends RunInfo {
  /** `model/recipe`: the classifier's name in evaluations. */
  name: string;
  /** Zoo model name. */
  model: string;
  spec: ModelSpec;
  /** The recipe as run (its `epochs` is the run's). */
  recipe: Recipe;
  seed: number;
  /** TensorFlow.js backend that trained it. */
  backend: string;
  engine: "graph" | "eager";
  precision: string;
  versions: Record<string, string>;
  /** Fingerprint of the training (and validation) data; resuming on other data is refused. */
  dataChecksum: string;
  /** The items trained and validated on (`items.json`, with its sha256). */
  items?: ItemsReference;
  data: {
    train: { name: string; count: number; checksum: string };
    validation: { name: string; count: number } | null;
  };
  /** 1-based epoch whose weights were kept. */
  keptEpoch: number;
  /** Metrics of the kept epoch. */
  final: EpochRecord;
  history: EpochRecord[];
  /** Wall seconds of the last `train` call (a resumed run counts only its own part). */
  wallSeconds: number;
  /** Wall time, process CPU time and RAPL energy of the last `train` call. */
  compute?: ComputeUsage;
  /** Epoch seconds over all parts of a resumed run. */
  epochSecondsTotal: number;
  resumed: boolean;
  /** ISO time the run finished. */
  finishedAt: string;
  /** Test metrics, when `kit train` evaluated the kept model. */
  test?: RunTest;
}

/** A run folder and its record. */
export interface RunFolder {
  dir: string;
  run: RunRecord;
}

/**
 * Reads `dir/run.json`; an {@link InputError} names the file when it is missing, not JSON or
 * not a run record.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { readRun } from "./run_record.ts";
 * const empty = await Deno.makeTempDir();
 * await rejects(() => readRun(empty), /run\.json: expected an existing file/);
 * ```
 */
export async function readRun(dir: string): Promise<RunRecord> {
  const path = join(dir, RUN_JSON);
  const run = await readJson<RunRecord>(path);
  if (typeof run !== "object" || run === null || typeof run.name !== "string") {
    throw new InputError(path, "", "a run record (an object with name, model, recipe, history)");
  }
  return run;
}

/**
 * Writes `record` as `dir/run.json` atomically (the folder is created when missing).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readRun, type RunRecord, writeRun } from "./run_record.ts";
 * const dir = await Deno.makeTempDir();
 * await writeRun(dir, { name: "a/b", seed: 3 } as RunRecord);
 * strictEqual((await readRun(dir)).seed, 3);
 * ```
 */
export async function writeRun(dir: string, record: RunRecord): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeJsonAtomic(join(dir, RUN_JSON), record);
}

/**
 * The finished runs directly under `root` (sub-folders holding `run.json`), sorted by folder
 * name; none when `root` does not exist.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { listRuns, type RunRecord, writeRun } from "./run_record.ts";
 * const root = await Deno.makeTempDir();
 * await writeRun(`${root}/b`, { name: "b" } as RunRecord);
 * await writeRun(`${root}/a`, { name: "a" } as RunRecord);
 * await Deno.mkdir(`${root}/unfinished`);
 * deepStrictEqual((await listRuns(root)).map((r) => r.run.name), ["a", "b"]);
 * deepStrictEqual(await listRuns(`${root}/missing`), []);
 * ```
 */
export async function listRuns(root: string): Promise<RunFolder[]> {
  const dirs: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (entry.isDirectory) dirs.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const runs: RunFolder[] = [];
  for (const name of dirs.sort()) {
    const dir = join(root, name);
    if (!(await exists(join(dir, RUN_JSON)))) continue; // not a finished run
    runs.push({ dir, run: await readRun(dir) });
  }
  return runs;
}
