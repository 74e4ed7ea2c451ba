/**
 * Cross-checks the metrics and tests against scikit-learn and statsmodels, run through the
 * project's Python (`.tools/venv`, provisioned by `deno task test`) on the same random
 * predictions. Without those modules the test fails with the command that installs them.
 */
import assert from "node:assert/strict";
import { Random } from "../util/random.ts";
import { classificationReport, confusionCounts } from "./metrics.ts";
import { holm, mcnemar, wilsonInterval } from "./stats.ts";

import { requirePython } from "../../tools/provision/python.ts";

const SCRIPT = new URL("../../tools/py/eval_crosscheck.py", import.meta.url).pathname;

function near(actual: number, expected: number, what: string, tolerance = 1e-10) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: expected ${expected}, got ${actual}`,
  );
}

Deno.test("metrics, Wilson, McNemar (exact, mid-p) and Holm equal sklearn/statsmodels/scipy", async () => {
  const python = requirePython(["sklearn", "statsmodels", "scipy"]);
  const random = new Random(20261122);
  const classCount = 10, n = 600;
  const labels = new Uint8Array(n), predicted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Class 9 never occurs and class 8 is never predicted: exercises zero division.
    labels[i] = random.int(9);
    predicted[i] = random.next() < 0.6 ? labels[i] : random.int(8);
  }
  const wilsonCases = [[0, 5], [1, 5], [5, 5], [37, 600], [599, 600], [3, 10000]];
  const mcnemarCases = [[0, 1], [2, 10], [7, 7], [40, 25], [3, 30], [120, 160], [900, 1000]];
  const pValues = Array.from({ length: 12 }, () => random.next() ** 3);
  const request = {
    classCount,
    labels: [...labels],
    predicted: [...predicted],
    wilson: wilsonCases,
    mcnemar: mcnemarCases,
    holm: pValues,
  };
  const child = new Deno.Command(python, { args: [SCRIPT], stdin: "piped", stdout: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request)));
  await writer.close();
  const output = await child.output();
  assert.ok(output.success, "reference script failed");
  const reference = JSON.parse(new TextDecoder().decode(output.stdout));

  const counts = confusionCounts(labels, predicted, classCount);
  assert.deepEqual(counts, reference.confusion);
  const report = classificationReport(counts, Array.from({ length: classCount }, String));
  for (const c of report.classes) {
    const r = reference.report[String(c.label)];
    near(c.precision, r.precision, `precision ${c.label}`);
    near(c.recall, r.recall, `recall ${c.label}`);
    near(c["f1"], r["f1-score"], `f1 ${c.label}`);
    assert.equal(c.support, r.support);
  }
  for (const [key, ours] of [["macro avg", report.macro], ["weighted avg", report.weighted]]) {
    const r = reference.report[key as string];
    const m = ours as typeof report.macro;
    near(m.precision, r.precision, `${key} precision`);
    near(m.recall, r.recall, `${key} recall`);
    near(m.f1, r["f1-score"], `${key} f1`);
    assert.equal(m.support, r.support);
  }
  const accuracy = reference.report.accuracy ?? reference.report["micro avg"]["f1-score"];
  near(report.accuracy, accuracy, "accuracy");

  wilsonCases.forEach(([k, total], i) => {
    const ci = wilsonInterval(k, total)!;
    near(ci.lower, reference.wilson[i][0], `wilson lower ${k}/${total}`, 1e-12);
    near(ci.upper, reference.wilson[i][1], `wilson upper ${k}/${total}`, 1e-12);
  });
  mcnemarCases.forEach(([b, c], i) => {
    const expected = reference.mcnemarExact[i];
    near(mcnemar(b, c).pExact, expected, `mcnemar ${b},${c}`, 1e-12 + 1e-9 * expected);
    const mid = reference.mcnemarMid[i];
    near(mcnemar(b, c).pMid, mid, `mid-p ${b},${c}`, 1e-12 + 1e-9 * mid);
  });
  holm(pValues).forEach((p, i) => near(p, reference.holm[i], `holm ${i}`, 1e-14));
});
