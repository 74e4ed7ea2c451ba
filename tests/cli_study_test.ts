/**
 * `kit study` end to end with tiny cells (2 models × 2 seeds, 300 training images, 4 epochs,
 * quick suite on 100 items, one backend thread per cell; the mlp on the mdsist card's split,
 * which holds some MNIST test items): the study runs through the CLI and writes its report,
 * every cell scored on the test items no cell saw; a study killed mid-cell (SIGKILL of the study
 * and of its cell process) and continued one cell at a time equals the uninterrupted study run two
 * cells at a time, bit for bit; a cell whose study process is killed stops by itself; a cell that
 * fails for a reason is left failed until --retry-failed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { processAlive } from "../src/pipeline/study/folder.ts";
import { runKit } from "./helpers/kit.ts";

const CLI = new URL("../src/cli.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

const STUDY = `name: tiny
description: two small models, two seeds
models:
  - { model: logistic-regression, recipe: baseline-adam }
  - { model: mlp, recipe: mdsist }
seeds: [1, 2]
train: { limit: 300, epochs: 4, keepTestOut: false }
evaluation: { suite: quick, datasets: [mnist], limit: 100 }
bootstrap: { replicates: 500, seed: 3 }
`;

const CELLS = [
  "logistic-regression--baseline-adam--seed1",
  "logistic-regression--baseline-adam--seed2",
  "mlp--mdsist--seed1",
  "mlp--mdsist--seed2",
];

/** Files that must match bit for bit between two runs of the same study. */
const EXACT = [
  ...CELLS.flatMap((id) =>
    ["predictions.csv", "probabilities.bin", "run/weights.bin"].map((f) => `cells/${id}/${f}`)
  ),
  "report/metrics.csv",
  "report/report.md",
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `kit study run FILE --out OUT --threads 1 ...extra` in the background, to be killed. */
function spawnStudy(file: string, out: string, ...extra: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "study", "run", file, "--out", out, "--threads", "1", ...extra],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function studyFile(dir: string, text = STUDY): Promise<string> {
  const file = join(dir, "tiny.yaml");
  await Deno.writeTextFile(file, text);
  return file;
}

Deno.test("kit study run: tiny study end to end, then killed mid-cell and continued bit for bit", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "study-" });
  try {
    const file = await studyFile(tmp);
    const whole = join(tmp, "whole");
    const run = await runKit(["study", "run", file, "--out", whole, "--threads", "1", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.deepEqual(summary.counts, { pending: 0, running: 0, done: 4, failed: 0 });
    assert.equal(summary.ran, 4);
    for (const id of CELLS) {
      const header = (await Deno.readTextFile(join(whole, "cells", id, "predictions.csv")))
        .split("\n")[0];
      assert.ok(header.startsWith("architecture,recipe,seed,model,test_set"), header);
      assert.ok(await exists(join(whole, "cells", id, "cell.json")));
    }
    const metrics = await Deno.readTextFile(join(whole, "report", "metrics.csv"));
    const lines = metrics.trim().split("\n");
    const columns = lines[0].split(",");
    const seedCol = columns.indexOf("seed"), statCol = columns.indexOf("statistic");
    const rows = lines.slice(1).map((l) => l.split(","));
    assert.ok(rows.some((r) => r[seedCol] === "2" && r[statCol] === "seed"));
    assert.ok(rows.some((r) => r[seedCol] === "" && r[statCol] === "mean"));
    assert.ok(rows.some((r) => r[statCol] === "p_better"));
    assert.ok(rows.some((r) => r[statCol] === "ensemble"));
    const report = await Deno.readTextFile(join(whole, "report", "report.md"));
    assert.match(report, /P\(A < B\)/);
    // The mdsist cells' split holds some of the 100 test items: every cell is scored without
    // them (the contamination test checks which, item by item).
    const mdsist = JSON.parse(await Deno.readTextFile(join(whole, "cells", CELLS[2], "cell.json")));
    const seen = mdsist.contamination.overlaps[0].overlap;
    assert.ok(seen > 0, "the mdsist split (limit 300) holds some of the first 100 test items");
    assert.match(report, new RegExp(`mnist-test n = 100 → ${100 - seen}\\.`));
    const overlapCol = columns.indexOf("overlap"), policyCol = columns.indexOf("contamination");
    assert.ok(rows.every((r) => r[policyCol] === "exclude" && r[overlapCol] === "0"));
    assert.ok(await exists(join(whole, "report", "report.html")));
    assert.ok(await exists(join(whole, "report", "specs", "p-better-mnist-test.vl.json")));

    // A second run finds every cell done and verified: nothing runs.
    const again = await runKit(["study", "run", file, "--out", whole, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).ran, 0);

    // Kill the study (and its cell process) once the first cell has checkpointed epoch 1.
    const killed = join(tmp, "killed");
    const child = spawnStudy(file, killed, "--parallel", "1");
    const cell0 = join(killed, "cells", CELLS[0]);
    const deadline = Date.now() + 120_000;
    const waitFor = async (path: string) => {
      while (!(await exists(path))) {
        assert.ok(Date.now() < deadline, `${path} never appeared`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    // The cell's lock (written before training) names its process; kill it at its first
    // epoch checkpoint, and the study with it.
    await waitFor(join(cell0, "running.json"));
    const lock = JSON.parse(await Deno.readTextFile(join(cell0, "running.json")));
    await waitFor(join(cell0, "run", "latest.json"));
    Deno.kill(lock.pid, "SIGKILL");
    child.kill("SIGKILL");
    await child.status;
    while (processAlive(lock.pid)) {
      assert.ok(Date.now() < deadline, `cell process ${lock.pid} survived SIGKILL`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(!(await exists(join(cell0, "cell.json"))), "killed before the cell finished");

    const status = await runKit(["study", "status", killed, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const first = JSON.parse(status.stdout).cells[0];
    assert.equal(first.state, "pending");
    assert.ok(first.epochsDone >= 1 && first.epochsDone < 4, JSON.stringify(first));

    const resumed = await runKit([
      "study",
      "run",
      file,
      "--out",
      killed,
      "--threads",
      "1",
      "--json",
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).ran, 4);
    assert.match(await Deno.readTextFile(join(cell0, "cell.log")), /resumed/);
    for (const path of EXACT) {
      assert.deepEqual(
        await Deno.readFile(join(killed, path)),
        await Deno.readFile(join(whole, path)),
        `${path} differs after kill and continue`,
      );
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("kit study run: a cell whose study process is killed stops by itself, resumable", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "study-orphan-" });
  try {
    const epochs = 40;
    const file = await studyFile(
      tmp,
      `name: long\nmodels: [{ model: mlp, recipe: baseline-adam }]\nseeds: 1\n` +
        `train: { limit: 3000, epochs: ${epochs} }\nevaluation: { suite: quick, limit: 100 }\n`,
    );
    const out = join(tmp, "out");
    const child = spawnStudy(file, out);
    const cell = join(out, "cells", "mlp--baseline-adam--seed1");
    const deadline = Date.now() + 120_000;
    while (!(await exists(join(cell, "run", "latest.json")))) {
      assert.ok(Date.now() < deadline, "the cell never checkpointed");
      await new Promise((r) => setTimeout(r, 5));
    }
    const lock = JSON.parse(await Deno.readTextFile(join(cell, "running.json")));
    child.kill("SIGKILL"); // the study only, as the OOM killer or `kill -9` would
    await child.status;
    const stopped = Date.now();
    while (processAlive(lock.pid)) {
      assert.ok(Date.now() - stopped < 10_000, `cell process ${lock.pid} outlived its study`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const status = JSON.parse((await runKit(["study", "status", out, "--json"])).stdout);
    assert.equal(status.cells[0].state, "pending", JSON.stringify(status.cells[0]));
    assert.ok(status.cells[0].epochsDone < epochs, "stopped mid-training");
    assert.match(await Deno.readTextFile(join(cell, "cell.log")), /study process went away/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("kit study: a cell that fails for a reason is recorded, not retried blindly, and --retry-failed retries it", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "study-fail-" });
  try {
    await Deno.writeTextFile(join(tmp, "bad.csv"), "label,pixel0\nseven,0\n");
    const file = await studyFile(
      tmp,
      `name: bad\nmodels: [{ model: logistic-regression, recipe: baseline-adam }]\nseeds: 1\n` +
        `train: { limit: 100, epochs: 1 }\nevaluation: { suite: quick, datasets: [], paths: [bad.csv] }\n`,
    );
    const out = join(tmp, "out");
    const first = await runKit(["study", "run", file, "--out", out, "--json"]);
    assert.equal(first.code, 1);
    const result = JSON.parse(first.stdout);
    assert.equal(result.counts.failed, 1);
    assert.match(result.failures[0].reason, /bad\.csv/);
    assert.equal(result.report, null);

    const status = await runKit(["study", "status", out]);
    assert.match(status.stdout, /failed.*bad\.csv/);
    const second = await runKit(["study", "run", file, "--out", out, "--json"]);
    assert.equal(JSON.parse(second.stdout).ran, 0);
    const retried = await runKit(["study", "run", file, "--out", out, "--retry-failed", "--json"]);
    assert.equal(JSON.parse(retried.stdout).ran, 1);

    const cell = await runKit(["study", "cell", out, "0"]);
    assert.equal(cell.code, 1);
    assert.equal(cell.stderr.trim().split("\n").length, 1, cell.stderr);
    assert.match(cell.stderr, /^kit study: .*bad\.csv/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("kit study: bad study files and indices give one line naming file, position and expectation", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "study-bad-" });
  try {
    const file = await studyFile(tmp, "name: x\nmodels:\n  - model: no-such-model\nseeds: 2\n");
    const bad = await runKit(["study", "run", file, "--json"]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /tiny\.yaml: line 3, column 12 \(models\[0\]\.model\): expected a model/,
    );
    assert.ok(JSON.parse(bad.stdout).error);
    const missing = await runKit(["study", "status", join(tmp, "nowhere")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /study\.json: expected an existing file/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
