/**
 * `deno task report` end to end on a tiny budget: trains two small zoo models on a few hundred
 * MNIST digits, evaluates the quick suite, writes the report folder; then the overwrite guard
 * and flag errors, as a user sees them.
 */
import assert from "node:assert/strict";
import Papa from "papaparse";
import { parse as parseYaml } from "yaml";
import { runKit } from "./helpers/kit.ts";

const kit = (args: string[]) => runKit(["report", ...args]);

const TINY = [
  "--models",
  "logistic-regression,mlp",
  "--epochs",
  "1",
  "--train-limit",
  "300",
  "--eval-limit",
  "100",
  "--suite",
  "quick",
];

Deno.test("deno task report writes a complete report folder and refuses to overwrite it", async () => {
  const root = await Deno.makeTempDir({ prefix: "digitkit-report-cli-" });
  try {
    const first = await kit([
      ...[...TINY, "--root", root, "--out", "tiny", "--grid-intensity", "56", "--json"],
    ]);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout.trim().split("\n").at(-1)!);
    assert.equal(summary.dir, `${root}/tiny`);
    assert.deepEqual(summary.models.map((m: { name: string }) => m.name), [
      "logistic-regression",
      "mlp",
    ]);
    for (const m of summary.models) assert.ok(m.cleanError >= 0 && m.cleanError <= 1);
    for (const file of ["report.md", "card-mlp.md", "card-logistic-regression.md", "report.html"]) {
      assert.ok(summary.files.includes(file), file);
    }
    const dir = summary.dir;
    const card = await Deno.readTextFile(`${dir}/card-mlp.md`);
    assert.match(
      card,
      /\| fc1 \| dense 256 relu \| 256 \| 200,960 \|/,
      "layer table from src/models",
    );
    assert.match(card, /\| epochs \| 1 \(recipe: 10\) \|/);
    assert.match(card, /mnist-test/);
    // A Hub-ready card: model-index front matter and the measured environmental impact.
    const hub = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]);
    assert.equal(hub["model-index"][0].name, "mlp");
    assert.equal(hub["model-index"][0].results[0].dataset.name, "mnist-test");
    assert.ok(hub.co2_eq_emissions.emissions > 0);
    assert.match(hub.co2_eq_emissions.source, / × 56 g CO₂eq\/kWh$/);
    assert.match(card, /## Environmental Impact[\s\S]*\| CPU time \| [\d.e-]+ core-hours \(/);
    assert.match(card, /## Technical Specifications/);
    const report = await Deno.readTextFile(`${dir}/report.md`);
    assert.match(report, /deno task report --models logistic-regression,mlp/, "command recorded");
    assert.match(report, /\| kit git commit \| `[0-9a-f]{12}|unknown` \|/);
    // Every figure the markdown links to exists.
    for (const [, name] of report.matchAll(/\(figures\/([\w-]+)\.svg\)/g)) {
      await Deno.stat(`${dir}/figures/${name}.svg`);
      await Deno.stat(`${dir}/figures/${name}.png`);
    }
    const csv = Papa.parse(await Deno.readTextFile(`${dir}/metrics.csv`), { header: true })
      .data as Record<string, string>[];
    const clean = csv.find((r) =>
      r.model === "mlp" && r.test_set === "mnist-test" && r.factor === "clean" &&
      r.metric === "misclassification" && r.class === ""
    )!;
    assert.equal(Number(clean.n), 100);
    assert.ok(Math.abs(Number(clean.value) - summary.models[1].cleanError) < 1e-12);
    const results = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    assert.equal(results.evaluation.metadata.schema, "digitkit.evaluation/1");
    assert.equal(results.training[1].history.length, 1);

    // Self-contained: per-item predictions that reproduce metrics.csv, the trained models as run
    // folders `kit eval` loads, and the command and versions to re-run it.
    const predictions = Papa.parse(
      await Deno.readTextFile(`${dir}/predictions.csv`),
      { header: true, skipEmptyLines: true },
    ).data as Record<string, string>[];
    const mlpClean = predictions.filter((r) =>
      r.model === "mlp" && r.test_set === "mnist-test" && r.kind === "clean"
    );
    assert.equal(mlpClean.length, 100);
    const wrong = mlpClean.filter((r) => r.true_label !== r.predicted_label).length;
    assert.ok(Math.abs(wrong / 100 - Number(clean.value)) < 1e-12, "predictions.csv recomputes");
    const reproduce = await Deno.readTextFile(`${dir}/REPRODUCE.md`);
    assert.match(reproduce, /deno task report --models logistic-regression,mlp/);
    assert.match(reproduce, /\| version: deno \| \d+\.\d+\.\d+ \|/);
    const runRecord = JSON.parse(await Deno.readTextFile(`${dir}/models/mlp/run.json`));
    assert.equal(runRecord.model, "mlp");
    assert.ok(runRecord.compute.cpuSeconds > 0, "training CPU time is measured");
    const again0 = await runKit([
      ...["eval", "--model", `${dir}/models/mlp`, "--suite", "quick", "--limit", "100"],
      ...["--out", `${root}/re-eval`, "--json"],
    ]);
    assert.equal(again0.code, 0, again0.stderr);
    const reEval = JSON.parse(
      await Deno.readTextFile(`${root}/re-eval/results.json`),
    ) as { conditions: { kind: string; overall: { misclassification: number } }[] };
    assert.equal(
      reEval.conditions.find((c) => c.kind === "clean")!.overall.misclassification,
      Number(clean.value),
      "the shipped model gives the report's clean error again",
    );

    const again = await kit([...TINY, "--root", root, "--out", "tiny"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /kit report: .*tiny already exists; pass --force/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("deno task report rejects bad flags with one line", async () => {
  const profile = await kit(["--profile", "huge", "--out", "x", "--root", "/nonexistent-root"]);
  assert.equal(profile.code, 1);
  assert.match(profile.stderr, /--profile must be one of quick, full, got 'huge'/);
  const model = await kit(["--models", "nope", "--out", "x", "--root", "/nonexistent-root"]);
  assert.equal(model.code, 1);
  assert.match(model.stderr, /unknown model 'nope'/);
  const out = await kit(["--out", "../escape"]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /--out must be a plain folder name/);
});
