import assert from "node:assert/strict";
import { subset } from "../data/ops.ts";
import { barDigits } from "../testing.ts";
import { applyContaminationPolicy, seenItemsOfData } from "./contamination.ts";

const test = barDigits(30, 9, "bars-test");
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

Deno.test("exclude keeps the items no model saw, the union over models, in source order", () => {
  const models = [
    { name: "a", seen: seenItemsOfData({ train: subset(test, [0, 1, 2]) }) },
    {
      name: "b",
      seen: seenItemsOfData({ train: subset(test, [20]), validation: subset(test, [2, 5]) }),
    },
    { name: "c", seen: null },
  ];
  const { testSets, summary } = applyContaminationPolicy(models, [test], "exclude", { limit: 25 });
  assert.deepEqual(
    Array.from(testSets[0].ids!),
    range(0, 25).filter((i) => ![0, 1, 2, 5, 20].includes(i)),
  );
  assert.equal(testSets[0].name, "bars-test");
  assert.deepEqual(summary.testSets, [{ name: "bars-test", before: 25, after: 20 }]);
  const b = summary.overlaps[1];
  assert.deepEqual([b.overlap, b.trained, b.validated], [3, 1, 2]);
  assert.deepEqual([summary.overlaps[2].checked, summary.overlaps[2].nearDuplicates], [
    false,
    null,
  ]);
  // Nothing to exclude: the set is passed on as it was (the runner applies the limit).
  const clean = applyContaminationPolicy([models[2]], [test], "exclude", { limit: 25 });
  assert.equal(clean.testSets[0], test);
  assert.deepEqual(clean.summary.testSets, [{ name: "bars-test", before: 25, after: 25 }]);
});

Deno.test("exclude refuses to score an empty set; refuse names the first overlap", () => {
  const all = [{ name: "all", seen: seenItemsOfData({ train: test }) }];
  assert.throws(
    () => applyContaminationPolicy(all, [test], "exclude", { limit: 10 }),
    /every one of the 10 items of test set bars-test was trained or validated on/,
  );
  assert.throws(
    () => applyContaminationPolicy(all, [test], "refuse"),
    /^UsageError: contamination: model all trained or validated on 30 of the 30 items of test set bars-test /,
  );
  const reported = applyContaminationPolicy(all, [test], "report");
  assert.equal(reported.testSets[0], test);
  assert.equal(reported.summary.overlaps[0].overlap, 30);
});
