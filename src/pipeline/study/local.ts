/**
 * The local executor: runs cells as child processes on this machine (`cell_main.ts`), up to
 * `parallel` at once with `threadsPerCell` backend threads each. Each cell's output goes to its
 * `cell.log`; a cell's failure is recorded in its folder and reported, not thrown. A cell stops
 * when the study process goes away (its stdin closes), leaving its checkpoint to resume from.
 *
 * Default: one cell per core, each with one backend thread ({@link defaultParallelCells}), at
 * most one cell per 2 GiB of memory. On the project's 2 cores the study benchmark
 * (`deno task bench --study`, bench/README.md) ran the Keras card and mdsist-cnn × 5 seeds in
 * 551 s with two cells of one thread each against 962 s one cell at a time with two threads:
 * a cell's single-threaded parts (rendering the suite's corruptions, writing its predictions,
 * start-up) leave a core idle unless another cell runs beside it.
 *
 * @module
 */
import { totalmem } from "node:os";
import { join, resolve } from "node:path";
import { repoRoot } from "../../data/paths.ts";
import type { RunCellsOptions, StudyExecutor } from "./executor.ts";
import { cellDir, type CellFailure, readPlan, STUDY_FILES } from "./folder.ts";

/** Memory a cell may need (a Keras-card cell peaks near 1 GiB); caps the default parallelism. */
const MEMORY_PER_CELL = 2 * 1024 ** 3;

/**
 * Cells at once by default: one per core (each then gets one thread), at most one per 2 GiB
 * of memory.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { defaultParallelCells } from "./local.ts";
 * strictEqual(defaultParallelCells(2, 24 * 1024 ** 3), 2); // the project machine
 * strictEqual(defaultParallelCells(16, 8 * 1024 ** 3), 4); // memory-bound
 * strictEqual(defaultParallelCells(1, 1024 ** 3), 1);
 * ```
 */
export function defaultParallelCells(
  cores: number = navigator.hardwareConcurrency || 1,
  memoryBytes: number = totalmem(),
): number {
  return Math.max(1, Math.min(cores, Math.floor(memoryBytes / MEMORY_PER_CELL)));
}

/**
 * Backend threads per cell by default: the cores shared out among the parallel cells.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { defaultThreadsPerCell } from "./local.ts";
 * ok(defaultThreadsPerCell(1) >= 1);
 * ```
 */
export function defaultThreadsPerCell(parallel: number): number {
  return Math.max(1, Math.floor((navigator.hardwareConcurrency || 1) / parallel));
}

/** Runs one cell in a child process; resolves with its exit status and last stderr line. */
async function runChild(
  dir: string,
  index: number,
  id: string,
  threads: number,
  backend: string | undefined,
): Promise<{ ok: boolean; reason?: string }> {
  const root = repoRoot();
  const args = [
    "run",
    "-A",
    "--config",
    join(root, "deno.json"),
    join(root, "src/pipeline/study/cell_main.ts"),
    dir,
    String(index),
    "--threads",
    String(threads),
  ];
  if (backend) args.push("--backend", backend);
  const folder = cellDir(dir, id);
  await Deno.mkdir(folder, { recursive: true });
  const log = await Deno.open(join(folder, STUDY_FILES.log), {
    write: true,
    create: true,
    append: true,
  });
  try {
    // The child's stdin stays open, unwritten, while this process lives: when the study process
    // dies (even by SIGKILL) the cell reads end-of-file and stops, resumable, instead of
    // training on as an orphan that holds its lock against the next `kit study run`.
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: root,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let lastLine = "";
    const decoder = new TextDecoder();
    const pump = async (stream: ReadableStream<Uint8Array>, keepLast: boolean) => {
      for await (const chunk of stream) {
        await log.write(chunk);
        if (keepLast) {
          const lines = decoder.decode(chunk).split(/[\r\n]+/).filter((l) => l.trim() !== "");
          if (lines.length) lastLine = lines.at(-1)!;
        }
      }
    };
    const [status] = await Promise.all([
      child.status,
      pump(child.stdout, false),
      pump(child.stderr, true),
    ]);
    await child.stdin.close().catch(() => {});
    if (status.success) return { ok: true };
    try {
      const failure = JSON.parse(
        await Deno.readTextFile(join(folder, STUDY_FILES.failure)),
      ) as CellFailure;
      return { ok: false, reason: failure.reason };
    } catch {
      return {
        ok: false,
        reason: lastLine || `exited with ${status.signal ?? status.code}`,
      };
    }
  } finally {
    log.close();
  }
}

/**
 * The local executor.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { localExecutor } from "./local.ts";
 * strictEqual(localExecutor.name, "local");
 * ```
 */
export const localExecutor: StudyExecutor = {
  name: "local",
  async runCells(studyDir: string, cellIndices: number[], options: RunCellsOptions) {
    const dir = resolve(studyDir);
    const plan = await readPlan(dir);
    const parallel = Math.max(1, options.parallel ?? defaultParallelCells());
    const threads = options.threadsPerCell ?? defaultThreadsPerCell(parallel);
    const write = options.progress === undefined
      ? (text: string) => console.error(text)
      : options.progress;
    const queue = [...cellIndices];
    let finished = 0, failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (queue.length > 0) {
        const index = queue.shift()!;
        const cell = plan.cells[index];
        const cellStart = performance.now();
        const { ok, reason } = await runChild(dir, index, cell.id, threads, options.backend);
        finished++;
        if (!ok) failed++;
        const seconds = ((performance.now() - cellStart) / 1000).toFixed(1);
        write?.(
          `study ${plan.name}: ${finished}/${cellIndices.length} cells ` +
            `(${cell.id} ${ok ? `done in ${seconds} s` : `FAILED: ${reason}`}; ` +
            `${failed} failed, ${((performance.now() - started) / 1000).toFixed(0)} s)`,
        );
        await options.onCellEnd?.(index, ok, reason);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
  },
};
