import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Buffer } from "node:buffer";
import { syntheticEvaluation } from "../report/synthetic.ts";
import { modelColor, modelColorScale } from "./palette.ts";
import { renderChart, renderSvg } from "./render.ts";
import { displayChart, VEGA_LITE_MIME } from "./display.ts";
import { digitAt, digitDataUrl } from "./digit_image.ts";
import { imageGridSpec } from "./image_grid.ts";
import { trainingCurveRows, trainingCurvesSpec } from "./training.ts";
import { perClassErrorRows, perClassErrorSpec } from "./per_class.ts";
import { confusionSpec } from "./confusion.ts";
import { degradationRows, degradationSpec } from "./degradation.ts";
import { errorOverlapSpec } from "./overlap.ts";
import {
  classCorruptionHeatmapSpec,
  corruptionModelHeatmapSpec,
  sweepClassHeatmapSpec,
} from "./heatmaps.ts";
import { reliabilityRows, reliabilitySpec } from "./reliability.ts";
import { errorRateComparisonSpec, pairwisePValueSpec } from "./comparison.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./spec.ts";

const MODELS = ["mlp", "lenet5", "cnn"];
const run = syntheticEvaluation(MODELS, [0.08, 0.04, 0.02], 200);
const clean = run.evaluation.conditions.filter((c) => c.kind === "clean");

function allSpecs(): Record<string, VegaLiteSpec> {
  const ev = run.evaluation;
  return {
    training: trainingCurvesSpec([{
      model: "mlp",
      epochs: [{ epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.78 }],
    }], MODELS),
    perClass: perClassErrorSpec(clean, MODELS),
    confusion: confusionSpec(clean[0]),
    confusionNormalized: confusionSpec(clean[0], true),
    noise: degradationSpec(ev.sweeps.filter((s) => s.factor === "gaussian_noise"), MODELS),
    corruptionModel: corruptionModelHeatmapSpec(ev.robustness),
    corruptionClass: classCorruptionHeatmapSpec(ev.classByCorruption[0]),
    sweepClass: sweepClassHeatmapSpec(ev.sweeps[0], clean[0].report.classes.map((c) => c.name)),
    reliability: reliabilitySpec(clean, MODELS),
    ranking: errorRateComparisonSpec(run.comparison.rankings[0], MODELS),
    pValues: pairwisePValueSpec(run.comparison.pairwise[0], "midp"),
    overlap: errorOverlapSpec(run.comparison.overlap[0]),
    grid: imageGridSpec([{ pixels: digitAt(run.images, 0), row: "0", column: "1" }], {
      title: "Samples",
      rowTitle: "class",
      columnTitle: "sample",
    }),
  };
}

Deno.test("every chart is a v5 spec that renders to SVG with its title", async () => {
  for (const [name, spec] of Object.entries(allSpecs())) {
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA, name);
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg/, name);
    assert.match(svg, /role-mark/, `${name} has marks`);
    const title = typeof spec.title === "string"
      ? spec.title
      : (spec.title as { text: string }).text;
    const escaped = title.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
    assert.ok(svg.includes(escaped), `${name}: title '${title}' in SVG`);
    // Survives a JSON round trip, as it must to be written to specs/*.vl.json.
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  }
});

Deno.test("a model keeps its colour across charts", () => {
  const scale = modelColorScale(MODELS);
  assert.deepEqual(scale.domain, MODELS);
  assert.equal(new Set(scale.range).size, MODELS.length);
  const specs = allSpecs();
  for (const name of ["perClass", "noise", "reliability"]) {
    const text = JSON.stringify(specs[name]);
    assert.ok(text.includes(JSON.stringify(scale)), `${name} uses the shared scale`);
  }
  assert.equal(modelColor(MODELS, "cnn"), scale.range[2]);
  assert.equal(modelColor(MODELS, "unknown"), "#888888");
});

Deno.test("PNG has the spec's size at 2× and text pixels drawn", async () => {
  const { svg, png } = await renderChart(allSpecs().ranking);
  const image = decode(png);
  const width = Number(svg.match(/width="(\d+)"/)![1]);
  assert.equal(image.width, width * 2);
  // The title region (top-left) must contain dark text pixels, not just white background.
  let dark = 0;
  const channels = image.channels;
  for (let y = 0; y < 40; y++) {
    for (let x = 0; x < 300; x++) if (image.data[(y * image.width + x) * channels] < 100) dark++;
  }
  assert.ok(dark > 50, `title text drawn (${dark} dark pixels)`);
});

Deno.test("display bundle carries spec, SVG, base64 PNG and title for Jupyter", async () => {
  const spec = allSpecs().ranking;
  const shown = await displayChart(spec);
  const bundle = (shown as unknown as Record<symbol, () => Record<string, unknown>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.deepEqual(bundle[VEGA_LITE_MIME], spec);
  assert.match(bundle["image/svg+xml"] as string, /^<svg/);
  const png = Buffer.from(bundle["image/png"] as string, "base64");
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.match(bundle["text/plain"] as string, /^Misclassification by model/);
});

Deno.test("digit data URL decodes back to the same pixels, upscaled", () => {
  const pixels = new Uint8Array(784).map((_, i) => i % 251);
  const url = digitDataUrl(pixels, 2);
  const image = decode(Buffer.from(url.split(",")[1], "base64"));
  assert.equal(image.width, 56);
  assert.equal(image.data[0], pixels[0]);
  assert.equal(image.data[2 * 56 + 2], pixels[28 + 1]); // (row 1, column 1) after 2× upscale
  assert.throws(() => digitDataUrl(new Uint8Array(10)), RangeError);
  assert.deepEqual([...digitAt(new Float32Array([0, 0.5, 1, 2]).slice(0, 4), 0)].slice(0, 3), [
    0,
    128,
    255,
  ]);
});

Deno.test("image grid lays out one picture per cell with row and column labels", async () => {
  const cells = [0, 1, 2, 3].map((i) => ({
    pixels: digitAt(run.images, i),
    row: `class ${i % 2}`,
    column: `${Math.floor(i / 2) + 1}`,
    caption: `true ${i} → ${(i + 1) % 10}`,
  }));
  const spec = imageGridSpec(cells, { title: "Grid", rowTitle: "class", columnTitle: "n" });
  const svg = await renderSvg(spec);
  assert.equal(svg.match(/<image /g)?.length, 4);
  for (const label of ["class 0", "class 1", "true 3 → 4"]) assert.ok(svg.includes(label), label);
});

Deno.test("tidy rows behind the charts carry values, intervals and n", () => {
  const rows = perClassErrorRows(clean);
  assert.equal(rows.length, MODELS.length * 10);
  for (const r of rows) {
    assert.ok(r.lower <= r.rate && r.rate <= r.upper, JSON.stringify(r));
    assert.equal(r.n, 20);
  }
  const curve = degradationRows(run.evaluation.sweeps.slice(0, 1));
  assert.equal(curve.length, run.evaluation.sweeps[0].levels.length);
  const bins = reliabilityRows(clean.slice(0, 1));
  assert.equal(bins.reduce((s, b) => s + b.n, 0), 200);
  const history = trainingCurveRows([{
    model: "m",
    epochs: [{ epoch: 1, loss: 1, accuracy: NaN }],
  }]);
  assert.deepEqual(history, [{
    model: "m",
    epoch: 1,
    metric: "loss",
    split: "training",
    value: 1,
  }]);
});

Deno.test("degradation legend swatches are opaque although the bands are faint", async () => {
  const svg = await renderSvg(allSpecs().noise);
  const legend = svg.slice(svg.indexOf('class="mark-symbol role-legend-symbol'));
  const swatch = /<path[^>]*>/.exec(legend)?.[0] ?? "";
  assert.ok(swatch.length > 0, "legend has symbols");
  assert.doesNotMatch(swatch, /opacity="0\.2"/);
});

Deno.test("reliability legend names each model with its ECE; point size follows bin counts", async () => {
  const spec = allSpecs().reliability;
  const svg = await renderSvg(spec);
  for (const r of clean) {
    const label = `${r.model} (${(100 * r.calibration.ece).toFixed(2)}%)`;
    assert.ok(svg.includes(label), `legend label '${label}'`);
  }
  assert.ok(svg.includes("items in bin"), "a size legend explains the point areas");
});

Deno.test("error overlap prints every pair's shared errors and the ensemble line", async () => {
  const overlap = run.comparison.overlap[0];
  const svg = await renderSvg(errorOverlapSpec(overlap));
  assert.ok(svg.includes("plurality-vote ensemble"), "subtitle names the ensemble");
  const start = svg.indexOf('class="mark-text role-mark');
  const group = svg.slice(start, svg.indexOf("</g>", start));
  const printed = [...group.matchAll(/>([^<]*)<\/text>/g)].map((t) => Number(t[1]));
  const expected = overlap.shared.flat();
  assert.deepEqual(printed.toSorted((a, b) => a - b), expected.toSorted((a, b) => a - b));
  assert.ok(expected.some((v) => v > 0), "the synthetic models do make errors");
});
