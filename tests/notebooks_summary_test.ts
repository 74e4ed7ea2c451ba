/** Tests of the all-suites runner's parsing of deno test's summary. */
import assert from "node:assert/strict";
import { parseDenoTestSummary } from "../tools/test_all.ts";

Deno.test("deno test summaries are read with and without steps, colours and ignored tests", () => {
  assert.deepEqual(parseDenoTestSummary("ok | 4 passed (9 steps) | 0 failed (38s)\n"), {
    passed: 4,
    failed: 0,
  });
  assert.deepEqual(
    parseDenoTestSummary(
      "\x1b[31mFAILED\x1b[0m | 2 passed | 1 failed | 1 ignored \x1b[38;5;245m(4s)",
    ),
    { passed: 2, failed: 1 },
  );
  const twoRuns = "ok | 1 passed | 0 failed (1s)\n...\nFAILED | 30 passed (1 step) | 2 failed";
  assert.deepEqual(parseDenoTestSummary(twoRuns), { passed: 30, failed: 2 });
});

Deno.test("no summary (type check failed before tests ran) reads as null", () => {
  assert.equal(
    parseDenoTestSummary("error: TS2322 [ERROR]: Type 'string' is not assignable"),
    null,
  );
});
