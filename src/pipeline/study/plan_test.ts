import assert from "node:assert/strict";
import { InputError } from "../../util/errors.ts";
import { cellId, parseStudy, readStudyFile } from "./plan.ts";

const STUDY = `name: grid
models:
  - { model: mdsist-cnn, recipe: mdsist, epochs: 3 }
  - logistic-regression
seeds: [5, 2]
train: { limit: 400, epochs: 1 }
evaluation: { suite: quick, datasets: [mnist, emnist-digits-sample], limit: 50 }
slurm: { partition: short }
`;

Deno.test("a study file gives a deterministic ordered list of cells: models × seeds in file order", () => {
  const plan = parseStudy(STUDY, "grid.yaml");
  assert.deepEqual(plan.cells.map((c) => [c.index, c.id, c.epochs]), [
    [0, "mdsist-cnn--mdsist--seed5", 3],
    [1, "mdsist-cnn--mdsist--seed2", 3],
    [2, "logistic-regression--baseline-adam--seed5", 1],
    [3, "logistic-regression--baseline-adam--seed2", 1],
  ]);
  assert.deepEqual(parseStudy(STUDY, "grid.yaml"), plan);
  assert.equal(JSON.stringify(parseStudy(STUDY, "other.yaml")), JSON.stringify(plan));
  assert.deepEqual(plan.executors, { slurm: { partition: "short" } });
  assert.deepEqual(plan.bootstrap, { replicates: 2000, seed: 0 });
  assert.equal(cellId("a", "b", 1), "a--b--seed1");
});

Deno.test("a seed count N means seeds 1…N; the recipes' epochs apply without overrides", () => {
  const plan = parseStudy("name: n\nmodels: [mlp]\nseeds: 3\n", "n.yaml");
  assert.deepEqual(plan.seeds, [1, 2, 3]);
  assert.equal(plan.cells[0].recipe, "baseline-adam");
  assert.ok(plan.cells[0].epochs > 1);
  assert.deepEqual(plan.evaluation.datasets, ["mnist"]);
  // Contamination: every cell scored on the items no cell saw; test sets kept out of training.
  assert.equal(plan.evaluation.contamination, "exclude");
  assert.equal(plan.train.keepTestOut, true);
  const card = parseStudy(
    "name: n\nmodels: [mlp]\nseeds: 1\ntrain: { keepTestOut: false }\n" +
      "evaluation: { contamination: report }\n",
    "n.yaml",
  );
  assert.deepEqual([card.train.keepTestOut, card.evaluation.contamination], [false, "report"]);
});

Deno.test("study file errors name the file, the line and column, and what was expected", () => {
  const cases: [string, RegExp][] = [
    [
      "name: x\nmodels: [mlp]\nseeds: 0\n",
      /x\.yaml: line 3, column 8 \(seeds\): expected an integer ≥ 1, found 0/,
    ],
    [
      "name: x\nmodels: [mlp]\nseeds: [1, 1]\n",
      /line 3, column 12 \(seeds\[1\]\): expected distinct seeds/,
    ],
    [
      "name: x\nmodels:\n  - { model: mlp, recipe: nope }\nseeds: 1\n",
      /line 3, column 27 \(models\[0\]\.recipe\): expected a recipe name/,
    ],
    ["name: x\nmodels: [mlp, mlp]\nseeds: 1\n", /models\[1\]\): expected each model × recipe once/],
    [
      "name: x\nmodels: [mlp]\nseeds: 1\nepochs: 2\n",
      /line 4, column 1 \(epochs\): expected one of the keys/,
    ],
    [
      "name: x\nmodels: [mlp]\nseeds: 1\nevaluation: { datasets: [kaggle] }\n",
      /evaluation\.datasets\[0\]\): expected one of mnist, emnist-digits-sample, emnist-digits/,
    ],
    [
      "name: x\nmodels: [mlp]\nseeds: 1\nevaluation: { contamination: ignore }\n",
      /\(evaluation\.contamination\): expected exclude \| refuse \| report, found "ignore"/,
    ],
    [
      "name: x\nmodels: [mlp]\nseeds: 1\ntrain: { keepTestOut: 1 }\n",
      /\(train\.keepTestOut\): expected true or false/,
    ],
    ["name: x\nmodels: [mlp\n", /x\.yaml: line \d+, column \d+: expected valid YAML/],
    ["name: 'a b'\nmodels: [mlp]\nseeds: 1\n", /\(name\): expected letters, digits/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseStudy(text, "x.yaml"), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("the shipped studies parse", async () => {
  for (const name of ["cards-quick", "cards-full", "bench-keras-mdsist"]) {
    const plan = await readStudyFile(
      new URL(`../../../studies/${name}.yaml`, import.meta.url).pathname,
    );
    assert.equal(plan.name, name);
    assert.ok(plan.models.length >= 2 && plan.seeds.length >= 3, name);
  }
});
