import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { buildReport } from "./build.ts";
import { estimateEnergy } from "./card_environment.ts";
import { mergeMetadata } from "./metadata.ts";
import { syntheticEvaluation } from "./synthetic.ts";
import type { ReportInput } from "./input.ts";

const run = syntheticEvaluation(["mlp", "cnn"], [0.1, 0.03], 120, 3);
const compute = {
  wallSeconds: 90,
  cpuSeconds: 170,
  raplJoules: null,
  cpuModel: "AMD EPYC",
  logicalCores: 2,
};
const metadata = mergeMetadata(
  { license: "MIT", gridIntensity: 250, cpuWattsPerCore: 8, computeRegion: "Iceland" },
  "card.yaml",
);
const input: ReportInput = {
  runName: "hub",
  evaluation: run.evaluation,
  comparison: run.comparison,
  metadata,
  training: [{ model: "mlp", seed: 5, trainingSeconds: 90, compute }],
  reproducibility: {
    command: "deno task report --out hub",
    seeds: { training: 5 },
    backend: "tensorflow (2 threads)",
    versions: { tfjs: "4.22.0", deno: "2.9.6" },
    gitCommit: "0123abc",
    wallSeconds: {},
  },
};

/** The YAML between the card's leading `---` fences, parsed. */
function frontMatter(card: string) {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  assert.ok(match, "the card starts with ---‑fenced front matter");
  return parseYaml(match[1]);
}

Deno.test("a card's front matter parses back as the Hub's model-index with the evaluated values", async () => {
  const { files, cards } = await buildReport(input);
  const card = files.get(cards.mlp) as string;
  const yaml = frontMatter(card);
  assert.equal(yaml.license, "mit");
  assert.equal(yaml.pipeline_tag, "image-classification");
  const [entry] = yaml["model-index"];
  assert.equal(entry.name, "mlp");
  const clean = run.evaluation.conditions.filter((c) => c.kind === "clean" && c.model === "mlp");
  assert.equal(entry.results.length, clean.length);
  for (const [i, c] of clean.entries()) {
    const result = entry.results[i];
    assert.deepEqual(result.task, { type: "image-classification", name: "Image Classification" });
    assert.equal(result.dataset.name, c.testSet);
    assert.equal(result.dataset.split, "test");
    const byType = Object.fromEntries(
      result.metrics.map((m: { type: string; value: number }) => [m.type, m.value]),
    );
    assert.ok(Math.abs(byType.accuracy - c.overall.accuracy) < 1e-6);
    assert.ok(Math.abs(byType.f1 - c.report.macro.f1) < 1e-6);
  }
  // 170 core-seconds × 8 W = 1360 J = 0.378 Wh; × 250 g/kWh = 0.0944 g.
  assert.ok(Math.abs(yaml.co2_eq_emissions.emissions - (170 * 8 / 3.6e6) * 250) < 1e-6);
  assert.equal(yaml.co2_eq_emissions.geographical_location, "Iceland");
  assert.match(yaml.co2_eq_emissions.hardware_used, /AMD EPYC \(2 logical cores\)/);
  // The markdown after the front matter is the card itself.
  assert.match(card, /\n---\n\n# Model card: mlp\n/);

  // A model without measured training has no emissions entry, and says so in the card.
  const cnn = files.get(cards.cnn) as string;
  assert.equal(frontMatter(cnn).co2_eq_emissions, undefined);
  assert.match(cnn, /## Environmental Impact\n\nNot measured/);
});

Deno.test("the Environmental Impact and Technical Specifications sections state method and settings", async () => {
  const { files, cards } = await buildReport(input);
  const card = files.get(cards.mlp) as string;
  const e = estimateEnergy(compute, metadata);
  assert.ok(Math.abs(e.kWh - 170 * 8 / 3.6e6) < 1e-15);
  assert.match(card, /## Environmental Impact/);
  assert.match(card, /\| hardware type \| AMD EPYC \(2 logical cores\), no accelerator \|/);
  assert.match(card, /\| hours used \| 0\.025 h \(1 min 30 s wall time\) \|/);
  assert.match(card, /\| energy \(estimated\) \| 0\.378 Wh \|/);
  assert.match(card, /\| energy \(RAPL, CPU packages\) \| not readable on this machine \|/);
  assert.match(card, /\| grid carbon intensity \| 250 g CO₂eq\/kWh \|/);
  assert.match(card, /× 8 W per core/);
  assert.match(card, /## Technical Specifications/);
  assert.match(card, /#### Software[\s\S]*\| deno \| 2\.9\.6 \|/);
  assert.match(card, /TensorFlow\.js backend: tensorflow \(2 threads\)/);
});

Deno.test("card metadata refuses a non-numeric grid intensity in one line", () => {
  assert.throws(
    () => mergeMetadata({ gridIntensity: "high" }, "card.yaml"),
    /^InputError: card\.yaml: field 'gridIntensity': expected a number ≥ 0, found string$/,
  );
});
