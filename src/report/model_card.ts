/**
 * One model card (Mitchell et al. 2019) per model, as document blocks: details, intended use,
 * factors, metrics, data, quantitative analyses with figures and tables, ethics, caveats, and
 * the Hugging Face template's environmental impact and technical specifications. The card file
 * starts with the Hub's YAML front matter (./card_front_matter.ts).
 *
 * @module
 */
import { type Block, h, list, p, table } from "./document.ts";
import { count, duration, percent, rateWithInterval } from "./format.ts";
import { DEFAULT_METADATA } from "./metadata.ts";
import { placeFigures, primaryTestSet, type ReportFigure } from "./figures.ts";
import type { ReportInput } from "./input.ts";
import { reproducibilityBlocks } from "./reproducibility.ts";
import { environmentalImpactBlocks, technicalSpecificationBlocks } from "./card_environment.ts";
import {
  calibrationTable,
  confusionPairsTable,
  confusionShiftTable,
  corruptionTable,
  overallTable,
  perClassTable,
  sweepTable,
  testSetTable,
} from "./tables.ts";
import { contaminationCardBlocks } from "./contamination_blocks.ts";

function detailBlocks(input: ReportInput, model: string): Block[] {
  const info = input.evaluation.models.find((m) => m.name === model);
  const t = input.training?.find((x) => x.model === model);
  const meta = input.metadata ?? DEFAULT_METADATA;
  const facts: string[][] = [
    ["architecture", t?.architecture ?? info?.architecture ?? model],
    ["parameters", count(t?.summary?.totalParams ?? info?.parameters ?? 0)],
    ["training recipe", t?.recipeName ?? "—"],
    ["training seed", String(t?.seed ?? info?.seed ?? "—")],
    ["backend", t?.backend ?? input.evaluation.metadata.backend ?? "—"],
    ["training time", duration(t?.trainingSeconds)],
    [
      "inference speed",
      `${count(Math.round(info?.imagesPerSecond ?? 0))} images/s` +
      (info?.inferenceEngine ? ` (${info.inferenceEngine} engine)` : ""),
    ],
    ["checkpoint", t?.checkpoint ?? info?.source ?? "—"],
    ["developers", meta.developers],
    ["license", meta.license],
    ["contact", meta.contact],
  ];
  if (meta.citation) facts.push(["citation", meta.citation]);
  const blocks: Block[] = [h(2, "Model Details"), table(["", ""], facts, ["left", "left"])];
  if (meta.modelNotes[model]) blocks.push(p(meta.modelNotes[model]));
  if (t?.summary) {
    blocks.push(
      h(3, "Architecture"),
      table(
        ["layer", "type", "output shape", "parameters"],
        t.summary.rows.map((r) => [r.name, r.type, r.outputShape.join(" × "), count(r.params)]),
        ["left", "left", "left", "right"],
      ),
      p(`Total ${count(t.summary.totalParams)} parameters (${
        count(t.summary.trainableParams)
      } trainable).`),
    );
  }
  if (t?.recipe) {
    blocks.push(
      h(3, "Training recipe"),
      table(
        ["setting", "value"],
        Object.entries(t.recipe).map((
          [k, v],
        ) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ["left", "left"],
      ),
    );
  }
  return blocks;
}

function dataBlocks(input: ReportInput, model: string): Block[] {
  const t = input.training?.find((x) => x.model === model);
  const blocks: Block[] = [h(2, "Evaluation Data"), testSetTable(input.evaluation)];
  blocks.push(h(2, "Training Data"));
  if (t?.data?.length) {
    blocks.push(table(
      ["data", "split", "items", "source", "sha256"],
      t.data.map((
        d,
      ) => [d.name, d.split, count(d.count), d.source, `\`${d.checksum.slice(0, 16)}…\``]),
    ));
  } else {
    blocks.push(p("Not recorded for this model (it was evaluated from a checkpoint)."));
  }
  return blocks;
}

function quantitativeBlocks(input: ReportInput, model: string, figures: ReportFigure[]): Block[] {
  const ev = input.evaluation;
  const clean = ev.conditions.filter((c) => c.kind === "clean" && c.model === model);
  const primary = clean.find((c) => c.testSet === primaryTestSet(input)) ?? clean[0];
  const blocks: Block[] = [
    h(2, "Quantitative Analyses"),
    h(3, "Overall (each test set)"),
    overallTable(clean),
  ];
  if (!primary) return blocks;
  blocks.push(
    p(
      `On ${primary.testSet}, ${model} misclassifies ` +
        `${
          rateWithInterval(primary.overall.misclassification, primary.overall.misclassificationCi)
        } ` +
        `of n = ${count(primary.overall.n)} digits (95% Wilson interval).`,
    ),
    h(3, `Per class (${primary.testSet})`),
    perClassTable(primary),
    h(3, "Confusions"),
    ...placeFigures(figures, "confusion"),
    ...placeFigures(figures, "confusion-normalized"),
    confusionPairsTable(primary),
  );
  const shifts = ev.confusionShifts.filter((s) => s.model === model && s.shifts.length);
  if (shifts.length) {
    const names = primary.report.classes.map((c) => c.name);
    blocks.push(h(4, "Confusions that grow under degradation"), confusionShiftTable(shifts, names));
  }
  const sweeps = ev.sweeps.filter((s) => s.model === model);
  if (sweeps.length) {
    blocks.push(h(3, "Noise and blur sweeps"));
    for (const s of sweeps) blocks.push(sweepTable([s]));
    blocks.push(...placeFigures(figures, "sweep-class"));
  }
  const robustness = ev.robustness.find((r) => r.model === model && r.corruptions.length);
  if (robustness) {
    blocks.push(
      h(3, "Corruptions"),
      p(
        `Mean corruption error ${percent(robustness.meanCorruptionError)} (clean ` +
          `${percent(robustness.cleanError)})` +
          (robustness.mCE === null ? "." : `; mCE ${robustness.mCE.toFixed(3)} and relative mCE ` +
            `${robustness.relativeMCE?.toFixed(3)} against ${robustness.baseline}.`),
      ),
      corruptionTable(robustness),
      ...placeFigures(figures, "corruption-class"),
    );
  }
  blocks.push(h(3, "Calibration"), calibrationTable([primary]));
  blocks.push(
    ...placeFigures(figures, "misclassified"),
    ...placeFigures(figures, "model-training"),
  );
  return blocks;
}

/**
 * The blocks of `model`'s card; `figures` are the model's figures from `modelFigures`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { modelCardBlocks } from "./model_card.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 50);
 * const blocks = modelCardBlocks({ runName: "demo", evaluation, reproducibility: { command: "",
 *   seeds: {}, backend: "cpu", versions: {}, gitCommit: "", wallSeconds: {} } }, "a", []);
 * deepStrictEqual(blocks[0], {kind: "heading", level: 1, text: "Model card: a"});
 * ```
 */
export function modelCardBlocks(
  input: ReportInput,
  model: string,
  figures: ReportFigure[],
): Block[] {
  const meta = input.metadata ?? DEFAULT_METADATA;
  const training = input.training?.filter((t) => t.model === model) ?? [];
  return [
    h(1, `Model card: ${model}`),
    p(
      `Run \`${input.runName}\`. Every rate is given with its 95% interval and the number of ` +
        "items n it is computed from. Sections follow Mitchell et al. (2019), *Model Cards for " +
        "Model Reporting*, with the Hugging Face model-card template's environmental impact and " +
        "technical specifications.",
    ),
    ...detailBlocks(input, model),
    h(2, "Intended Use"),
    h(3, "Primary intended uses"),
    list(meta.intendedUses),
    h(3, "Primary intended users"),
    list(meta.intendedUsers),
    h(3, "Out-of-scope uses"),
    list(meta.outOfScope),
    h(2, "Factors"),
    list(meta.relevantFactors),
    p(
      "Evaluation factors reported here: digit class, test set (data source), additive noise, " +
        "blur, and the MNIST-C style corruptions at five severities.",
    ),
    h(2, "Metrics"),
    table(["metric", "why"], Object.entries(meta.metricReasons), ["left", "left"]),
    ...dataBlocks(input, model),
    ...contaminationCardBlocks(input.evaluation, model, training[0]),
    ...quantitativeBlocks(input, model, figures),
    h(2, "Ethical Considerations"),
    list(meta.ethicalConsiderations),
    h(2, "Caveats and Recommendations"),
    list(meta.caveats),
    list(meta.recommendations),
    ...environmentalImpactBlocks(training[0], meta),
    ...technicalSpecificationBlocks(training[0], input.evaluation, input.reproducibility),
    ...reproducibilityBlocks(input.reproducibility, input.evaluation, training),
  ];
}
