/**
 * The study benchmark (`deno task bench --study`): runs a study file (default
 * `studies/bench-keras-mdsist.yaml`: the Keras card and mdsist-cnn, full recipes × 5 seeds,
 * default suite on the 10,000 MNIST test images) once per layout of the local executor, e.g.
 * one cell at a time with two threads (`1x2`) and two cells at once with one thread each
 * (`2x1`), each into a fresh folder, and reports the wall time, the time per cell (training and
 * evaluation from each `cell.json`) and the faster layout.
 *
 * @module
 */
import { join } from "node:path";
import { type CellRecord, readPlan, STUDY_FILES } from "../src/pipeline/study/folder.ts";
import { runStudy } from "../src/pipeline/study/study.ts";

/** One way to run the cells: `parallel` cells at once with `threads` threads each. */
export interface StudyLayout {
  parallel: number;
  threads: number;
}

/** What one layout measured. */
export interface StudyLayoutResult extends StudyLayout {
  dir: string;
  wallSeconds: number;
  cells: { id: string; trainSeconds: number; evalSeconds: number }[];
  /** Mean of (train + eval) seconds over the cells. */
  meanCellSeconds: number;
  failed: number;
}

/** The study benchmark's result. */
export interface StudyBenchResult {
  file: string;
  layouts: StudyLayoutResult[];
  /** The layout with the lowest wall time, as `PxT`. */
  fastest: string;
}

/**
 * Parses layouts like `1x2,2x1`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseLayouts } from "./study_bench.ts";
 * deepStrictEqual(parseLayouts("1x2,2x1"), [{ parallel: 1, threads: 2 }, { parallel: 2, threads: 1 }]);
 * ```
 */
export function parseLayouts(text: string): StudyLayout[] {
  return text.split(",").map((part) => {
    const match = /^(\d+)x(\d+)$/.exec(part.trim());
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
      throw new RangeError(`layout '${part}' is not CELLSxTHREADS (e.g. 2x1)`);
    }
    return { parallel: Number(match[1]), threads: Number(match[2]) };
  });
}

/**
 * Runs the study once per layout into `root/<PxT>/` (removed first) and measures it.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`: the benchmark study trains 10 CNNs per layout (hours).
 * import { ok } from "node:assert";
 * import { parseLayouts, runStudyBench } from "./study_bench.ts";
 * const result = await runStudyBench("studies/bench-keras-mdsist.yaml",
 *   parseLayouts("1x2,2x1"), "reports/bench/study");
 * ok(["1x2", "2x1"].includes(result.fastest));
 * ```
 */
export async function runStudyBench(
  file: string,
  layouts: StudyLayout[],
  root: string,
  log: (line: string) => void = (line) => console.error(`[bench study] ${line}`),
): Promise<StudyBenchResult> {
  const results: StudyLayoutResult[] = [];
  for (const layout of layouts) {
    const name = `${layout.parallel}x${layout.threads}`;
    const dir = join(root, name);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    log(`${name}: ${layout.parallel} cell(s) at once, ${layout.threads} thread(s) each → ${dir}`);
    const run = await runStudy(file, {
      out: dir,
      parallel: layout.parallel,
      threadsPerCell: layout.threads,
      progress: log,
    });
    const plan = await readPlan(dir);
    const cells = [];
    for (const cell of plan.cells) {
      try {
        const record = JSON.parse(
          await Deno.readTextFile(join(dir, STUDY_FILES.cells, cell.id, STUDY_FILES.complete)),
        ) as CellRecord;
        cells.push({
          id: cell.id,
          trainSeconds: record.trainSeconds,
          evalSeconds: record.evalSeconds,
        });
      } catch {
        // a failed cell has no record; counted below
      }
    }
    const meanCellSeconds = cells.reduce((s, c) => s + c.trainSeconds + c.evalSeconds, 0) /
      Math.max(1, cells.length);
    results.push({
      ...layout,
      dir,
      wallSeconds: run.wallSeconds,
      cells,
      meanCellSeconds,
      failed: run.status.counts.failed,
    });
    log(`${name}: ${run.wallSeconds.toFixed(0)} s wall, ${meanCellSeconds.toFixed(0)} s per cell`);
  }
  const fastest = results.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  return { file, layouts: results, fastest: `${fastest.parallel}x${fastest.threads}` };
}
