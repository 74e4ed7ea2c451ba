import assert from "node:assert/strict";
import { join } from "node:path";
import { runCell } from "./cell.ts";
import { cellDir, cellStatus, STUDY_FILES, writePlan } from "./folder.ts";
import { parseStudy } from "./plan.ts";

const STUDY = "name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
  "train: {epochs: 3, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n";

Deno.test("runCell: a broken output pipe interrupts the cell unrecorded; it resumes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plan = await writePlan(dir, parseStudy(STUDY, "t"));
    const [cell] = plan.cells;
    // What the progress display meets when the study process reading it has been killed.
    const brokenPipe = {
      onEpochEnd(record: { epoch: number }) {
        if (record.epoch === 2) throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
    };
    await assert.rejects(
      runCell(dir, 0, { threads: 1, callbacks: [brokenPipe] }),
      Deno.errors.BrokenPipe,
    );
    const folder = cellDir(dir, cell.id);
    await assert.rejects(Deno.stat(join(folder, STUDY_FILES.failure)), Deno.errors.NotFound);
    const status = await cellStatus(dir, cell);
    assert.equal(status.state, "pending");
    assert.ok(status.epochsDone >= 1, JSON.stringify(status));
    assert.equal((await runCell(dir, 0, { threads: 1 })).outcome, "resumed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
