/**
 * The study report: statistics over the finished cells, written into the study folder.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../train/file_io.ts";
import type { EvaluationResult } from "../../evaluate/types.ts";
import { cellDir, readPlan, STUDY_FILES, verifyCell } from "./folder.ts";

/** Files of a study report. */
export interface StudyReportFiles {
  metrics: string;
}

/**
 * Rebuilds the report of the study in `dir` from its finished cells.
 *
 * @example
 * ```ts ignore
 * import { studyReport } from "./report.ts";
 * const files = await studyReport("reports/studies/cards-quick");
 * ```
 */
export async function writeStudyReport(dir: string): Promise<StudyReportFiles> {
  const plan = await readPlan(dir);
  const rows = ["architecture,recipe,seed,test_set,statistic,value"];
  for (const cell of plan.cells) {
    const folder = cellDir(dir, cell.id);
    if (!(await verifyCell(folder)).record) continue;
    const result = JSON.parse(
      await Deno.readTextFile(join(folder, STUDY_FILES.results)),
    ) as EvaluationResult;
    for (const c of result.conditions.filter((c) => c.kind === "clean")) {
      rows.push(
        `${cell.model},${cell.recipe},${cell.seed},${c.testSet},error,${c.overall.misclassification}`,
      );
    }
  }
  const metrics = join(dir, "metrics.csv");
  await writeFileAtomic(metrics, new TextEncoder().encode(rows.join("\n") + "\n"));
  return { metrics };
}

/** Alias of {@link writeStudyReport} for the library's three study functions. */
export const studyReport = writeStudyReport;
