/**
 * Study files: a YAML file naming models with their recipes, seeds, training overrides and the
 * evaluation, turned into a normalised {@link StudyPlan} whose cells (model × recipe × seed) are
 * a deterministic ordered list. A cell's id is `<model>--<recipe>--seed<seed>`.
 *
 * ```yaml
 * name: cards-quick
 * models:
 *   - model: keras-mnist-convnet        # recipe defaults to the model's own
 *   - { model: mdsist-cnn, recipe: mdsist, epochs: 2 }
 * seeds: 3                               # or a list: [1, 2, 3]; a count N means 1…N
 * train: { limit: 600, epochs: 1 }       # optional overrides of every recipe
 * evaluation: { suite: quick, datasets: [mnist], paths: [], limit: 500, seed: 0,
 *               contamination: exclude }  # or refuse | report
 * bootstrap: { replicates: 2000, seed: 0 }
 * ```
 *
 * `train.keepTestOut` (default true) trains recipes whose split merges the official test set in
 * (mdsist's 70/15/15 of train + test) on their training data alone, as the report job does, so
 * every model is compared on all test items; `false` keeps the card's split, and the
 * contamination policy then deals with the test items it trained on.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { DATASET_NAMES } from "../../data/named.ts";
import { CONTAMINATION_POLICIES, type ContaminationPolicy } from "../../evaluate/contamination.ts";
import { getModelSpec } from "../../models/zoo.ts";
import { getRecipe } from "../../train/recipes.ts";
import { InputError, isUserError } from "../../util/errors.ts";

/** One model of a study with its recipe and per-model overrides. */
export interface StudyModel {
  model: string;
  recipe: string;
  /** Epochs for this model's cells (the recipe's when absent). */
  epochs?: number;
}

/** Training overrides applied to every cell. */
export interface StudyTraining {
  /** Keep at most this many items of each of train/validation/test (quick studies). */
  limit?: number;
  /** Epochs of every recipe (a model's own `epochs` wins). */
  epochs?: number;
  /** Folder with the official EMNIST files, for recipes that train on EMNIST. */
  emnistDir?: string;
  /**
   * Keep the official test sets out of training for recipes whose split merges them in
   * (`loadRecipeData`'s `keepTestOut`); true unless the study file says otherwise.
   */
  keepTestOut: boolean;
}

/** What every cell's model is evaluated on. */
export interface StudyEvaluation {
  /** Suite name of `src/evaluate/suites.ts` (quick, default, full). */
  suite: string;
  /** Registry datasets whose test parts are evaluated (`src/data/named.ts`). */
  datasets: string[];
  /** Labelled test files or folders (any format `kit data` reads), relative to the study file. */
  paths: string[];
  /** Evaluate only the first N items of each test set. */
  limit?: number;
  /** Seed of the corruptions and sweeps. */
  seed: number;
  /**
   * Test items a cell trained or validated on (`src/evaluate/contamination.ts`): `exclude`
   * (default) scores every cell on the items no cell of the study saw; `refuse` fails a cell
   * that saw any before it trains; `report` scores all and marks the numbers.
   */
  contamination: ContaminationPolicy;
}

/** The two-level paired bootstrap's settings. */
export interface StudyBootstrap {
  replicates: number;
  seed: number;
}

/** One cell: a training run and its evaluation. */
export interface StudyCell {
  /** 0-based position in {@link StudyPlan.cells}. */
  index: number;
  /** `<model>--<recipe>--seed<seed>`: the folder name under `cells/`. */
  id: string;
  model: string;
  recipe: string;
  seed: number;
  /** Epochs this cell trains (override or the recipe's). */
  epochs: number;
}

/** A normalised study: what `study.json` holds. */
export interface StudyPlan {
  schema: "digitkit.study/1";
  name: string;
  description: string;
  models: StudyModel[];
  seeds: number[];
  train: StudyTraining;
  evaluation: StudyEvaluation;
  bootstrap: StudyBootstrap;
  /** Executor settings passed through untouched (e.g. `slurm:` for the Slurm executor). */
  executors: Record<string, unknown>;
  cells: StudyCell[];
}

/**
 * The id of a cell: `<model>--<recipe>--seed<seed>`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cellId } from "./plan.ts";
 * strictEqual(cellId("mdsist-cnn", "mdsist", 3), "mdsist-cnn--mdsist--seed3");
 * ```
 */
export function cellId(model: string, recipe: string, seed: number): string {
  return `${model}--${recipe}--seed${seed}`;
}

const TOP_KEYS = [
  "name",
  "description",
  "models",
  "seeds",
  "train",
  "evaluation",
  "bootstrap",
  "slurm",
  "executors",
];

/**
 * Parses a study file's text into a plan. `file` names the file in error messages, which give
 * the line and column of the offending value and what was expected.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { parseStudy } from "./plan.ts";
 * const plan = parseStudy(
 *   "name: tiny\nmodels: [{model: mlp, recipe: baseline-adam}]\nseeds: 2\ntrain: {epochs: 1}\n",
 *   "tiny.yaml",
 * );
 * deepStrictEqual(plan.cells.map((c) => c.id), ["mlp--baseline-adam--seed1", "mlp--baseline-adam--seed2"]);
 * strictEqual(plan.evaluation.suite, "quick");
 * ```
 */
export function parseStudy(text: string, file: string): StudyPlan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    throw new InputError(file, `line ${pos.line}, column ${pos.col}`, "valid YAML", e.message);
  }
  // An unknown key is pointed at itself, any other problem at its value.
  const keyNode = (path: (string | number)[]) => {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    return isMap(parent)
      ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === path.at(-1))?.key
      : undefined;
  };
  const where = (path: (string | number)[], atKey = false): string => {
    const node = (atKey ? keyNode(path) : doc.getIn(path, true)) as
      | { range?: [number, number, number] }
      | undefined;
    const key = path.map((p) => typeof p === "number" ? `[${p}]` : `.${p}`).join("").slice(1);
    if (!node?.range) return key;
    const pos = lineCounter.linePos(node.range[0]);
    return `line ${pos.line}, column ${pos.col} (${key})`;
  };
  const fail = (
    path: (string | number)[],
    expected: string,
    found?: unknown,
    atKey = false,
  ): never => {
    throw new InputError(
      file,
      where(path, atKey),
      expected,
      found === undefined ? undefined : JSON.stringify(found),
    );
  };
  const root = doc.toJS() as unknown;
  if (!isRecord(root)) return fail([], "a mapping with name, models and seeds", root);
  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.includes(key)) fail([key], `one of the keys ${TOP_KEYS.join(", ")}`, key, true);
  }
  const str = (path: (string | number)[], value: unknown, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || value === "") return fail(path, "a non-empty string", value);
    return value;
  };
  const int = (path: (string | number)[], value: unknown, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      return fail(path, `an integer ≥ ${min}`, value);
    }
    return value;
  };
  const strings = (path: (string | number)[], value: unknown): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return fail(path, "a list of strings", value);
    return value.map((v, i) => str([...path, i], v));
  };
  const section = (key: string, allowed: string[]): Record<string, unknown> => {
    const value = root[key];
    if (value === undefined) return {};
    if (!isRecord(value)) return fail([key], `a mapping of ${allowed.join(", ")}`, value);
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) fail([key, k], `one of ${allowed.join(", ")}`, k, true);
    }
    return value;
  };

  const name = str(["name"], root.name);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) fail(["name"], "letters, digits, '.', '_' or '-'", name);
  if (!Array.isArray(root.models) || root.models.length === 0) {
    fail(["models"], "a non-empty list of {model, recipe}", root.models);
  }
  const models = (root.models as unknown[]).map((entry, i): StudyModel => {
    const m = typeof entry === "string" ? { model: entry } : entry;
    if (!isRecord(m)) return fail(["models", i], "a model name or {model, recipe, epochs}", m);
    for (const k of Object.keys(m)) {
      if (!["model", "recipe", "epochs"].includes(k)) {
        fail(["models", i, k], "one of model, recipe, epochs", k, true);
      }
    }
    const model = str(["models", i, "model"], m.model);
    let spec;
    try {
      spec = getModelSpec(model);
    } catch (error) {
      if (!isUserError(error)) throw error;
      return fail(["models", i, "model"], "a model of 'kit models'", model);
    }
    const recipe = str(["models", i, "recipe"], m.recipe, spec.defaultRecipe);
    try {
      getRecipe(recipe);
    } catch (error) {
      if (!isUserError(error)) throw error;
      fail(["models", i, "recipe"], "a recipe name (see 'kit train --help')", recipe);
    }
    const epochs = int(["models", i, "epochs"], m.epochs, 1);
    return epochs === undefined ? { model, recipe } : { model, recipe, epochs };
  });
  const pairs = models.map((m) => `${m.model}--${m.recipe}`);
  pairs.forEach((p, i) => {
    if (pairs.indexOf(p) !== i) fail(["models", i], "each model × recipe once", p);
  });

  let seeds: number[];
  if (typeof root.seeds === "number") {
    const count = int(["seeds"], root.seeds, 1)!;
    seeds = Array.from({ length: count }, (_, i) => i + 1);
  } else if (Array.isArray(root.seeds) && root.seeds.length > 0) {
    seeds = root.seeds.map((s, i) => int(["seeds", i], s, 0)!);
    seeds.forEach((s, i) => {
      if (seeds.indexOf(s) !== i) fail(["seeds", i], "distinct seeds", s);
    });
  } else {
    return fail(["seeds"], "a seed count ≥ 1 or a non-empty list of seeds", root.seeds);
  }

  const t = section("train", ["limit", "epochs", "emnistDir", "keepTestOut"]);
  if (t.keepTestOut !== undefined && typeof t.keepTestOut !== "boolean") {
    fail(["train", "keepTestOut"], "true or false", t.keepTestOut);
  }
  const train: StudyTraining = { keepTestOut: t.keepTestOut !== false };
  if (t.limit !== undefined) train.limit = int(["train", "limit"], t.limit, 1);
  if (t.epochs !== undefined) train.epochs = int(["train", "epochs"], t.epochs, 1);
  if (t.emnistDir !== undefined) train.emnistDir = str(["train", "emnistDir"], t.emnistDir);

  const e = section("evaluation", [
    "suite",
    "datasets",
    "paths",
    "limit",
    "seed",
    "contamination",
  ]);
  const paths = strings(["evaluation", "paths"], e.paths);
  const datasets = e.datasets === undefined && paths.length === 0
    ? ["mnist"]
    : strings(["evaluation", "datasets"], e.datasets);
  datasets.forEach((d, i) => {
    if (!DATASET_NAMES.includes(d)) {
      fail(["evaluation", "datasets", i], `one of ${DATASET_NAMES.join(", ")}`, d);
    }
  });
  const contamination = e.contamination ?? "exclude";
  if (!(CONTAMINATION_POLICIES as readonly unknown[]).includes(contamination)) {
    fail(["evaluation", "contamination"], CONTAMINATION_POLICIES.join(" | "), contamination);
  }
  const evaluation: StudyEvaluation = {
    suite: str(["evaluation", "suite"], e.suite, "quick"),
    datasets,
    paths,
    seed: int(["evaluation", "seed"], e.seed, 0) ?? 0,
    contamination: contamination as ContaminationPolicy,
  };
  const evalLimit = int(["evaluation", "limit"], e.limit, 1);
  if (evalLimit !== undefined) evaluation.limit = evalLimit;

  const b = section("bootstrap", ["replicates", "seed"]);
  const bootstrap: StudyBootstrap = {
    replicates: int(["bootstrap", "replicates"], b.replicates, 100) ?? 2000,
    seed: int(["bootstrap", "seed"], b.seed, 0) ?? 0,
  };

  const executors: Record<string, unknown> = {};
  if (root.slurm !== undefined) executors.slurm = root.slurm;
  if (root.executors !== undefined) {
    if (!isRecord(root.executors)) fail(["executors"], "a mapping by executor name");
    Object.assign(executors, root.executors);
  }

  const cells: StudyCell[] = [];
  for (const m of models) {
    const epochs = m.epochs ?? train.epochs ?? getRecipe(m.recipe).epochs;
    for (const seed of seeds) {
      cells.push({
        index: cells.length,
        id: cellId(m.model, m.recipe, seed),
        model: m.model,
        recipe: m.recipe,
        seed,
        epochs,
      });
    }
  }
  return {
    schema: "digitkit.study/1",
    name,
    description: root.description === undefined ? "" : str(["description"], root.description),
    models,
    seeds,
    train,
    evaluation,
    bootstrap,
    executors,
    cells,
  };
}

/**
 * Reads and parses a study file; relative evaluation paths are resolved against its folder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readStudyFile } from "./plan.ts";
 * const plan = await readStudyFile(new URL("../../../studies/cards-quick.yaml", import.meta.url).pathname);
 * strictEqual(plan.name, "cards-quick");
 * ```
 */
export async function readStudyFile(path: string): Promise<StudyPlan> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(path, "", "an existing study file");
    }
    throw error;
  }
  const plan = parseStudy(text, path);
  plan.evaluation.paths = plan.evaluation.paths.map((p) => resolve(dirname(path), p));
  return plan;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
