/**
 * Contamination checks end to end: runs record what they trained and validated on, and
 * evaluation finds, refuses or excludes the overlap with the test sets, by provenance and by
 * pixel fingerprint (a Kaggle-format CSV of MNIST test images shares no ids with MNIST).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadMnistSplits } from "../src/data/mnist.ts";
import { concatDatasets, subset } from "../src/data/ops.ts";
import { encodeKaggleCsv } from "../src/data/kaggle_write.ts";
import { loadKaggleCsv } from "../src/data/kaggle_csv.ts";
import { imageFingerprints } from "../src/data/fingerprint.ts";
import { decodeIdSet, provenanceOf } from "../src/data/provenance.ts";
import { PIXELS } from "../src/data/types.ts";
import {
  applyContaminationPolicy,
  seenItemsOfData,
  seenItemsOfRecord,
  testOverlap,
} from "../src/evaluate/contamination.ts";
import { compare } from "../src/evaluate/compare.ts";
import { evaluate } from "../src/evaluate/runner.ts";
import { getModelSpec } from "../src/models/zoo.ts";
import { readRunItems } from "../src/train/items_record.ts";
import { loadRecipeData } from "../src/train/recipe_data.ts";
import { getRecipe } from "../src/train/recipes.ts";
import { train } from "../src/train/train.ts";
import { Random } from "../src/util/random.ts";
import { runKit } from "./helpers/kit.ts";

await tf.setBackend("cpu");
const mnist = await loadMnistSplits();

Deno.test("a model trained on a known subset of MNIST test is refused or excluded with the exact count", async () => {
  const root = await Deno.makeTempDir({ prefix: "contamination-" });
  // Model "a" trains on 120 MNIST-train items and on 90 chosen items among the first 400 MNIST
  // test items, validating on 30 more of them; model "b" trains on MNIST train only.
  const random = new Random(5);
  const chosen = random.permutation(400).subarray(0, 120);
  const trainA = concatDatasets([
    subset(mnist.train, Array.from({ length: 120 }, (_, i) => i)),
    subset(mnist.test, chosen.subarray(0, 90)),
  ]);
  const validationA = subset(mnist.test, chosen.subarray(90));
  const recipe = { ...getRecipe("baseline-adam"), batchSize: 32, keep: "last" as const };
  const spec = getModelSpec("logistic-regression");
  const runs = { a: join(root, "a"), b: join(root, "b") };
  const resultA = await train(spec, { train: trainA, validation: validationA }, recipe, {
    epochs: 1,
    runDir: runs.a,
  });
  const resultB = await train(
    spec,
    { train: subset(mnist.train, Array.from({ length: 200 }, (_, i) => 1000 + i)) },
    recipe,
    { epochs: 1, runDir: runs.b },
  );
  const models = [
    { name: "a", seen: seenItemsOfRecord((await readRunItems(runs.a))!) },
    { name: "b", seen: seenItemsOfRecord((await readRunItems(runs.b))!) },
  ];
  assert.throws(
    () => applyContaminationPolicy(models, [mnist.test], "refuse", { limit: 400 }),
    /^UsageError: contamination: model a trained or validated on 120 of the 400 items of test set mnist-test /,
  );
  const { testSets, summary } = applyContaminationPolicy(models, [mnist.test], "exclude", {
    limit: 400,
  });
  const [a, b] = summary.overlaps;
  assert.deepEqual(
    [a.overlap, a.trained, a.validated, a.byProvenance, a.byFingerprint, a.checked],
    [120, 90, 30, 120, 120, true],
  );
  assert.deepEqual([b.overlap, b.checked], [0, true]);
  assert.deepEqual(summary.testSets, [{ name: "mnist-test", before: 400, after: 280 }]);

  // `exclude` scores exactly what evaluating by hand on the clean items gives.
  const seen = new Set(chosen);
  const clean = Array.from({ length: 400 }, (_, i) => i).filter((i) => !seen.has(i));
  const classifiers = [
    {
      ...resultA.classifier,
      name: "a",
      predict: resultA.classifier.predict.bind(resultA.classifier),
    },
    {
      ...resultB.classifier,
      name: "b",
      predict: resultB.classifier.predict.bind(resultB.classifier),
    },
  ];
  const viaPolicy = await evaluate(classifiers, testSets, {
    progress: null,
    contamination: summary,
  });
  const byHand = await evaluate(classifiers, [subset(mnist.test, clean, "mnist-test")], {
    progress: null,
  });
  assert.equal(viaPolicy.testSets[0].count, 280);
  assert.deepEqual(viaPolicy.testSets[0].ids, clean);
  assert.deepEqual(viaPolicy.conditions, byHand.conditions);
  assert.deepEqual(compare(viaPolicy).pairwise, compare(byHand).pairwise);
  assert.equal(viaPolicy.contamination, summary);

  // `report` scores all 400 and says how many each model saw.
  const reported = applyContaminationPolicy(models, [mnist.test], "report", { limit: 400 });
  assert.equal(reported.testSets[0], mnist.test);
  assert.equal(reported.summary.overlaps[0].overlap, 120);
  resultA.model.dispose();
  resultB.model.dispose();
  await Deno.remove(root, { recursive: true });
});

Deno.test("a Kaggle-format CSV of MNIST test images is found by fingerprint, with no shared ids", async () => {
  const root = await Deno.makeTempDir({ prefix: "contamination-kaggle-" });
  // 100 MNIST test images (items 150..51, reversed) re-exported the competition's way; one of
  // them brightened in a single pixel, so it is a near-duplicate rather than a copy.
  const picked = subset(mnist.test, Array.from({ length: 100 }, (_, i) => 150 - i));
  const images = picked.images.slice();
  images[5 * PIXELS + 300] = Math.min(255, images[5 * PIXELS + 300] + 40);
  const csv = join(root, "train.csv");
  await Deno.writeTextFile(csv, encodeKaggleCsv({ ...picked, images }));
  const kaggle = await loadKaggleCsv(csv);
  assert.notEqual(kaggle.checksum, mnist.test.checksum);
  assert.deepEqual(provenanceOf(kaggle).sources.map((s) => s.checksum), [kaggle.checksum]);

  const test = subset(mnist.test, Array.from({ length: 200 }, (_, i) => i), "mnist-test");
  const { marks, overlap } = testOverlap(test, seenItemsOfData({ train: kaggle }));
  assert.equal(overlap.byProvenance, 0);
  assert.equal(overlap.byFingerprint, 99);
  assert.equal(overlap.overlap, 99);
  assert.equal(overlap.nearDuplicates, 1);
  const expected = Array.from({ length: 200 }, (_, i) => i >= 51 && i <= 150 && i !== 145 ? 1 : 0);
  assert.deepEqual(Array.from(marks), expected);
  await Deno.remove(root, { recursive: true });
});

Deno.test("kit eval on a run trained with the mdsist recipe shows and applies the overlap", async () => {
  const root = await Deno.makeTempDir({ prefix: "contamination-cli-" });
  const run = join(root, "mdsist-run");
  const trained = await runKit([
    "train",
    "--model",
    "logistic-regression",
    "--recipe",
    "mdsist",
    "--epochs",
    "1",
    "--limit",
    "1000",
    "--backend",
    "cpu",
    "--out",
    run,
    "--json",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  // Independently of the run's record: which of the first 2,000 MNIST test images are, pixel
  // for pixel, in the recipe's train + validation parts.
  const sets = await loadRecipeData(getRecipe("mdsist"), { limit: 1000 });
  const firstTest = new Set(imageFingerprints(mnist.test.images, 2000));
  const seenPrints = new Set(
    [sets.train, sets.validation].flatMap((ds) =>
      Array.from(imageFingerprints(ds.images, ds.count)).filter((f) => firstTest.has(f))
    ),
  );
  const expected = seenPrints.size;
  assert.ok(expected > 20, `the recipe's split holds MNIST test items (${expected})`);

  const evalRun = (policy: string, ...json: string[]) =>
    runKit([
      "eval",
      "--model",
      run,
      "--suite",
      "quick",
      "--limit",
      "2000",
      "--backend",
      "cpu",
      "--out",
      join(root, `eval-${policy}`),
      "--contamination",
      policy,
      ...json,
    ]);
  const excluded = await evalRun("exclude", "--json");
  assert.equal(excluded.code, 0, excluded.stderr);
  const summary = JSON.parse(excluded.stdout);
  assert.equal(summary.contamination.policy, "exclude");
  assert.equal(summary.contamination.overlaps[0].overlap, expected);
  assert.equal(summary.contamination.overlaps[0].byFingerprint, expected);
  assert.equal(summary.contamination.overlaps[0].byProvenance, expected);
  // MNIST sources load again by checksum, so near-duplicates are counted too.
  assert.equal(typeof summary.contamination.overlaps[0].nearDuplicates, "number");
  assert.deepEqual(summary.items, { "mnist-test": 2000 - expected });
  assert.equal(summary.models[0].protocol.n, 1000);
  const metrics = JSON.parse(await Deno.readTextFile(join(root, "eval-exclude", "results.json")));
  assert.equal(metrics.contamination.testSets[0].after, 2000 - expected);

  const refused = await evalRun("refuse");
  assert.equal(refused.code, 1);
  // One error line (after the cpu backend's speed warning), no stack trace.
  assert.doesNotMatch(refused.stderr, /^\s+at /m);
  assert.match(
    refused.stderr.trim().split("\n").at(-1)!,
    new RegExp(
      `^kit eval: contamination: model logistic-regression/mdsist trained or validated on ` +
        `${expected} of the 2000 items of test set mnist-test`,
    ),
  );

  const reported = await evalRun("report");
  assert.equal(reported.code, 0, reported.stderr);
  assert.match(reported.stdout, /mnist-test \d+\.\d\d%\* \[/);
  assert.match(
    reported.stdout,
    new RegExp(`trained or validated on ${expected} of 2000 mnist-test items`),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("deno task report keeps MNIST test out of mdsist-cnn's training and says so", async () => {
  const root = await Deno.makeTempDir({ prefix: "contamination-report-" });
  try {
    const run = await runKit([
      "report",
      "--models",
      "mdsist-cnn,logistic-regression",
      "--epochs",
      "1",
      "--train-limit",
      "300",
      "--eval-limit",
      "100",
      "--suite",
      "quick",
      "--root",
      root,
      "--out",
      "tiny",
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const dir = join(root, "tiny");
    const results = JSON.parse(await Deno.readTextFile(join(dir, "results.json")));
    const check = results.evaluation.contamination;
    assert.equal(check.policy, "exclude");
    const mdsist = check.overlaps.find((o: { model: string; testSet: string }) =>
      o.model === "mdsist-cnn" && o.testSet === "mnist-test"
    );
    assert.deepEqual([mdsist.checked, mdsist.items, mdsist.overlap], [true, 100, 0]);
    assert.equal(typeof mdsist.nearDuplicates, "number");
    const training = results.training.find((t: { model: string }) => t.model === "mdsist-cnn");
    assert.deepEqual(
      training.data.map((d: { name: string }) => d.name),
      ["mnist-train-train-sample300", "mnist-train-validation-sample300"],
    );
    assert.equal(training.protocol.testSet, "mnist-train-test-sample300");
    const report = await Deno.readTextFile(join(dir, "report.md"));
    assert.match(report, /## Summary\n\n- \*\*Training\/test overlap: none\.\*\*/);
    const card = await Deno.readTextFile(join(dir, "card-mdsist-cnn.md"));
    assert.match(card, /mdsist-70-15-15 of MNIST train only \(the card merges the test part in/);
    assert.match(card, /### Protocol result \(the recipe's own test split\)/);
    assert.match(card, /\| mnist-test \| 100 \| 0 \| 0 \/ 0 \| 0 \| 0 \| \d+ \| 100 \|/);
    const metrics = (await Deno.readTextFile(join(dir, "metrics.csv"))).trim().split("\n");
    assert.ok(metrics[0].endsWith(",n,contamination,overlap"));
    assert.ok(metrics.slice(1).every((line) => /,exclude,0$/.test(line)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a study excludes, for every cell, exactly the test items some cell trained or validated on", async () => {
  const root = await Deno.makeTempDir({ prefix: "contamination-study-" });
  try {
    // logistic-regression with the mdsist recipe on the card's own split (MNIST train + test
    // merged), beside the same architecture on baseline-adam (MNIST train only).
    const file = join(root, "study.yaml");
    await Deno.writeTextFile(
      file,
      `name: contaminated
models:
  - { model: logistic-regression, recipe: baseline-adam }
  - { model: logistic-regression, recipe: mdsist }
seeds: [1, 2]
train: { limit: 1000, epochs: 1, keepTestOut: false }
evaluation: { suite: quick, datasets: [mnist], limit: 2000 }
bootstrap: { replicates: 200, seed: 0 }
`,
    );
    // Independently of the cells' records: which of the first 2,000 MNIST test images each
    // recipe's train + validation parts hold, pixel for pixel.
    const firstTest = imageFingerprints(mnist.test.images, 2000);
    const seenBy = async (recipe: string) => {
      const sets = await loadRecipeData(getRecipe(recipe), { limit: 1000 });
      const prints = new Set(
        [sets.train, sets.validation].flatMap((ds) =>
          Array.from(imageFingerprints(ds.images, ds.count))
        ),
      );
      return Array.from({ length: 2000 }, (_, i) => i).filter((i) => prints.has(firstTest[i]));
    };
    const expected: Record<string, number[]> = {
      "baseline-adam": await seenBy("baseline-adam"),
      mdsist: await seenBy("mdsist"),
    };
    assert.ok(expected.mdsist.length > 20, `mdsist's split holds test items (${expected.mdsist})`);
    const excluded = new Set([...expected["baseline-adam"], ...expected.mdsist]);
    const clean = Array.from({ length: 2000 }, (_, i) => i).filter((i) => !excluded.has(i));

    const out = join(root, "out");
    const run = await runKit(["study", "run", file, "--out", out, "--threads", "1", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const cells = ["baseline-adam", "mdsist"].flatMap((recipe) =>
      [1, 2].map((seed) => ({ recipe, seed, id: `logistic-regression--${recipe}--seed${seed}` }))
    );
    for (const c of cells) {
      const record = JSON.parse(await Deno.readTextFile(join(out, "cells", c.id, "cell.json")));
      assert.deepEqual(
        Array.from(decodeIdSet(record.contamination.seen["mnist-test"])),
        expected[c.recipe],
        c.id,
      );
      assert.equal(record.contamination.overlaps[0].overlap, expected[c.recipe].length);
    }

    const stats = JSON.parse(await Deno.readTextFile(join(out, "report", "statistics.json")));
    assert.deepEqual(stats.contamination.testSets, [
      { name: "mnist-test", before: 2000, after: clean.length },
    ]);
    assert.deepEqual(
      Array.from(decodeIdSet(stats.contamination.scoredItems["mnist-test"])),
      clean,
    );
    // Every cell's numbers are its errors on exactly the clean items, counted by hand from its
    // predictions.csv (which keeps all 2,000 items).
    const keep = new Set(clean);
    for (const c of cells) {
      const rows = (await Deno.readTextFile(join(out, "cells", c.id, "predictions.csv")))
        .trim().split("\n").slice(1).map((l) => l.split(","));
      // architecture,recipe,seed,model,test_set,kind,factor,level,item_id,true_label,predicted…
      const scored = rows.filter((r) => r[5] === "clean" && keep.has(Number(r[8])));
      assert.equal(scored.length, clean.length);
      const wrong = scored.filter((r) => r[9] !== r[10]).length;
      const arm = `logistic-regression/${c.recipe}`;
      const row = stats.perArm.find((s: { arm: string; kind: string; class: number | null }) =>
        s.arm === arm && s.kind === "clean" && s.class === null
      );
      assert.equal(row.n, clean.length);
      assert.equal(row.errors[row.seeds.indexOf(c.seed)], wrong / clean.length, c.id);
    }
    for (const m of stats.mcnemar) assert.ok(m.onlyA + m.onlyB <= clean.length);

    const metrics = (await Deno.readTextFile(join(out, "report", "metrics.csv"))).trim()
      .split("\n").map((l) => l.split(","));
    const col = (name: string) => metrics[0].indexOf(name);
    const overlapRow = metrics.find((r) =>
      r[col("model")] === "logistic-regression/mdsist" && r[col("metric")] === "training_overlap"
    )!;
    assert.equal(Number(overlapRow[col("value")]), expected.mdsist.length);
    assert.ok(metrics.slice(1).every((r) => r[col("contamination")] === "exclude"));
    const report = await Deno.readTextFile(join(out, "report", "report.md"));
    assert.match(report, /\*\*Contaminated comparison:\*\* logistic-regression\/mdsist trained/);
    assert.match(report, new RegExp(`mnist-test n = 2,000 → ${clean.length.toLocaleString("en")}`));
    assert.match(
      await Deno.readTextFile(join(out, "report", "card-logistic-regression-mdsist.md")),
      /## Training\/Test Overlap/,
    );

    // `refuse` fails the contaminated cell before it trains, naming the overlap; the study's
    // default (keepTestOut) trains the same recipe on MNIST train only, so nothing to refuse.
    const refuseFile = join(root, "refuse.yaml");
    const refuseStudy = (train: string) =>
      Deno.writeTextFile(
        refuseFile,
        `name: refused\nmodels: [{ model: logistic-regression, recipe: mdsist }]\nseeds: [1]\n` +
          `train: { limit: 1000, epochs: 1${train} }\n` +
          `evaluation: { suite: quick, datasets: [mnist], limit: 2000, contamination: refuse }\n`,
      );
    await refuseStudy(", keepTestOut: false");
    const refused = await runKit(["study", "run", refuseFile, "--out", join(root, "r1"), "--json"]);
    assert.equal(refused.code, 1);
    assert.match(
      JSON.parse(refused.stdout).failures[0].reason,
      new RegExp(
        `^contamination: model logistic-regression--mdsist--seed1 trained or validated on ` +
          `${expected.mdsist.length} of the 2000 items of test set mnist-test`,
      ),
    );
    await refuseStudy("");
    const kept = await runKit(["study", "run", refuseFile, "--out", join(root, "r2"), "--json"]);
    assert.equal(kept.code, 0, kept.stderr);
    const keptStats = JSON.parse(
      await Deno.readTextFile(join(root, "r2", "report", "statistics.json")),
    );
    assert.equal(keptStats.contamination.overlaps[0].overlap, 0);
    assert.match(
      await Deno.readTextFile(join(root, "r2", "report", "report.md")),
      /split mdsist-70-15-15 of MNIST train only/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
