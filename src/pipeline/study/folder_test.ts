import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cellDir,
  cellStatus,
  fileSha256,
  hostName,
  liveLock,
  STUDY_FILES,
  writePlan,
} from "./folder.ts";
import { parseStudy } from "./plan.ts";

const plan = parseStudy("name: t\nmodels: [mlp]\nseeds: 1\ntrain: { epochs: 2 }\n", "t.yaml");
const cell = plan.cells[0];

async function studyWithCell(): Promise<{ dir: string; folder: string }> {
  const dir = await Deno.makeTempDir();
  await writePlan(dir, plan);
  const folder = cellDir(dir, cell.id);
  await Deno.mkdir(folder, { recursive: true });
  return { dir, folder };
}

Deno.test("cell state: done only while every checksum in cell.json matches", async () => {
  const { dir, folder } = await studyWithCell();
  await Deno.writeTextFile(join(folder, "results.json"), "{}");
  const record = {
    epochs: 2,
    files: { "results.json": await fileSha256(join(folder, "results.json")) },
  };
  await Deno.writeTextFile(join(folder, STUDY_FILES.complete), JSON.stringify(record));
  assert.equal((await cellStatus(dir, cell)).state, "done");
  await Deno.writeTextFile(join(folder, "results.json"), "{ }");
  const changed = await cellStatus(dir, cell);
  assert.equal(changed.state, "pending");
  assert.match(changed.reason!, /results\.json does not match its checksum: the cell will rerun/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cell state: running under a live lock, pending again when its process is gone", async () => {
  const { dir, folder } = await studyWithCell();
  const lock = (pid: number) =>
    Deno.writeTextFile(
      join(folder, STUDY_FILES.running),
      JSON.stringify({ pid, host: hostName(), startedAt: "" }),
    );
  await lock(Deno.pid);
  const running = await cellStatus(dir, cell);
  assert.equal(running.state, "running");
  assert.equal(running.runningOn, `${hostName()}:${Deno.pid}`);
  const gone = new Deno.Command("true").spawn();
  const { success } = await gone.status;
  assert.ok(success);
  await lock(gone.pid);
  assert.equal((await cellStatus(dir, cell)).state, "pending");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cell state: failed with its reason; a folder refuses another study's plan", async () => {
  const { dir, folder } = await studyWithCell();
  await Deno.writeTextFile(
    join(folder, STUDY_FILES.failure),
    JSON.stringify({ reason: "training diverged", at: "", host: "" }),
  );
  const failed = await cellStatus(dir, cell);
  assert.equal(failed.state, "failed");
  assert.equal(failed.reason, "training diverged");
  const other = parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml");
  await assert.rejects(() => writePlan(dir, other), /already holds another study/);
  await writePlan(dir, plan); // the same plan again is fine
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cell lock: an earlier run of the same Slurm task (requeued, on another node) is stale", async () => {
  const folder = await Deno.makeTempDir();
  const write = (task: string) =>
    Deno.writeTextFile(
      join(folder, STUDY_FILES.running),
      JSON.stringify({ pid: 1, host: "node-that-died", startedAt: "", schedulerTask: task }),
    );
  const saved = ["SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"].map((k) => [k, Deno.env.get(k)]);
  try {
    Deno.env.set("SLURM_ARRAY_JOB_ID", "7");
    Deno.env.set("SLURM_ARRAY_TASK_ID", "2");
    await write("7_2");
    assert.equal(await liveLock(folder), null);
    await write("7_3");
    assert.equal((await liveLock(folder))?.host, "node-that-died", "another task's lock holds");
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k!) : Deno.env.set(k!, v);
  }
});
