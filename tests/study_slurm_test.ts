/**
 * The Slurm executor on a real single-node Slurm (tools/slurm/local-cluster.sh: slurmctld,
 * slurmd and munged from the distribution's packages, in a temporary folder on free ports):
 * a tiny study runs as a job array; one task is requeued (`scontrol requeue`) and another
 * cancelled (`scancel`) in the middle of training, after their first epoch checkpoint; the
 * requeued task resumes by itself, the cancelled cell when `kit study run` is called again;
 * the collected study then equals the same study run with the local executor. The cells train
 * with the mdsist recipe on its card's split (MNIST train + test merged), so every cell, on
 * either executor, records exactly the test items its split holds, and the report scores them
 * on the other items only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { imageFingerprints } from "../src/data/fingerprint.ts";
import { loadMnistSplits } from "../src/data/mnist.ts";
import { decodeIdSet } from "../src/data/provenance.ts";
import { loadRecipeData } from "../src/train/recipe_data.ts";
import { getRecipe } from "../src/train/recipes.ts";
import { runKit } from "./helpers/kit.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CLUSTER = join(ROOT, "tools/slurm/local-cluster.sh");

const STUDY = `name: slurm-tiny
description: one architecture x 3 seeds, 3 short epochs (the Slurm executor's test)
models:
  - { model: keras-mnist-convnet, recipe: mdsist }
seeds: 3
train: { limit: 6000, epochs: 3, keepTestOut: false }
evaluation: { suite: quick, datasets: [mnist], limit: 300, seed: 0 }
bootstrap: { replicates: 200, seed: 0 }
slurm:
  resources:
    default: { cpus: 1, mem: 2G, time: 20 }
`;

/**
 * The cluster of one test: its own folder, two free ports (other checkouts may run this test at
 * the same time), and this process as its owner, so that it stops by itself if the test process
 * is killed before its `finally`.
 */
function clusterEnvFor(work: string): Record<string, string> {
  return {
    DIGITKIT_SLURM_DIR: join(work, "cluster"),
    DIGITKIT_SLURM_PORTS: "auto",
    DIGITKIT_SLURM_OWNER: String(Deno.pid),
  };
}

async function sh(command: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(command, { args, env, stdin: "null" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return null;
  }
}

/** Polls `check` every 100 ms until it returns a value, failing after `seconds`. */
async function until<T>(what: string, seconds: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

const CELL_IDS = [1, 2, 3].map((s) => `keras-mnist-convnet--mdsist--seed${s}`);

/** Which of the first 300 MNIST test items the mdsist split (limit 6000) holds, by pixels. */
async function mdsistTestItems(): Promise<number[]> {
  const test = (await loadMnistSplits()).test;
  const sets = await loadRecipeData(getRecipe("mdsist"), { limit: 6000 });
  const prints = new Set(
    [sets.train, sets.validation].flatMap((ds) =>
      Array.from(imageFingerprints(ds.images, ds.count))
    ),
  );
  const first = imageFingerprints(test.images, 300);
  return Array.from({ length: 300 }, (_, i) => i).filter((i) => prints.has(first[i]));
}

/**
 * Every file of the collected study whose bytes must not depend on the executor: the whole
 * report folder (report, model cards, charts, metrics.csv, statistics.json) and each cell's
 * predictions, probabilities and trained weights.
 */
async function collected(dir: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const walk = async (folder: string, prefix: string) => {
    const entries = [...Deno.readDirSync(folder)].sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const path = join(folder, e.name);
      if (e.isDirectory) await walk(path, `${prefix}${e.name}/`);
      else files[`${prefix}${e.name}`] = await Deno.readFile(path);
    }
  };
  await walk(join(dir, "report"), "report/");
  for (const id of CELL_IDS) {
    for (const f of ["predictions.csv", "probabilities.bin", "run/weights.bin"]) {
      files[`${id}/${f}`] = await Deno.readFile(join(dir, "cells", id, f));
    }
  }
  return files;
}

/** What a test's cluster gives its body. */
interface Cluster {
  /** The test's temporary folder (the cluster's files are in `cluster/`). */
  work: string;
  /** The study file, `study.yaml` in `work`. */
  file: string;
  /** The cluster's slurm.conf. */
  conf: string;
  /** The environment for `kit` and Slurm's commands. */
  env: Record<string, string>;
}

/**
 * A test on its own single-node cluster: started in a fresh folder with `study` written beside
 * it, stopped and the folder removed whatever the body does.
 */
function slurmTest(name: string, study: string, body: (cluster: Cluster) => Promise<void>) {
  Deno.test({
    name: `study on a single-node Slurm: ${name}`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const work = await Deno.makeTempDir({ prefix: "digitkit-slurm-test-" });
      const clusterEnv = clusterEnvFor(work);
      const conf = join(work, "cluster", "slurm.conf");
      const file = join(work, "study.yaml");
      await Deno.writeTextFile(file, study);
      try {
        const started = await sh("bash", [CLUSTER, "start"], clusterEnv);
        assert.equal(started.code, 0, `local-cluster.sh start failed: ${started.stderr}`);
        await body({ work, file, conf, env: { ...clusterEnv, SLURM_CONF: conf } });
      } finally {
        const stopped = await sh("bash", [CLUSTER, "stop"], clusterEnv);
        await Deno.remove(work, { recursive: true }).catch(() => {});
        assert.equal(stopped.code, 0, stopped.stderr);
      }
    },
  });
}

slurmTest(
  "requeued and cancelled cells resume; equals the local run",
  STUDY,
  async ({ work, file, env }) => {
    // The local executor: the reference.
    const localDir = join(work, "local");
    const local = await runKit(
      ["study", "run", file, "--out", localDir, "--threads", "1", "--parallel", "2", "--json"],
    );
    assert.equal(local.code, 0, local.stderr);

    // The Slurm executor: submit, then interrupt two cells in their second epoch.
    const slurmDir = join(work, "slurm");
    const submitted = await runKit(
      ["study", "run", file, "--out", slurmDir, "--executor", "slurm", "--json"],
      env,
    );
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stderr, /submitted 3 cells as job array \d+ \(1 CPUs, 2048 MiB/);
    if (slurmDir.startsWith("/tmp/")) {
      assert.match(submitted.stderr, /warning: .* is under \/tmp, which is usually local/);
    }
    const script = await Deno.readTextFile(join(slurmDir, "slurm/array.sh"));
    assert.match(script, /^#SBATCH --array=0-2$/m);
    assert.match(script, /^#SBATCH --requeue$/m);
    const [{ jobId }] = JSON.parse(
      await Deno.readTextFile(join(slurmDir, "slurm/submissions.json")),
    ) as { jobId: string }[];

    const epochsDone = async (id: string) =>
      (await readJsonFile<{ epoch: number }>(join(slurmDir, "cells", id, "run/latest.json")))
        ?.epoch ?? 0;
    const afterFirstEpoch = (id: string) =>
      until(`${id}'s first checkpoint`, 240, async () => (await epochsDone(id)) >= 1 ? 1 : null);

    await afterFirstEpoch(CELL_IDS[0]);
    const requeue = await sh("scontrol", ["requeue", `${jobId}_0`], env);
    assert.equal(requeue.code, 0, requeue.stderr);
    const killedAt = await epochsDone(CELL_IDS[0]);
    assert.ok(killedAt < 3, `cell 0 had finished all epochs (${killedAt}) before the requeue`);
    // The task passes through COMPLETING while its first run is killed.
    const requeued = await until("cell 0's REQUEUED state", 60, async () => {
      const s = JSON.parse((await runKit(["study", "status", slurmDir, "--json"], env)).stdout);
      return s.cells[0].external?.state === "REQUEUED" ? s.cells[0] : null;
    });
    assert.notEqual(requeued.state, "done");
    // Slurm holds a requeued batch job back ~2 minutes (BeginTime); release it sooner, but not
    // within the second of the requeue: slurmd revoked the first run's credential then and
    // refuses a credential of that same second ("Job credential revoked"), failing the task.
    const release = await sh("scontrol", ["update", `JobId=${jobId}_0`, "StartTime=now+2"], env);
    assert.equal(release.code, 0, release.stderr);

    await afterFirstEpoch(CELL_IDS[1]);
    const cancel = await sh("scancel", [`${jobId}_1`], env);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.ok((await epochsDone(CELL_IDS[1])) < 3, "cell 1 finished before scancel");
    const cancelled = await until("cell 1's CANCELLED state", 60, async () => {
      const s = JSON.parse((await runKit(["study", "status", slurmDir, "--json"], env)).stdout);
      return s.cells[1].external?.state === "CANCELLED" ? s.cells[1] : null;
    });
    assert.equal(cancelled.state, "pending", "a cancelled cell is resumable, not failed");
    // On a cluster the killed task's lock may have been written on another node, where no
    // pid check reaches: Slurm's word that the task is over must clear it.
    const lockPath = join(slurmDir, "cells", CELL_IDS[1], "running.json");
    const lock = JSON.parse(await Deno.readTextFile(lockPath));
    assert.equal(lock.schedulerTask, `${jobId}_1`);
    await Deno.writeTextFile(lockPath, JSON.stringify({ ...lock, host: "a-node-that-died" }));

    // Running the study again submits only the cancelled cell, waits, and writes the report.
    const rerun = await runKit(
      ["study", "run", file, "--out", slurmDir, "--executor", "slurm", "--wait", "--json"],
      env,
    );
    assert.equal(rerun.code, 0, rerun.stderr);
    const result = JSON.parse(rerun.stdout);
    assert.equal(result.counts.done, 3, rerun.stderr);
    const submissions = JSON.parse(
      await Deno.readTextFile(join(slurmDir, "slurm/submissions.json")),
    ) as { cells: number[] }[];
    assert.deepEqual(submissions.map((s) => s.cells), [[0, 1, 2], [1]]);
    // scontrol requeue can land on a task between its Slurm states; wait for cell 0 too.
    await until("every cell done", 240, async () => {
      const s = JSON.parse((await runKit(["study", "status", slurmDir, "--json"], env)).stdout);
      return s.counts.done === 3 ? s : null;
    });

    // Both interrupted cells resumed from their checkpoint in a second run of their task.
    for (const index of [0, 1]) {
      const log = await Deno.readTextFile(join(slurmDir, "slurm/logs", `${index}.out`));
      assert.equal(log.match(/^digitkit: cell \d+ on /gm)?.length, 2, log);
      assert.match(log, new RegExp(`^cell ${CELL_IDS[index]}: resumed$`, "m"), log);
    }
    assert.match(
      await Deno.readTextFile(join(slurmDir, "slurm/logs/0.out")),
      /restart 1$/m,
    );
    const status = JSON.parse(
      (await runKit(["study", "status", slurmDir, "--json"], env)).stdout,
    );
    assert.deepEqual(
      status.cells.map((c: { state: string; external?: { state: string } }) => [
        c.state,
        c.external?.state,
      ]),
      [["done", "COMPLETED"], ["done", "COMPLETED"], ["done", "COMPLETED"]],
    );

    // The collected study equals the local one, byte for byte.
    const report = await runKit(["study", "report", slurmDir], env);
    assert.equal(report.code, 0, report.stderr);
    const [a, b] = [await collected(localDir), await collected(slurmDir)];
    assert.ok(Object.keys(a).length > 10 && "report/metrics.csv" in a, Object.keys(a).join());
    assert.deepEqual(Object.keys(b), Object.keys(a));
    for (const name of Object.keys(a)) assert.deepEqual(b[name], a[name], name);

    // Every cell saw exactly the test items of its split; all are scored on the others.
    const seen = await mdsistTestItems();
    assert.ok(seen.length > 0, "the mdsist split holds some of the first 300 test items");
    for (const dir of [localDir, slurmDir]) {
      for (const id of CELL_IDS) {
        const cell = JSON.parse(await Deno.readTextFile(join(dir, "cells", id, "cell.json")));
        assert.deepEqual(Array.from(decodeIdSet(cell.contamination.seen["mnist-test"])), seen);
      }
    }
    const stats = JSON.parse(new TextDecoder().decode(a["report/statistics.json"]));
    assert.deepEqual(stats.contamination.testSets, [
      { name: "mnist-test", before: 300, after: 300 - seen.length },
    ]);
    assert.ok(
      stats.perArm.every((s: { n: number; class: number | null }) =>
        s.class !== null || s.n === 300 - seen.length
      ),
    );
  },
);

const FAILING_STUDY = `name: slurm-failing
models: [{ model: mlp, recipe: baseline-adam }]
seeds: [1]
train: { limit: 200, epochs: 1 }
evaluation: { suite: quick, paths: [no-such-test-set.csv], limit: 100 }
slurm:
  resources:
    default: { cpus: 1, mem: 1G, time: 10 }
`;

slurmTest(
  "a cell that failed for a reason is retried only on request",
  FAILING_STUDY,
  async ({ work, file, env }) => {
    const dir = join(work, "study");
    const run = (...extra: string[]) =>
      runKit(["study", "run", file, "--out", dir, "--executor", "slurm", "--json", ...extra], env);
    const submissions = async () =>
      (JSON.parse(await Deno.readTextFile(join(dir, "slurm/submissions.json"))) as unknown[])
        .length;
    const first = await run("--wait");
    assert.equal(first.code, 1, "a failed cell makes the run exit 1");
    const status = JSON.parse((await runKit(["study", "status", dir, "--json"], env)).stdout);
    const [cell] = status.cells;
    assert.equal(cell.state, "failed");
    assert.match(cell.reason, /no-such-test-set\.csv/);
    assert.equal(cell.external.state, "FAILED");
    assert.match(cell.external.detail, /no-such-test-set\.csv/, "the last line of its stderr");
    // Not retried blindly...
    const again = await run("--wait");
    assert.equal(again.code, 1);
    assert.equal(await submissions(), 1);
    // ...but on request.
    const retried = await run("--wait", "--retry-failed");
    assert.equal(retried.code, 1, "it fails again for the same reason");
    assert.equal(await submissions(), 2);
  },
);

slurmTest(
  "--wait gives up in one line when the controller goes away",
  STUDY.replace("seeds: 3", "seeds: 1"),
  async ({ work, file, conf, env }) => {
    const dir = join(work, "study");
    const previousConf = Deno.env.get("SLURM_CONF");
    try {
      const submitted = await runKit(
        ["study", "run", file, "--out", dir, "--executor", "slurm", "--json"],
        env,
      );
      assert.equal(submitted.code, 0, submitted.stderr);
      // The controller dies while the cell's task is queued or running.
      const pid = Number((await Deno.readTextFile(join(work, "cluster", "slurmctld.pid"))).trim());
      Deno.kill(pid, "SIGKILL");
      Deno.env.set("SLURM_CONF", conf);
      const { waitForCells } = await import("../src/pipeline/study/slurm.ts");
      const lines: string[] = [];
      const start = performance.now();
      await assert.rejects(
        waitForCells(dir, { pollSeconds: 1, graceSeconds: 4, progress: (l) => lines.push(l) }),
        (error: Error) => {
          assert.match(error.message, /^slurm: the controller has not answered for \d+ s/);
          assert.match(error.message, /kit study status/);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
      assert.ok((performance.now() - start) / 1000 < 60, "it gives up soon after the grace");
      assert.ok(lines.some((l) => /controller does not answer/.test(l)), lines.join("\n"));
    } finally {
      if (previousConf === undefined) Deno.env.delete("SLURM_CONF");
      else Deno.env.set("SLURM_CONF", previousConf);
    }
  },
);
