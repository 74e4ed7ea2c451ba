/**
 * Fault suite for outputs (issue 18): damaged weights and checkpoints, racing writers, output
 * folders that are files, unwritable, read-only or full, and kills and interrupts during
 * training and evaluation. Every hostile condition is made at run time (tmpfs mounts and an
 * unprivileged user where the tests run as root). Each case asserts the exit code, a one-line
 * message without a stack trace, and that nothing valid was lost or left half-written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type KitRun, runKit } from "./helpers/kit.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "src/cli.ts");
const IS_ROOT = Deno.uid() === 0;

/** A tiny, deterministic training run (cpu backend: bit-identical across processes). */
const TRAIN = ["train", "--model", "logistic-regression", "--limit", "300", "--backend", "cpu"];
const EVAL = [
  "eval",
  "--dataset",
  "mnist",
  "--limit",
  "40",
  "--suite",
  "quick",
  "--backend",
  "cpu",
];

/** Spawns the CLI without waiting (for kills, interrupts and races). */
function spawnKit(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
}

async function finish(child: Deno.ChildProcess): Promise<KitRun> {
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Runs the CLI as the unprivileged user `nobody` (only meaningful when the tests run as root). */
async function kitAsNobody(args: string[]): Promise<KitRun> {
  const out = await new Deno.Command("setpriv", {
    args: [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      Deno.execPath(),
      "run",
      "--allow-all",
      CLI,
      ...args,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", HOME: "/tmp", DENO_DIR: "/tmp/digitkit-nobody-deno" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Exit 1, the command's one-line message last on stderr, no stack trace, a JSON error. */
function assertOneLineError(run: KitRun, command: string, pattern: RegExp, json = true): string {
  assert.equal(run.code, 1, `expected exit 1:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at |Uncaught|Stack backtrace/m, run.stderr);
  // Node's own deprecation notices (an npm dependency of the report) are not ours to judge.
  const lines = run.stderr.trimEnd().split("\n").filter((l) => !/^\(node:\d+\) \[DEP/.test(l));
  const last = lines.at(-1)!;
  assert.match(last, new RegExp(`^kit ${command}: `), run.stderr);
  assert.match(last, pattern);
  if (json) assert.match(JSON.parse(run.stdout).error, pattern);
  return last;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

async function copyDir(from: string, to: string): Promise<void> {
  const done = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
  assert.ok(done.success);
}

/** Sets a JSON file's field (e.g. drops `integrity` to fake an older checkpoint). */
async function editJson(path: string, edit: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(await Deno.readTextFile(path));
  edit(value);
  await Deno.writeTextFile(path, JSON.stringify(value));
}

async function withTmpfs<T>(
  size: string,
  options: string,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "digitkit-tmpfs-" });
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size},mode=0777${options}`, "tmpfs", dir],
  }).output();
  assert.ok(mount.success, new TextDecoder().decode(mount.stderr));
  try {
    return await body(dir);
  } finally {
    await new Deno.Command("umount", { args: ["-l", dir] }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Polls `latest.json` until `epoch` checkpoints exist. */
async function waitForEpoch(runDir: string, epoch: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (JSON.parse(await Deno.readTextFile(`${runDir}/latest.json`)).epoch >= epoch) return;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`${runDir}: no checkpoint of epoch ${epoch} in ${timeoutMs / 1000} s`);
}

/** Waits until the lock beside `dir` exists (its writer has claimed it). */
async function waitForLock(dir: string, timeoutMs = 60_000): Promise<void> {
  const lock = join(dir, "..", `.${dir.split("/").at(-1)}.lock`);
  const deadline = Date.now() + timeoutMs;
  while (!(await exists(lock))) {
    if (Date.now() > deadline) throw new Error(`no lock ${lock} in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** No temporary files or folders and no lock left in or beside `dir`. */
async function assertNoLeftovers(dir: string): Promise<void> {
  const parent = join(dir, "..");
  for (const name of await names(parent)) {
    assert.doesNotMatch(name, /\.tmp-|\.old-|\.lock$|\.stale-/, `leftover ${parent}/${name}`);
  }
  if (await exists(dir)) {
    for (const name of await names(dir)) {
      assert.doesNotMatch(name, /\.tmp|\.old-/, `leftover ${dir}/${name}`);
    }
  }
}

const work = await Deno.makeTempDir({ prefix: "digitkit-faults-" });
/** A finished 3-epoch run everyone compares against (trained once). */
const reference = join(work, "reference");
let referenceReady: Promise<void> | null = null;
function referenceRun(): Promise<void> {
  referenceReady ??= (async () => {
    const run = await runKit([...TRAIN, "--epochs", "3", "--seed", "5", "--out", reference]);
    assert.equal(run.code, 0, run.stderr);
  })();
  return referenceReady;
}

Deno.test({
  name:
    "damaged weights: kit eval refuses them in one line, --resume skips to a checkpoint that verifies",
  sanitizeResources: false,
  async fn(t) {
    await referenceRun();
    const weights = await Deno.readFile(`${reference}/weights.bin`);
    const variant = async (name: string, damage: (dir: string) => Promise<void>) => {
      const dir = join(work, name);
      await copyDir(reference, dir);
      await damage(dir);
      return dir;
    };
    const evaluate = (model: string) =>
      runKit([
        ...EVAL,
        "--model",
        model,
        "--out",
        join(work, `eval-${crypto.randomUUID()}`),
        "--json",
      ]);

    await t.step("random bytes of the right size (case 2)", async () => {
      const dir = await variant(
        "garbled",
        (d) =>
          Deno.writeFile(
            `${d}/weights.bin`,
            crypto.getRandomValues(new Uint8Array(weights.length)),
          ),
      );
      assertOneLineError(
        await evaluate(dir),
        "eval",
        /garbled\/weights\.bin: expected sha256 [0-9a-f]{8}… \(recorded in .*model\.json\), found sha256 [0-9a-f]{8}…: the file is damaged/,
      );
    });
    await t.step("truncated and empty weights (case 3)", async () => {
      const truncated = await variant(
        "truncated",
        (d) => Deno.writeFile(`${d}/weights.bin`, weights.subarray(0, 17180)),
      );
      assertOneLineError(
        await evaluate(truncated),
        "eval",
        new RegExp(
          `weights\\.bin: expected ${
            weights.length.toLocaleString("en-US")
          } bytes \\(recorded in .*model\\.json\\), found 17,180 bytes \\(truncated\\?\\)`,
        ),
      );
      const empty = await variant(
        "empty",
        (d) => Deno.writeFile(`${d}/weights.bin`, new Uint8Array()),
      );
      assertOneLineError(await evaluate(empty), "eval", /weights\.bin: expected .* found 0 bytes/);
    });
    await t.step("finite-looking but NaN weights with a matching checksum", async () => {
      const dir = await variant("nan", async (d) => {
        const bytes = new Float32Array(weights.slice().buffer);
        bytes[5] = NaN;
        const raw = new Uint8Array(bytes.buffer);
        await Deno.writeFile(`${d}/weights.bin`, raw);
        const sha = Array.from(
          new Uint8Array(await crypto.subtle.digest("SHA-256", raw)),
          (b) => b.toString(16).padStart(2, "0"),
        ).join("");
        await editJson(`${d}/model.json`, (m) => {
          m.integrity = { "weights.bin": { bytes: raw.length, sha256: sha } };
        });
      });
      assertOneLineError(await evaluate(dir), "eval", /expected finite weights, found NaN\/Inf/);
    });
    await t.step("a model saved before checksums loads with a warning", async () => {
      const dir = await variant(
        "old",
        (d) => editJson(`${d}/model.json`, (m) => delete m.integrity),
      );
      const run = await evaluate(dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /warning: .*old\/weights\.bin has no checksum .*not verified/);
    });
    await t.step(
      "a damaged latest checkpoint and latest.json: resume falls back and ends bit-identical",
      async () => {
        const dir = await variant("resume-garbled", async (d) => {
          // As if killed after epoch 3's checkpoint: no finished model yet.
          for (const f of ["model.json", "weights.bin", "run.json"]) await Deno.remove(`${d}/${f}`);
          await Deno.writeTextFile(`${d}/latest.json`, '{"latest": "epo');
          const path = `${d}/epoch-0003/optimizer.bin`;
          const bytes = await Deno.readFile(path);
          await Deno.writeFile(path, bytes.subarray(0, bytes.length - 8));
        });
        const run = await runKit([
          ...TRAIN,
          "--epochs",
          "3",
          "--seed",
          "5",
          "--out",
          dir,
          "--resume",
        ]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(
          run.stderr,
          /warning: skipping a checkpoint that fails verification: .*epoch-0003\/optimizer\.bin: expected/,
        );
        assert.match(run.stderr, /resuming from .*epoch-0002, the newest checkpoint that verifies/);
        assert.deepEqual(await Deno.readFile(`${dir}/weights.bin`), weights);
      },
    );
  },
});

Deno.test({
  name: "two writers on one folder: the second is refused at once, naming the holder (case 4)",
  sanitizeResources: false,
  async fn() {
    const out = join(work, "race");
    const args = [...TRAIN, "--epochs", "2", "--seed", "5", "--out", out, "--json"];
    // Started together: one wins; the other is refused (by the lock, or, when it starts after
    // the winner finished, by the checkpoint it finds).
    const [a, b] = await Promise.all([finish(spawnKit(args)), finish(spawnKit(args))]);
    const [winner, loser] = a.code === 0 ? [a, b] : [b, a];
    assert.equal(winner.code, 0, winner.stderr);
    assertOneLineError(loser, "train", /race (is being written by kit train|already holds)/);
    assert.equal(JSON.parse(winner.stdout).epochs, 2);
    // A second writer while the first holds the folder: refused at once, naming the holder.
    const holder = spawnKit([...TRAIN, "--epochs", "8", "--seed", "5", "--out", `${out}-2`]);
    await waitForLock(`${out}-2`);
    const started = performance.now();
    const second = await runKit([...TRAIN, "--out", `${out}-2`, "--json"]);
    assertOneLineError(
      second,
      "train",
      /race-2 is being written by kit train \(pid \d+ on .*, since .*\); wait for it to finish or choose another output folder \(if that process is gone, remove .*\.race-2\.lock\)/,
    );
    assert.ok(performance.now() - started < 20_000, "refused before loading data");
    assert.equal((await finish(holder)).code, 0);
    assert.deepEqual(await names(out), [
      "epoch-0001",
      "epoch-0002",
      "items.json",
      "latest.json",
      "model.json",
      "run.json",
      "weights.bin",
    ]);
    await assertNoLeftovers(out);
  },
});

Deno.test({
  name:
    "kit eval --out: refused without --force, replaced whole with it, never half-written when killed (case 5)",
  sanitizeResources: false,
  async fn() {
    await referenceRun();
    const out = join(work, "eval-out");
    await Deno.mkdir(out);
    await Deno.writeTextFile(`${out}/results.json`, "old");
    const refused = await runKit([...EVAL, "--model", reference, "--out", out, "--json"]);
    assertOneLineError(refused, "eval", /eval-out already exists; pass --force to replace it/);
    assert.deepEqual(await names(out), ["results.json"]);

    const files = ["comparison.json", "predictions.csv", "results.json"];
    const forced = await runKit([...EVAL, "--model", reference, "--out", out, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(await names(out), files);
    const rowCount = async () =>
      (await Deno.readTextFile(`${out}/predictions.csv`)).split("\n").length;
    const rows = await rowCount();

    // Killed at random points (loading, evaluating, writing, renaming): the folder is always
    // the previous complete evaluation or a new complete one.
    for (const delay of [800 + Math.random() * 1500, 2000 + Math.random() * 2500]) {
      const child = spawnKit([...EVAL, "--model", reference, "--out", out, "--force"]);
      await new Promise((r) => setTimeout(r, delay));
      try {
        child.kill("SIGKILL");
      } catch {
        // it already finished
      }
      await finish(child);
      const message = `after a kill at ${delay.toFixed(0)} ms`;
      assert.deepEqual(await names(out), files, message);
      JSON.parse(await Deno.readTextFile(`${out}/results.json`));
      JSON.parse(await Deno.readTextFile(`${out}/comparison.json`));
      assert.equal(await rowCount(), rows, message);
    }
    const rerun = await runKit([...EVAL, "--model", reference, "--out", out, "--force"]);
    assert.equal(rerun.code, 0, rerun.stderr);
    await assertNoLeftovers(out);
  },
});

Deno.test({
  name:
    "output preflight: a file, an unwritable or read-only folder, a full disk, in one line before any work (case 6)",
  sanitizeResources: false,
  async fn(t) {
    const file = join(work, "a-file");
    await Deno.writeTextFile(file, "x");
    await t.step("--out names a file", async () => {
      const started = performance.now();
      assertOneLineError(
        await runKit([...TRAIN, "--out", file, "--json"]),
        "train",
        /--out .*a-file is a file; expected a folder/,
      );
      assertOneLineError(
        await runKit([...EVAL, "--model", reference, "--out", `${file}/sub`, "--json"]),
        "eval",
        /a-file \(in .*a-file\/sub\) is a file; expected a folder/,
      );
      // Before data, backend or training: a few seconds of Deno start-up at most.
      assert.ok(performance.now() - started < 20_000);
    });
    await t.step("a folder the user cannot write", async () => {
      // As root, another user's folder (root bypasses permissions); else a read-only folder.
      const locked = join(work, "root-only");
      await Deno.mkdir(locked, { mode: 0o755 });
      await Deno.chmod(work, 0o755);
      if (!IS_ROOT) await Deno.chmod(locked, 0o555);
      const kit = IS_ROOT ? kitAsNobody : runKit;
      const run = await kit([...TRAIN, "--out", `${locked}/run`, "--json"]);
      assertOneLineError(run, "train", /cannot write .*root-only\/run: permission denied/);
      const report = await kit(["report", "--root", locked, "--out", "r", "--json"]);
      assertOneLineError(report, "report", /cannot write .*root-only\/r: permission denied/);
      await Deno.chmod(locked, 0o755);
    });
    await t.step(
      "a file-size limit hit while writing a checkpoint: one line, nothing left",
      async () => {
        // RLIMIT_FSIZE with SIGXFSZ ignored: writes past 20 kB fail with EFBIG (any user).
        const out = join(work, "fsize");
        const done = await new Deno.Command("bash", {
          args: [
            "-c",
            `trap '' XFSZ; ulimit -f 20; exec "$0" run --allow-all "$1" "\${@:2}"`,
            Deno.execPath(),
            CLI,
            ...TRAIN,
            "--epochs",
            "1",
            "--out",
            out,
            "--json",
          ],
          cwd: ROOT,
          stdout: "piped",
          stderr: "piped",
          env: { NO_COLOR: "1" },
        }).output();
        const decode = (b: Uint8Array) => new TextDecoder().decode(b);
        const run = { code: done.code, stdout: decode(done.stdout), stderr: decode(done.stderr) };
        assertOneLineError(
          run,
          "train",
          /cannot write .*fsize\/epoch-0001: the file is larger than the allowed file size/,
        );
        assert.deepEqual(await names(out), []);
        await assertNoLeftovers(out);
      },
    );
    if (!IS_ROOT) return; // the remaining cases mount filesystems
    await t.step("a read-only filesystem", async () => {
      await withTmpfs("1m", ",ro", async (dir) => {
        const run = await runKit([...EVAL, "--model", reference, "--out", `${dir}/e`, "--json"]);
        assertOneLineError(run, "eval", /cannot write .*\/e: the filesystem is read-only/);
      });
    });
    await t.step("too little space for one checkpoint", async () => {
      await withTmpfs("64k", "", async (dir) => {
        const run = await runKit([...TRAIN, "--out", `${dir}/run`, "--json"]);
        assertOneLineError(
          run,
          "train",
          /cannot write .*\/run: 0\.\d MB free on its filesystem, a checkpoint needs about 1\.\d MB/,
        );
        assert.deepEqual(await names(dir), []);
      });
      // Room for the first check (1 MB, before loading), not for mlp's checkpoint (4.8 MB),
      // which is checked once the model is built, before the first epoch.
      await withTmpfs("2m", "", async (dir) => {
        const mlp = ["train", "--model", "mlp", "--limit", "100", "--backend", "cpu"];
        const run = await runKit([...mlp, "--out", `${dir}/run`, "--json"]);
        assertOneLineError(
          run,
          "train",
          /cannot write .*\/run: 2\.0 MB free on its filesystem, a checkpoint needs about 4\.6 MB/,
        );
        assert.doesNotMatch(run.stderr, /epoch 1\//);
        assert.deepEqual(await names(dir), []);
      });
    });
    await t.step(
      "the disk fills during training: one line, no epoch-*.tmp left, resumable",
      async () => {
        await withTmpfs("3m", "", async (dir) => {
          const out = `${dir}/run`;
          const child = spawnKit([
            ...TRAIN,
            "--epochs",
            "40",
            "--seed",
            "5",
            "--out",
            out,
            "--json",
          ]);
          await waitForEpoch(out, 1);
          // Fill what is left; the next checkpoint cannot be written.
          await new Deno.Command("dd", {
            args: ["if=/dev/zero", `of=${dir}/filler`, "bs=64k"],
            stderr: "null",
          }).output();
          const run = await finish(child);
          assertOneLineError(
            run,
            "train",
            /cannot write .*\/run\/epoch-\d{4}: no space left on the device/,
          );
          await Deno.remove(`${dir}/filler`);
          await assertNoLeftovers(out);
          const latest = JSON.parse(await Deno.readTextFile(`${out}/latest.json`));
          const resumed = await runKit([
            ...TRAIN,
            "--epochs",
            String(latest.epoch + 1),
            "--seed",
            "5",
            "--out",
            out,
            "--resume",
          ]);
          assert.equal(resumed.code, 0, resumed.stderr);
        });
      },
    );
  },
});

Deno.test({
  name:
    "interrupts and kills during training: the last checkpoint stays, resume ends bit-identical (cases 9, kills)",
  sanitizeResources: false,
  async fn(t) {
    await referenceRun();
    const weights = await Deno.readFile(`${reference}/weights.bin`);
    await t.step(
      "SIGINT: exit 130, progress line ended, the exact --resume command printed",
      async () => {
        const out = join(work, "sigint"), straight = join(work, "sigint-straight");
        // 8 epochs: the signal lands well before the end, whatever the machine's speed.
        const args = [...TRAIN, "--epochs", "8", "--seed", "5"];
        const child = spawnKit([...args, "--out", out]);
        await waitForEpoch(out, 1);
        child.kill("SIGINT");
        const run = await finish(child);
        assert.equal(run.code, 130, run.stderr);
        assert.doesNotMatch(run.stderr, /^\s+at |Uncaught/m);
        const last = run.stderr.trimEnd().split("\n").at(-1)!;
        assert.match(
          last,
          /^kit train: interrupted \(SIGINT\) at epoch \d, batch \d+; kept the last checkpoint, .*epoch-000\d; resume with: deno task kit train .* --resume$/,
        );
        // The progress bar's line was ended before the message.
        assert.match(run.stderr, /\nkit train: interrupted/);
        await assertNoLeftovers(out);
        const command = last.split("resume with: deno task kit ")[1].split(" ");
        const resumed = await runKit(command);
        assert.equal(resumed.code, 0, resumed.stderr);
        const full = await runKit([...args, "--out", straight]);
        assert.equal(full.code, 0, full.stderr);
        assert.deepEqual(
          await Deno.readFile(`${out}/weights.bin`),
          await Deno.readFile(`${straight}/weights.bin`),
        );
      },
    );
    await t.step("SIGTERM: exit 143", async () => {
      const out = join(work, "sigterm");
      const child = spawnKit([...TRAIN, "--epochs", "30", "--seed", "5", "--out", out]);
      await waitForEpoch(out, 1);
      child.kill("SIGTERM");
      const run = await finish(child);
      assert.equal(run.code, 143, run.stderr);
      assert.match(run.stderr, /interrupted \(SIGTERM\)/);
      await assertNoLeftovers(out);
    });
    await t.step("SIGKILL at random points, twice, then resume: the same weights", async () => {
      const out = join(work, "killed");
      for (let kill = 0; kill < 2; kill++) {
        const args = [...TRAIN, "--epochs", "3", "--seed", "5", "--out", out];
        const resuming = await exists(`${out}/latest.json`);
        const child = spawnKit(resuming ? [...args, "--resume"] : args);
        await waitForEpoch(out, kill + 1);
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        try {
          child.kill("SIGKILL");
        } catch {
          // already done
        }
        await finish(child);
      }
      const resumed = await runKit([
        ...TRAIN,
        "--epochs",
        "3",
        "--seed",
        "5",
        "--out",
        out,
        "--resume",
      ]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(await Deno.readFile(`${out}/weights.bin`), weights);
      await assertNoLeftovers(out);
    });
  },
});

Deno.test({
  name: "report and eval folders: one writer at a time; killed, never half-written",
  sanitizeResources: false,
  async fn() {
    await referenceRun();
    const root = join(work, "reports");
    const report = (name: string) =>
      spawnKit([
        "report",
        "--models",
        "logistic-regression",
        "--epochs",
        "1",
        "--train-limit",
        "200",
        "--eval-limit",
        "40",
        "--suite",
        "quick",
        "--backend",
        "cpu",
        "--root",
        root,
        "--out",
        name,
        "--json",
      ]);
    // While a report and an evaluation are being written, second writers are refused at once.
    const evalOut = join(work, "eval-race"), reportDir = join(root, "race");
    const holders = [
      report("race"),
      spawnKit([...EVAL, "--suite", "default", "--model", reference, "--out", evalOut]),
    ];
    await Promise.all([waitForLock(reportDir), waitForLock(evalOut)]);
    const [lateReport, lateEval] = await Promise.all([
      finish(report("race")),
      runKit([...EVAL, "--model", reference, "--out", evalOut, "--json"]),
    ]);
    assertOneLineError(lateReport, "report", /race is being written by kit report \(pid \d+ on /);
    assertOneLineError(lateEval, "eval", /eval-race is being written by kit eval \(pid \d+ on /);

    // The holders killed mid-work: each folder absent or complete, never partial.
    await new Promise((r) => setTimeout(r, Math.random() * 3000));
    for (const child of holders) {
      try {
        child.kill("SIGKILL");
      } catch {
        // finished already
      }
      await finish(child);
    }
    if (await exists(reportDir)) assert.ok((await names(reportDir)).includes("report.md"));
    if (await exists(evalOut)) assert.equal((await names(evalOut)).length, 3);
    // A rerun takes over the stale locks, clears the leftovers and completes.
    const again = await runKit([...EVAL, "--model", reference, "--out", evalOut, "--force"]);
    assert.equal(again.code, 0, again.stderr);
    await assertNoLeftovers(evalOut);
    if (!(await exists(reportDir))) {
      const redo = await finish(report("race"));
      assert.equal(redo.code, 0, redo.stderr);
    }
    await assertNoLeftovers(reportDir);
  },
});

Deno.test({
  name: "fault suite cleanup",
  fn: () => Deno.remove(work, { recursive: true }),
});
