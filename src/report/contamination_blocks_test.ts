import assert from "node:assert/strict";
import Papa from "papaparse";
import type { ContaminationSummary } from "../evaluate/types.ts";
import { buildReport } from "./build.ts";
import { syntheticEvaluation } from "./synthetic.ts";

function contaminated(policy: ContaminationSummary["policy"], testSet: string) {
  const { evaluation, comparison } = syntheticEvaluation(["clean-model", "seen-model"], [
    0.1,
    0.05,
  ], 200);
  const overlap = (model: string, n: number, nearDuplicates: number | null) => ({
    model,
    testSet,
    items: 200,
    overlap: n,
    trained: n,
    validated: 0,
    byProvenance: n,
    byFingerprint: n,
    nearDuplicates,
    checked: true,
  });
  evaluation.contamination = {
    policy,
    nearDuplicateL1: 1568,
    testSets: [{ name: testSet, before: 200, after: policy === "exclude" ? 160 : 200 }],
    overlaps: [overlap("clean-model", 0, 0), overlap("seen-model", 40, 3)],
  };
  return { evaluation, comparison };
}

const reproducibility = {
  command: "test",
  seeds: {},
  backend: "cpu",
  versions: {},
  gitCommit: "",
  wallSeconds: {},
};

Deno.test("a contaminated comparison is said at the top, in the cards and in every metrics row", async () => {
  const testSet = syntheticEvaluation(["a"], [0.1], 10).evaluation.testSets[0].name;
  for (const policy of ["report", "exclude"] as const) {
    const { evaluation, comparison } = contaminated(policy, testSet);
    const { files } = await buildReport({
      runName: "contaminated",
      evaluation,
      comparison,
      reproducibility,
    });
    const report = files.get("report.md") as string;
    const summary = report.slice(report.indexOf("## Summary"));
    const firstItem = summary.split("\n").find((l) => l.startsWith("- "))!;
    assert.match(
      firstItem,
      new RegExp(
        `Contaminated comparison:\\*\\* seen-model trained or validated on 40 of the 200 items of ${testSet}`,
      ),
    );
    assert.match(summary, /Near-duplicates .* seen-model on .*: 3/);
    if (policy === "exclude") assert.match(summary, new RegExp(`${testSet} n = 200 → 160`));
    assert.equal(
      /Lowest clean error .*seen-model.* ⚠ \(contaminated: it trained or validated on 40 of these items\)/
        .test(summary),
      policy === "report",
    );
    // Under `report` the section of that test set warns next to its numbers.
    const warnings = report.match(/Contaminated numbers:\*\* seen-model/g)?.length ?? 0;
    assert.equal(warnings, policy === "report" ? 4 : 0, "clean, minimax, sweeps, corruptions");

    const card = files.get("card-seen-model.md") as string;
    assert.match(card, /## Training\/Test Overlap/);
    assert.match(
      card,
      new RegExp(
        `\\| ${testSet} \\| 200 \\| 40 \\| 40 / 0 \\| 40 \\| 40 \\| 3 \\| ${
          policy === "exclude" ? 160 : 200
        } \\|`,
      ),
    );
    assert.match(card, new RegExp(`Policy \`${policy}\``));
    assert.equal(/the analyses below on .* include 40 items/.test(card), policy === "report");

    const rows = Papa.parse(files.get("metrics.csv") as string, {
      header: true,
      skipEmptyLines: true,
    })
      .data as Record<string, string>[];
    assert.ok(rows.every((r) => r.contamination === policy));
    const affected = rows.filter((r) => r.model === "seen-model" && r.test_set === testSet);
    assert.ok(affected.every((r) => r.overlap === (policy === "report" ? "40" : "0")));
    const recorded = rows.find((r) => r.model === "seen-model" && r.metric === "training_overlap")!;
    assert.deepEqual([recorded.value, recorded.n, recorded.factor], ["40", "200", "contamination"]);
    const results = JSON.parse(files.get("results.json") as string);
    assert.equal(results.evaluation.contamination.overlaps[1].overlap, 40);
  }
});
