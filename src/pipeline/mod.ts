/**
 * The pipeline stage: jobs that chain the other stages, shared by the command line and
 * notebooks. `kit train` is {@link trainRun}, `kit eval` is {@link evaluateRuns} (over
 * {@link evaluateToDirectory}), `kit report` is {@link runReportJob}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { evaluateToDirectory } from "./mod.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const { result } = await evaluateToDirectory([codedClassifier("a")], [codedDigits(10)],
 *   { out: await Deno.makeTempDir(), progress: null });
 * deepStrictEqual(result.testSets.map((t) => t.count), [10]);
 * ```
 *
 * @module
 */
export * from "./train_run.ts";
export * from "./evaluate.ts";
export * from "./runs.ts";
export * from "./report_job.ts";
