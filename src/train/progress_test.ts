import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { getModelSpec } from "../models/zoo.ts";
import { notebookProgress } from "./notebook_progress.ts";
import { terminalProgress } from "./progress.ts";
import { getRecipe } from "./recipes.ts";
import { barDigits } from "../testing.ts";
import { train } from "./train.ts";

await tf.setBackend("cpu");

Deno.test("terminal and notebook progress follow a training run", async () => {
  const lines: string[] = [];
  const calls: { text: string; id: string; update: boolean }[] = [];
  const result = await train(
    getModelSpec("logistic-regression"),
    { train: barDigits(40, 1), validation: barDigits(10, 2) },
    { ...getRecipe("baseline-adam"), batchSize: 10 },
    {
      epochs: 2,
      syncEvery: 1,
      callbacks: [
        terminalProgress({ write: (t) => lines.push(t), interactive: false }),
        notebookProgress({
          intervalMs: 0,
          displayId: "run-1",
          display: (bundle, o) => {
            calls.push({ text: bundle["text/plain"], id: o.display_id, update: o.update });
          },
        }),
      ],
    },
  );
  result.model.dispose();
  const text = lines.join("");
  assert.match(
    text,
    /epoch 1\/2 .* 4\/4 .*loss \d+\.\d+\s+acc \d\.\d{4}\s+img\/s [\d.]+\s+val_loss/,
  );
  assert.match(text, /epoch 2\/2 /);
  assert.match(text, /trained 2 epochs/);
  assert.ok(calls.length >= 2 + 8, `${calls.length} notebook updates`);
  assert.ok(calls.every((c) => c.id === "run-1"));
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update), "later calls update the same output");
  assert.match(calls.at(-1)!.text, /finished epoch 2\nepoch\s+loss\s+acc\s+val_loss[\s\S]*\n\s+2 /);
  assert.ok(calls.some((c) => /epoch 2\/2 {2}batch 3\/4 .* img\/s {2}ETA/.test(c.text)));
});

Deno.test("notebook progress names its model when given a title", () => {
  const shown: string[] = [];
  const hooks = notebookProgress({
    title: "lenet-5",
    display: (b) => void shown.push(b["text/plain"]),
  });
  hooks.onTrainStart?.({ epochs: 1, batches: 3, startEpoch: 1 });
  hooks.onBatch?.(
    {
      epoch: 1,
      epochs: 1,
      batch: 3,
      batches: 3,
      loss: 0.5,
      accuracy: 0.75,
      imagesPerSecond: 100,
      etaSeconds: 0,
    } as Parameters<NonNullable<typeof hooks.onBatch>>[0],
  );
  assert.equal(shown[0], "lenet-5: starting…");
  assert.match(shown[1], /^lenet-5: epoch 1\/1 {2}batch 3\/3 {2}loss 0\.5000/);
});
