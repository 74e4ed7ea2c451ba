/**
 * Executors run a study's cells somewhere: `local` (child processes on this machine) and, built
 * on the same interface, cluster schedulers. Each executor runs cells through the same cell
 * command (`deno task kit study cell DIR INDEX`, i.e. {@link runCell}) so the files a cell
 * writes, and hence the study's results, do not depend on where it ran. Cell state comes from
 * the cell folders ({@link cellStatuses}); an executor may add what its scheduler knows.
 *
 * @module
 */
import { UsageError } from "../../util/errors.ts";
import type { CellStatus } from "./folder.ts";

/** Options every executor accepts when running cells. */
export interface RunCellsOptions {
  /** Backend threads per cell (default: the executor's measured default). */
  threadsPerCell?: number;
  /** Cells at once (local executor; default: the measured default). */
  parallel?: number;
  /** TensorFlow.js backend of each cell (default auto). */
  backend?: string;
  /** Where progress lines go; default stderr, `null` for silence. */
  progress?: ((text: string) => void) | null;
  /** Called whenever a cell finishes or fails (e.g. to refresh a notebook's live table). */
  onCellEnd?: (index: number, ok: boolean, reason?: string) => void | Promise<void>;
  /** Block until the cells have finished (executors that hand cells to a scheduler). */
  wait?: boolean;
  /** Executor settings from the study file (e.g. `slurm:`), passed through. */
  settings?: unknown;
}

/** What a scheduler says about one cell, beyond its files (e.g. a Slurm job state). */
export interface ExternalState {
  /** Scheduler state, e.g. `PENDING`, `RUNNING`, `REQUEUED`, `FAILED`. */
  state: string;
  /** More detail (e.g. the last line of the cell's stderr, a reason). */
  detail?: string;
}

/**
 * Something that runs cells of a study folder. `runCells` resolves when the cells have
 * finished (local) or have been handed to a scheduler that will run them (cluster executors);
 * a cell's own failure is recorded in its folder, not thrown.
 */
export interface StudyExecutor {
  name: string;
  /** Runs (or submits) the given 0-based cells of the study in `studyDir`. */
  runCells(studyDir: string, cellIndices: number[], options: RunCellsOptions): Promise<void>;
  /** Whether `runCells` returns before the cells finish (a scheduler runs them later). */
  readonly detached?: boolean;
  /**
   * Brings the cell folders in line with what the scheduler knows before cells are chosen to
   * run (e.g. removes locks of tasks that ended on another node).
   */
  reconcile?(studyDir: string): Promise<void>;
  /** Whether cells of the study in `studyDir` were handed to this executor's scheduler. */
  usedBy?(studyDir: string): Promise<boolean>;
  /** The scheduler's view of cells, by cell id, for `kit study status`. */
  cellStates?(studyDir: string): Promise<Map<string, ExternalState>>;
}

/**
 * Every executor by name, loaded on demand (a cluster executor's module is only loaded when
 * chosen). Add cluster executors here.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { EXECUTORS } from "./executor.ts";
 * ok("local" in EXECUTORS);
 * ```
 */
export const EXECUTORS: Record<string, () => Promise<StudyExecutor>> = {
  local: async () => (await import("./local.ts")).localExecutor,
  slurm: async () => (await import("./slurm.ts")).slurmExecutor,
};

/**
 * The executor called `name`, with a one-line error for unknown names.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { getExecutor } from "./executor.ts";
 * strictEqual((await getExecutor("local")).name, "local");
 * ```
 */
export async function getExecutor(name: string): Promise<StudyExecutor> {
  const load = EXECUTORS[name];
  if (!load) {
    throw new UsageError(
      `unknown executor '${name}' (known: ${Object.keys(EXECUTORS).join(", ")})`,
    );
  }
  return await load();
}

/**
 * The executors whose schedulers were given cells of the study in `studyDir` (for
 * `kit study status` without `--executor`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { executorsUsedBy } from "./executor.ts";
 * deepStrictEqual(await executorsUsedBy(await Deno.makeTempDir()), []);
 * ```
 */
export async function executorsUsedBy(studyDir: string): Promise<StudyExecutor[]> {
  const used: StudyExecutor[] = [];
  for (const load of Object.values(EXECUTORS)) {
    const executor = await load();
    if (await executor.usedBy?.(studyDir)) used.push(executor);
  }
  return used;
}

/**
 * Merges an executor's scheduler view into the file-derived statuses.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { withExternalStates } from "./executor.ts";
 * const s = { index: 0, id: "a", model: "m", recipe: "r", seed: 1, state: "pending" as const,
 *   epochsDone: 0, epochs: 1 };
 * deepStrictEqual(withExternalStates([s], new Map([["a", { state: "PENDING" }]]))[0].external,
 *   { state: "PENDING" });
 * ```
 */
export function withExternalStates(
  statuses: CellStatus[],
  external: Map<string, ExternalState>,
): CellStatus[] {
  return statuses.map((s) => external.has(s.id) ? { ...s, external: external.get(s.id) } : s);
}
