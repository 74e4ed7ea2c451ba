/**
 * Reports: model cards (Mitchell et al. 2019), the architecture comparison report, tidy
 * metrics, and the self-contained offline HTML page, written atomically to `reports/<run>/`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { syntheticEvaluation, writeReport } from "./mod.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["mlp", "cnn"], [0.08, 0.02], 200);
 * const { dir } = await writeReport({ runName: "demo", evaluation, comparison, reproducibility: {
 *   command: "notebook", seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } },
 *   { root: await Deno.makeTempDir() });
 * ok((await Deno.stat(`${dir}/report.md`)).isFile);
 * ```
 *
 * @module
 */
export * from "./input.ts";
export * from "./build.ts";
export * from "./metadata.ts";
export * from "./tidy.ts";
export * from "./figures.ts";
export { writeFilesAtomic } from "./write.ts";
export { syntheticEvaluation } from "./synthetic.ts";
export { type Block, toHtml, toMarkdown } from "./document.ts";
export * from "./study_report.ts";
export * from "./table.ts";
export * from "./links.ts";
