/**
 * Multi-seed studies: a study file's cells (model × recipe × seed), each a training run and an
 * evaluation in its own folder, run by an executor, compared with statistics that count
 * training randomness.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, ok } from "node:assert";
 * import { runStudy, studyStatus } from "./mod.ts";
 * const tmp = await Deno.makeTempDir(); // a tiny study; real ones live in studies/*.yaml
 * await Deno.writeTextFile(`${tmp}/t.yaml`, "name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n");
 * const { dir, report } = await runStudy(`${tmp}/t.yaml`, { out: `${tmp}/study` });
 * deepStrictEqual((await studyStatus(dir)).counts, { pending: 0, running: 0, done: 1, failed: 0 });
 * ok(report?.html.endsWith("report.html"));
 * await Deno.remove(tmp, { recursive: true });
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
