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
import { provenanceOf } from "../src/data/provenance.ts";
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
