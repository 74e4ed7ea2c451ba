/**
 * The size budget of report.html: a report shaped like the quick profile's (five models, 600
 * test items standing for its two test sets of 300, every corruption at severities 1–5, up to
 * 100 stored mistakes per condition as the evaluator keeps, real MNIST digits as the pictures)
 * stays under REPORT_HTML_BUDGET with every linked chart's digits inlined.
 */
import assert from "node:assert/strict";
import { REPORT_HTML_BUDGET } from "../src/report/html.ts";
import { syntheticEvaluation, writeReport } from "../src/report/mod.ts";
import { CORRUPTION_NAMES } from "../src/augment/corruptions.ts";
import { loadMnist } from "../src/data/mnist.ts";
import { PIXELS } from "../src/data/types.ts";

Deno.test("a quick-profile-sized report.html with linked digits stays under its budget", async () => {
  const models = [
    "keras-mnist-convnet",
    "adaptive-pool-cnn",
    "mdsist-cnn",
    "kaggle-digit-recognizer",
    "beyond-mnist",
  ];
  const n = 600;
  const run = syntheticEvaluation(models, [0.15, 0.1, 0.08, 0.06, 0.05], n, 3, {
    corruptions: CORRUPTION_NAMES,
    maxExamples: 100,
  });
  const mnist = await loadMnist("test");
  const root = await Deno.makeTempDir({ prefix: "digitkit-report-size-" });
  try {
    const { dir } = await writeReport({
      runName: "size",
      evaluation: run.evaluation,
      comparison: run.comparison,
      images: { "synthetic-test": mnist.images.slice(0, n * PIXELS) },
      reproducibility: {
        command: "deno test tests/report_size_test.ts",
        seeds: {},
        backend: "cpu",
        versions: {},
        gitCommit: "test",
        wallSeconds: {},
      },
    }, { root });
    const html = await Deno.readTextFile(`${dir}/report.html`);
    const bytes = (await Deno.stat(`${dir}/report.html`)).size;
    const digits = html.match(/data:image\/png;base64,/g)?.length ?? 0;
    console.log(
      `report.html: ${(bytes / 1024 / 1024).toFixed(2)} MiB, ${digits} inlined digits ` +
        `(budget ${REPORT_HTML_BUDGET / 1024 / 1024} MiB)`,
    );
    assert.ok(digits > 1000, `the linked charts inline their digits (${digits})`);
    assert.ok(bytes <= REPORT_HTML_BUDGET, `report.html is ${bytes} bytes`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
