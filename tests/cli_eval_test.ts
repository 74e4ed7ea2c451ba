/**
 * `kit eval` end to end: the output folder (results.json, comparison.json, predictions.csv)
 * from fake classifiers in-process, flag errors, and a real tfjs model through the CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { evaluateToDirectory } from "../src/pipeline/evaluate.ts";
import { compare } from "../src/evaluate/compare.ts";
import { resolveSuite } from "../src/evaluate/suites.ts";
import { codedClassifier, codedDigits, shiftLabels } from "../src/testing.ts";
import type { ComparisonResult, EvaluationResult } from "../src/evaluate/types.ts";
import { loadMnist } from "../src/data/mnist.ts";
import { runKit } from "./helpers/kit.ts";

const kit = (...args: string[]) => runKit(["eval", ...args]);

/** Parses predictions.csv into rows of its columns. */
function readCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const columns = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [columns[i], v])));
}

Deno.test("evaluateToDirectory writes results, comparison and a CSV that recomputes them", async () => {
  const out = await Deno.makeTempDir({ prefix: "kit-eval-" });
  const suite = resolveSuite("quick", {
    sweeps: [{ factor: "gaussian_noise", unit: "σ", levels: [0, 2, 5] }],
    corruptions: ["shot_noise"],
    severities: [1, 2, 3, 4, 5],
  });
  const models = [codedClassifier("reader"), codedClassifier("confuser", { 3: 5 })];
  const { result, files } = await evaluateToDirectory(models, [codedDigits(30)], {
    out,
    conditions: suite.conditions,
    render: shiftLabels,
    progress: null,
    baseline: "reader",
  });
  assert.deepEqual((await Array.fromAsync(Deno.readDir(out))).map((e) => e.name).sort(), [
    "comparison.json",
    "predictions.csv",
    "results.json",
  ]);
  const saved: EvaluationResult = JSON.parse(await Deno.readTextFile(files.results));
  assert.deepEqual(saved, JSON.parse(JSON.stringify(result)));
  const comparison: ComparisonResult = JSON.parse(await Deno.readTextFile(files.comparison));
  assert.equal(comparison.minimax.selected, "reader");

  const rows = readCsv(await Deno.readTextFile(files.predictions));
  assert.equal(rows.length, suite.conditions.length * 2 * 30);
  // Every condition's accuracy and mean confidence follow from the CSV alone.
  for (const c of saved.conditions) {
    const mine = rows.filter((r) =>
      r.model === c.model && r.kind === c.kind && r.factor === c.factor &&
      Number(r.level) === c.level
    );
    assert.equal(mine.length, 30);
    const correct = mine.filter((r) => r.true_label === r.predicted_label).length;
    assert.equal(correct, c.overall.correct);
    const meanConfidence = mine.reduce((a, r) => a + Math.fround(Number(r.confidence)), 0) / 30;
    assert.ok(Math.abs(meanConfidence - c.calibration.meanConfidence) < 1e-9);
  }
  assert.equal(rows[0].item_id, "1000");
  await Deno.remove(out, { recursive: true });
});

Deno.test("kit eval rejects missing and bad flags with one-line errors", async () => {
  const missing = await kit("--json");
  assert.equal(missing.code, 1);
  assert.match(JSON.parse(missing.stdout).error, /needs --model/);
  const suite = await kit("--model", "x", "--suite", "huge");
  assert.equal(suite.code, 1);
  assert.match(suite.stderr, /--suite must be one of quick, default, full/);
  const method = await kit("--model", "x", "--method", "bayes");
  assert.match(method.stderr, /--method must be midp or exact/);
  const limit = await kit("--model", "x", "--limit", "0");
  assert.match(limit.stderr, /--limit must be an integer ≥ 1/);
});

/** Saves a 784→10 softmax layer in the tfjs layers format (model.json + weights.bin). */
async function saveTinyModel(dir: string, seed: number): Promise<tf.LayersModel> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({
        units: 10,
        activation: "softmax",
        kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed }),
      }),
    ],
  });
  await Deno.mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    await Deno.writeFile(
      join(dir, "weights.bin"),
      new Uint8Array(artifacts.weightData as ArrayBuffer),
    );
    await Deno.writeTextFile(
      join(dir, "model.json"),
      JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      }),
    );
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return model;
}

Deno.test("kit eval runs real tfjs models on MNIST and EMNIST through the quick suite", async () => {
  await tf.setBackend("cpu");
  const root = await Deno.makeTempDir({ prefix: "kit-eval-cli-" });
  const first = await saveTinyModel(join(root, "dense-a"), 1);
  await saveTinyModel(join(root, "dense-b"), 2);
  const runInfo = {
    name: "dense-a",
    model: "dense",
    seed: 7,
    data: { train: { name: "mnist-train" } },
    dataChecksum: "ab12",
  };
  await Deno.writeTextFile(join(root, "dense-a", "run.json"), JSON.stringify(runInfo));
  const out = join(root, "out");
  // The quick suite on the first 40 items, pure-JS backend, into `dir`.
  const quickEval = (dir: string, ...args: string[]) =>
    kit(...args, "--suite", "quick", "--limit", "40", "--backend", "cpu", "--out", dir, "--json");
  const { code, stdout, stderr } = await quickEval(
    out,
    "--model",
    `${join(root, "dense-a")},${join(root, "dense-b")}`,
    "--dataset",
    "mnist,emnist-digits-sample",
  );
  assert.equal(code, 0, stderr);
  const summary = JSON.parse(stdout);
  assert.equal(summary.suite, "quick");
  assert.equal(summary.backend, "cpu");
  assert.deepEqual(summary.items, { "mnist-test": 40, "emnist-digits-sample600": 40 });
  assert.deepEqual(summary.models.map((m: { name: string }) => m.name), ["dense-a", "dense-b"]);
  assert.ok(["dense-a", "dense-b"].includes(summary.minimax.selected));
  const result: EvaluationResult = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.equal(result.metadata.baseline, "dense-a");
  assert.deepEqual(
    [result.models[0].architecture, result.models[0].seed, result.models[0].trainedOn],
    ["dense", 7, "mnist-train"],
  );
  assert.equal(result.models[1].source, join(root, "dense-b"));
  assert.equal(result.robustness.find((r) => r.model === "dense-a")!.mCE, 1);
  assert.equal(result.sweeps.length, 2 * 2 * 3, "2 models × 2 sets × 3 quick sweeps");
  // compare() works from the saved results alone and gives the saved comparison.
  const saved = JSON.parse(await Deno.readTextFile(join(out, "comparison.json")));
  assert.deepEqual(compare(result), saved);

  // The clean predictions in the CSV are the model's own arg-max on the same pixels.
  const mnist = await loadMnist("test");
  const x = tf.tensor4d(Float32Array.from(mnist.images.subarray(0, 40 * 784), (v) => v / 255), [
    40,
    28,
    28,
    1,
  ]);
  const expected = await (first.predict(x) as tf.Tensor).argMax(1).data();
  const rows = readCsv(await Deno.readTextFile(join(out, "predictions.csv")))
    .filter((r) => r.model === "dense-a" && r.test_set === "mnist-test" && r.kind === "clean");
  assert.deepEqual(rows.map((r) => Number(r.predicted_label)), Array.from(expected));
  assert.deepEqual(rows.map((r) => Number(r.true_label)), Array.from(mnist.labels.subarray(0, 40)));

  // --path reads the same EMNIST images from the IDX file: same pixels, same predictions.
  const viaPath = await quickEval(
    join(root, "out-path"),
    "--model",
    join(root, "dense-a"),
    "--path",
    "../shared/data/emnist-digits-sample/emnist-digits-sample600-images-idx3-ubyte.gz",
  );
  assert.equal(viaPath.code, 0, viaPath.stderr);
  const cleanOf = async (dir: string, set: string) =>
    readCsv(await Deno.readTextFile(join(dir, "predictions.csv")))
      .filter((r) => r.model === "dense-a" && r.test_set === set && r.kind === "clean")
      .map((r) => [r.item_id, r.true_label, r.predicted_label, r.confidence]);
  const byPath = await cleanOf(join(root, "out-path"), "emnist-digits-sample600-images-idx3-ubyte");
  assert.equal(byPath.length, 40);
  assert.deepEqual(
    byPath.map((r) => r.slice(1)),
    (await cleanOf(out, "emnist-digits-sample600")).map((r) => r.slice(1)),
  );
  await Deno.remove(root, { recursive: true });
});
