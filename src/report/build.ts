/**
 * Builds and writes a whole report folder: `report.md` (comparison), one `card-<model>.md`
 * per model, `figures/*.svg|png`, `specs/*.vl.json`, `results.json`, `metrics.csv`,
 * `card-metadata.yaml`, `REPRODUCE.md`, the offline `report.html`, and the input's attachments
 * (`predictions.csv`, `models/<model>/`).
 *
 * @module
 */
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { renderChart } from "../plots/render.ts";
import type { VegaLiteSpec } from "../plots/spec.ts";
import { cardFrontMatter } from "./card_front_matter.ts";
import { comparisonBlocks } from "./comparison_report.ts";
import { toMarkdown } from "./document.ts";
import { comparisonFigures, modelFigures, type ReportFigure } from "./figures.ts";
import { readVegaLibraries, reportHtml } from "./html.ts";
import { type ReportInput, slug } from "./input.ts";
import { DEFAULT_METADATA } from "./metadata.ts";
import { modelCardBlocks } from "./model_card.ts";
import { reproduceMarkdown } from "./shareable.ts";
import { tidyCsv, tidyMetrics } from "./tidy.ts";
import { refuseExisting, type ReportFiles, writeFilesAtomic } from "./write.ts";

/** A built (not yet written) report. */
export interface BuiltReport {
  files: ReportFiles;
  /** Every figure, comparison first. */
  figures: ReportFigure[];
  /** Model → card file name. */
  cards: Record<string, string>;
}

function jsonReplacer(_key: string, value: unknown) {
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Renders each figure into `files` (`figures/<name>.svg|png`, `specs/<name>.vl.json`) and
 * returns the specs by name, for the HTML page.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { addFigureFiles } from "./build.ts";
 * import { chart } from "../plots/spec.ts";
 * const files = new Map();
 * const spec = chart("x", { mark: "point", data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } });
 * await addFigureFiles(files, [{ name: "x", caption: "", spec, role: "ranking" }]);
 * ok(files.has("figures/x.svg") && files.has("specs/x.vl.json"));
 * ```
 */
export async function addFigureFiles(
  files: ReportFiles,
  figures: readonly ReportFigure[],
): Promise<Record<string, VegaLiteSpec>> {
  const specs: Record<string, VegaLiteSpec> = {};
  for (const f of figures) {
    const { svg, png } = await renderChart(f.spec);
    files.set(`figures/${f.name}.svg`, svg);
    files.set(`figures/${f.name}.png`, png);
    files.set(`specs/${f.name}.vl.json`, JSON.stringify(f.spec, null, 1) + "\n");
    specs[f.name] = f.spec;
  }
  return specs;
}

/**
 * Renders every figure and assembles the report's files in memory.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { buildReport } from "./build.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 100);
 * const built = await buildReport({ runName: "demo", evaluation, comparison, reproducibility: {
 *   command: "demo", seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } });
 * ok([...built.files.keys()].includes("report.md"));
 * ```
 */
export async function buildReport(input: ReportInput): Promise<BuiltReport> {
  const metadata = input.metadata ?? DEFAULT_METADATA;
  const models = input.evaluation.models.map((m) => m.name);
  const cards = Object.fromEntries(models.map((m) => [m, `card-${slug(m)}.md`]));
  const shared = comparisonFigures(input);
  const perModel = Object.fromEntries(models.map((m) => [m, modelFigures(input, m)]));
  const figures = [...shared, ...Object.values(perModel).flat()];
  const files: ReportFiles = new Map();

  const comparison = comparisonBlocks(input, shared, cards);
  files.set("report.md", toMarkdown(comparison));
  const sections = [{ id: "comparison", title: "Comparison", blocks: comparison }];
  for (const model of models) {
    const blocks = modelCardBlocks({ ...input, metadata }, model, perModel[model]);
    files.set(cards[model], cardFrontMatter(input, model) + toMarkdown(blocks));
    sections.push({ id: `card-${slug(model)}`, title: `Card: ${model}`, blocks });
  }

  const specs = await addFigureFiles(files, figures);
  const title = `digitkit report: ${input.runName}`;
  files.set("report.html", reportHtml(title, sections, specs, await readVegaLibraries()));
  files.set(
    "results.json",
    JSON.stringify(
      {
        runName: input.runName,
        evaluation: input.evaluation,
        comparison: input.comparison ?? null,
        training: input.training ?? [],
        reproducibility: input.reproducibility,
      },
      jsonReplacer,
    ) + "\n",
  );
  files.set("metrics.csv", tidyCsv(tidyMetrics(input.evaluation)));
  files.set("REPRODUCE.md", reproduceMarkdown(input.reproducibility, input.evaluation, models));
  for (const [path, content] of input.attachments ?? []) files.set(path, content);
  files.set(
    "card-metadata.yaml",
    "# Qualitative text of the model cards. Edit and pass with --metadata to re-render.\n" +
      toYaml(metadata, { lineWidth: 100 }),
  );
  return { files, figures, cards };
}

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Parent folder of report folders; `reports` by default. */
  root?: string;
  /** Replace an existing report folder of the same run name. */
  force?: boolean;
}

/**
 * Builds the report of `input` and writes it atomically to `<root>/<runName>/`; returns the
 * folder and the built report.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { writeReport } from "./build.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation, comparison } = syntheticEvaluation(["a", "b"], [0.1, 0.05], 100);
 * const { dir } = await writeReport({ runName: "demo", evaluation, comparison, reproducibility: {
 *   command: "demo", seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } },
 *   { root: await Deno.makeTempDir() });
 * ok((await Deno.stat(`${dir}/report.md`)).isFile);
 * ```
 */
export async function writeReport(
  input: ReportInput,
  options: WriteReportOptions = {},
): Promise<{ dir: string; report: BuiltReport }> {
  const dir = join(options.root ?? "reports", input.runName);
  // Refuse before rendering; writeFilesAtomic checks again at write time.
  if (!options.force) await refuseExisting(dir);
  const report = await buildReport(input);
  await writeFilesAtomic(dir, report.files, { force: options.force });
  return { dir, report };
}
