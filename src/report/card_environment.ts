/**
 * The Hugging Face model-card template's "Environmental Impact" and "Technical Specifications"
 * sections: energy estimated from the measured CPU time of training (the method and the
 * per-core power stated), CO₂eq at a stated grid intensity the user sets in the card metadata,
 * RAPL energy where it was readable; the hardware, backend and software versions.
 *
 * @module
 */
import type { EvaluationResult } from "../evaluate/types.ts";
import type { ComputeUsage } from "../util/compute_usage.ts";
import { type Block, h, list, p, table } from "./document.ts";
import { duration } from "./format.ts";
import type { ModelTraining, Reproducibility } from "./input.ts";
import type { CardMetadata } from "./metadata.ts";

/** Energy and emissions of one training run. */
export interface EnergyEstimate {
  /** CPU time × watts per core × PUE, in kWh. */
  kWh: number;
  /** `kWh` × grid intensity, in grams CO₂eq. */
  co2Grams: number;
  /** RAPL-measured energy of the CPU packages (all processes on them), in kWh, or null. */
  raplKWh: number | null;
  /** The method in one sentence, with every constant. */
  method: string;
}

/**
 * Energy and CO₂eq of a training run from its measured CPU time: core-seconds × the per-core
 * power × PUE, and that energy × the grid's carbon intensity (Green Algorithms' method,
 * Lannelongue et al. 2021, counting the CPU only).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { estimateEnergy } from "./card_environment.ts";
 * const e = estimateEnergy(
 *   { wallSeconds: 1800, cpuSeconds: 3600, raplJoules: null, cpuModel: "x", logicalCores: 2 },
 *   { cpuWattsPerCore: 10, gridIntensity: 400, powerUsageEffectiveness: 1 },
 * );
 * strictEqual(e.kWh, 0.01); // one core-hour at 10 W
 * strictEqual(e.co2Grams, 4);
 * ```
 */
export function estimateEnergy(
  usage: ComputeUsage,
  settings: Pick<CardMetadata, "cpuWattsPerCore" | "gridIntensity" | "powerUsageEffectiveness">,
): EnergyEstimate {
  const { cpuWattsPerCore: watts, gridIntensity, powerUsageEffectiveness: pue } = settings;
  const kWh = (usage.cpuSeconds * watts * pue) / 3.6e6;
  return {
    kWh,
    co2Grams: kWh * gridIntensity,
    raplKWh: usage.raplJoules === null ? null : usage.raplJoules / 3.6e6,
    method: `measured process CPU time (user + system, all threads) × ${watts} W per core` +
      (pue === 1 ? "" : ` × PUE ${pue}`) + ` (CPU only, Green Algorithms' method), × ` +
      `${gridIntensity} g CO₂eq/kWh`,
  };
}

/** Hardware of a measured run in words. */
export function hardwareOf(usage: ComputeUsage): string {
  return `${usage.cpuModel} (${usage.logicalCores} logical cores), no accelerator`;
}

/** Hours with three significant digits (tiny quick runs stay readable). */
function hours(seconds: number): string {
  return String(Number((seconds / 3600).toPrecision(3)));
}

/** An optimizer setting as text: `adam (learningRate 0.001)`. */
function optimizerText(optimizer: unknown): string {
  if (!optimizer || typeof optimizer !== "object") return String(optimizer);
  const { kind, ...rest } = optimizer as Record<string, unknown>;
  const settings = Object.entries(rest).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ");
  return `${kind ?? "optimizer"}${settings ? ` (${settings})` : ""}`;
}

function energyText(kWh: number): string {
  return kWh >= 1 ? `${kWh.toFixed(2)} kWh` : `${(kWh * 1000).toPrecision(3)} Wh`;
}

/**
 * The "Environmental Impact" blocks of a card for `training` (the model's training record).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { environmentalImpactBlocks } from "./card_environment.ts";
 * import { DEFAULT_METADATA } from "./metadata.ts";
 * const blocks = environmentalImpactBlocks({ model: "m", compute: { wallSeconds: 60,
 *   cpuSeconds: 100, raplJoules: null, cpuModel: "AMD EPYC", logicalCores: 2 } },
 *   DEFAULT_METADATA);
 * ok(JSON.stringify(blocks).includes("475 g CO₂eq/kWh"));
 * ```
 */
export function environmentalImpactBlocks(
  training: ModelTraining | undefined,
  meta: CardMetadata,
): Block[] {
  const blocks: Block[] = [h(2, "Environmental Impact")];
  const usage = training?.compute;
  if (!usage) {
    return [...blocks, p("Not measured: this model was evaluated from a checkpoint.")];
  }
  const e = estimateEnergy(usage, meta);
  const rows = [
    ["hardware type", hardwareOf(usage)],
    ["hours used", `${hours(usage.wallSeconds)} h (${duration(usage.wallSeconds)} wall time)`],
    ["CPU time", `${hours(usage.cpuSeconds)} core-hours (${duration(usage.cpuSeconds)})`],
    ["cloud provider / compute region", meta.computeRegion],
    ["energy (estimated)", energyText(e.kWh)],
    [
      "energy (RAPL, CPU packages)",
      e.raplKWh === null ? "not readable on this machine" : energyText(e.raplKWh),
    ],
    ["grid carbon intensity", `${meta.gridIntensity} g CO₂eq/kWh`],
    ["carbon emitted (estimated)", `${e.co2Grams.toPrecision(3)} g CO₂eq`],
  ];
  return [
    ...blocks,
    table(["", ""], rows, ["left", "left"]),
    p(
      `Method: ${e.method}. Set \`gridIntensity\`, \`cpuWattsPerCore\`, ` +
        "`powerUsageEffectiveness` and `computeRegion` in the report metadata file " +
        "(`--metadata`) for your machine and grid. RAPL counters, where readable, measure the " +
        "whole CPU packages, including other processes.",
    ),
  ];
}

/**
 * The "Technical Specifications" blocks: objective, compute infrastructure, software versions.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { technicalSpecificationBlocks } from "./card_environment.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 20);
 * const blocks = technicalSpecificationBlocks(undefined, evaluation, { command: "x", seeds: {},
 *   backend: "cpu (1 threads)", versions: { deno: "2.9.6" }, gitCommit: "abc", wallSeconds: {} });
 * ok(JSON.stringify(blocks).includes("2.9.6"));
 * ```
 */
export function technicalSpecificationBlocks(
  training: ModelTraining | undefined,
  evaluation: EvaluationResult,
  repro: Reproducibility,
): Block[] {
  const classes = evaluation.testSets[0]?.classNames.length ?? 10;
  const optimizer = training?.recipe?.optimizer;
  const versions = { ...evaluation.metadata.versions, ...repro.versions };
  return [
    h(2, "Technical Specifications"),
    h(3, "Model Architecture and Objective"),
    p(
      `${training?.architecture ?? "See Model Details"}. Trained to minimise the cross-entropy ` +
        `of ${classes} classes` +
        (optimizer ? ` with ${optimizerText(optimizer)}` : "") +
        " (layer table under Model Details).",
    ),
    h(3, "Compute Infrastructure"),
    h(4, "Hardware"),
    list([
      training?.compute ? hardwareOf(training.compute) : "not recorded",
      `TensorFlow.js backend: ${repro.backend}` +
      (training?.backend ? `; training: ${training.backend}` : ""),
    ]),
    h(4, "Software"),
    table(
      ["component", "version"],
      [["digitkit commit", `\`${repro.gitCommit}\``], ...Object.entries(versions)],
      ["left", "left"],
    ),
  ];
}
