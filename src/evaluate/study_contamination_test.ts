import assert from "node:assert/strict";
import { encodeIdSet } from "../data/provenance.ts";
import type { Overlap } from "./contamination.ts";
import { restrictStudyRuns, studyContamination } from "./study_contamination.ts";
import { studyStatistics } from "./study_stats.ts";
import { syntheticStudyRuns } from "./study_testing.ts";

const N = 200;

function overlap(model: string, seen: number[]): Overlap {
  return {
    model,
    testSet: "synthetic",
    items: N,
    overlap: seen.length,
    trained: seen.length,
    validated: 0,
    byProvenance: seen.length,
    byFingerprint: seen.length,
    nearDuplicates: 0,
    checked: true,
  };
}

function cell(arm: string, seen: number[]) {
  return {
    arm,
    record: { overlaps: [overlap(`${arm}-cell`, seen)], seen: { synthetic: encodeIdSet(seen) } },
  };
}

Deno.test("exclude: every cell is scored on the items no cell saw, with statistics as if evaluated there", () => {
  const runs = syntheticStudyRuns({ a: [0.1, 0.2, 0.15], b: [0.3, 0.25, 0.2] });
  // Arm b's seeds saw items 0…29 (one seed also 50); arm a saw nothing.
  const seenB = Array.from({ length: 30 }, (_, i) => i);
  const cells = [
    ...[1, 2, 3].map(() => cell("a", [])),
    cell("b", seenB),
    cell("b", [...seenB, 50]),
    cell("b", seenB),
  ];
  const { summary, scored } = studyContamination(
    cells,
    [{ name: "synthetic", count: N }],
    "exclude",
  );
  const clean = Array.from({ length: N }, (_, i) => i).filter((i) => i >= 30 && i !== 50);
  assert.deepEqual(Array.from(scored.synthetic!), clean);
  assert.deepEqual(summary.testSets, [{ name: "synthetic", before: N, after: N - 31 }]);
  assert.deepEqual(
    summary.overlaps.map((o) => [o.model, o.overlap, o.checked]),
    [["a", 0, true], ["b", 31, true]],
  );

  const restricted = restrictStudyRuns(runs, scored);
  const stats = studyStatistics(restricted, { replicates: 200 });
  for (const run of runs) {
    const clean0 = run.evaluation.predictions.find((p) => p.kind === "clean")!;
    const labels = run.evaluation.testSets[0].labels;
    const wrong = clean.filter((i) => clean0.predicted[i] !== labels[i]).length;
    const row = stats.perArm.find((s) =>
      s.arm === run.arm && s.kind === "clean" && s.class === null
    )!;
    assert.equal(row.n, clean.length);
    assert.equal(row.errors[row.seeds.indexOf(run.seed)], wrong / clean.length);
  }
  // McNemar per seed pair counts only the clean items.
  const m = stats.mcnemar.find((x) => x.seed === 1)!;
  const [ra, rb] = [runs[0], runs[3]].map((r) =>
    r.evaluation.predictions.find((p) => p.kind === "clean")!.predicted
  );
  const labels = runs[0].evaluation.testSets[0].labels;
  const onlyA = clean.filter((i) => ra[i] !== labels[i] && rb[i] === labels[i]).length;
  assert.equal(m.onlyA, onlyA);
  // The seed ensemble too.
  assert.equal(stats.ensembles[0].n, clean.length);
});

Deno.test("report and refuse score every item; a cell without a record is not checked", () => {
  const cells = [cell("a", [3, 4]), { arm: "b", record: null }];
  for (const policy of ["report", "refuse"] as const) {
    const { summary, scored } = studyContamination(
      cells,
      [{ name: "synthetic", count: N }],
      policy,
    );
    assert.equal(scored.synthetic, null);
    assert.deepEqual(summary.testSets, [{ name: "synthetic", before: N, after: N }]);
    assert.deepEqual(
      summary.overlaps.map((o) => [o.model, o.overlap, o.checked]),
      [["a", 2, true], ["b", 0, false]],
    );
  }
  const runs = syntheticStudyRuns({ a: [0.1] });
  assert.deepEqual(restrictStudyRuns(runs, { synthetic: null }), runs);
});

Deno.test("exclude refuses in one line when the cells saw every item", () => {
  const all = Array.from({ length: N }, (_, i) => i);
  assert.throws(
    () => studyContamination([cell("a", all)], [{ name: "synthetic", count: N }], "exclude"),
    /^UsageError: contamination: every one of the 200 items of test set synthetic was trained/,
  );
});
