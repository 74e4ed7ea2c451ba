/**
 * Multi-seed studies: a study file's cells (model × recipe × seed), each a training run and an
 * evaluation in its own folder, run by an executor, compared with statistics that count
 * training randomness.
 *
 * @example
 * ```ts ignore
 * import { runStudy, studyStatus } from "./mod.ts";
 * const { dir, report } = await runStudy("studies/cards-quick.yaml");
 * console.log((await studyStatus(dir)).counts, report?.html);
 * ```
 *
 * @module
 */
export * from "./plan.ts";
export * from "./folder.ts";
export * from "./executor.ts";
export * from "./cell.ts";
export * from "./study.ts";
export { planArms, readStudyRuns, REPORT_FOLDER, type StudyReportFiles } from "./report.ts";
export * from "./live_table.ts";
