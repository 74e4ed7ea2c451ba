/**
 * `kit eval`: disaggregated evaluation of trained models on test sets under a suite of sweeps
 * and corruptions, with paired comparison of the models. Writes `results.json`,
 * `comparison.json` and `predictions.csv` atomically into the run folder.
 *
 * @example
 * ```sh
 * deno task kit eval --model runs/a,runs/b --dataset mnist,emnist-digits-sample --suite quick --json
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { DigitDataset } from "../data/types.ts";
import { loadEmnistDigitsSample, loadMnist, loadPath, repoRoot } from "../data/mod.ts";
import { compare } from "../evaluate/compare.ts";
import { augmentRenderer, augmentSuite } from "../evaluate/conditions.ts";
import { predictionsHeader, predictionsRows } from "../evaluate/predictions_csv.ts";
import {
  applyContaminationPolicy,
  contaminationLines,
  type ContaminationSummary,
  parseContaminationPolicy,
  scoredOverlap,
  seenItemsWithImages,
} from "../evaluate/contamination.ts";
import { readRunItems } from "../train/items_record.ts";
import { evaluate, type EvaluateOptions } from "../evaluate/runner.ts";
import type {
  ComparisonResult,
  EvaluationResult,
  McNemarMethod,
  ModelInfo,
} from "../evaluate/types.ts";
import type { Classifier } from "../models/classifier.ts";
import { UsageError } from "../util/errors.ts";
import { refuseExisting, writeFolderAtomic } from "../util/atomic_folder.ts";
import { claimOutput } from "../util/output_claim.ts";
import { refuseNonFiniteOutputs } from "../evaluate/sanity.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { CommandResult } from "./commands.ts";

/**
 * `--help` text.
 *
 * @example
 * ```ts
 * import { help } from "./eval.ts";
 * console.log(help.split("\n")[0]);
 * ```
 */
export const help = `usage: deno task kit eval --model DIR[,DIR…] [flags] [--json]

Evaluates trained models on test sets: overall and per-class metrics with Wilson intervals,
confusion, calibration, noise/blur/rotation/resolution sweeps, the 15 MNIST-C corruptions at
5 severities, CE/mCE; then compares every pair of models (McNemar, Holm, minimax, overlap).

  --model DIR[,DIR…]     training run folders (or folders holding a tfjs model.json)
  --dataset NAME[,…]     mnist (the 10,000 test images) | emnist-digits-sample (600 real
                         EMNIST test digits from ../shared); default mnist unless --path
  --path FILE|DIR[,…]    labelled test sets in any format \`kit data\` reads (IDX, Kaggle CSV,
                         EMNIST zip, PNG folders); evaluated beside --dataset
  --suite NAME           quick (3 sweeps, 3 corruptions × severities 1,3,5, 500 items) |
                         default (all sweeps, 15 corruptions × 5) | full (denser sweeps)
  --limit N              evaluate only the first N items of each test set
  --out DIR              output folder (default reports/<run>); claimed exclusively while
                         written, its files appear together when complete
  --force                replace an existing --out folder (refused otherwise)
  --run NAME             run name for the default output folder (default eval-<time>)
  --seed N               corruption/sweep seed (default 0)
  --batch N              images per predict call (default 1000)
  --baseline NAME        model that normalises CE/mCE (default: the first model)
  --method midp|exact    McNemar p used for significance and letters (default midp)
  --backend NAME         auto | tensorflow | wasm | cpu (default auto)
  --contamination P      test items a model trained or validated on (found by item provenance
                         and pixel fingerprint, from the run's items.json): exclude (default:
                         score every model on the items none of them saw) | refuse (stop) |
                         report (score all, mark affected numbers)
  --json                 print the summary as one JSON object

Writes DIR/results.json (EvaluationResult), DIR/comparison.json (ComparisonResult) and
DIR/predictions.csv (${"model,test_set,kind,factor,level,item_id,true_label,predicted_label,confidence"}).`;

/** Where {@link evaluateToDirectory} wrote. */
export interface EvalFiles {
  results: string;
  comparison: string;
  predictions: string;
}

/** Options of {@link evaluateToDirectory}: the runner's plus the output folder. */
export interface EvalToDirectoryOptions extends EvaluateOptions {
  out: string;
  /** Replace an existing non-empty `out` (refused otherwise). */
  force?: boolean;
  method?: McNemarMethod;
}

/**
 * Evaluates, compares and writes the three output files as the folder `options.out`; the
 * library path of `kit eval` once models and test sets are loaded. The files are written into
 * a temporary sibling folder renamed into place at the end, so they appear together or not at
 * all; an existing non-empty folder is refused unless `force` (then replaced).
 *
 * @example
 * ```ts ignore
 * import { evaluateToDirectory } from "./eval.ts";
 * import { codedClassifier, codedDigits } from "../evaluate/testing.ts";
 * const { files } = await evaluateToDirectory([codedClassifier("a")], [codedDigits(20)],
 *   { out: (await Deno.makeTempDir()) + "/eval", progress: null });
 * console.log(files.results);
 * ```
 */
export async function evaluateToDirectory(
  classifiers: readonly Classifier[],
  testSets: readonly DigitDataset[],
  options: EvalToDirectoryOptions,
): Promise<{ result: EvaluationResult; comparison: ComparisonResult; files: EvalFiles }> {
  const files: EvalFiles = {
    results: join(options.out, "results.json"),
    comparison: join(options.out, "comparison.json"),
    predictions: join(options.out, "predictions.csv"),
  };
  const { result, comparison } = await writeFolderAtomic(options.out, async (temp) => {
    using csv = await Deno.open(join(temp, "predictions.csv"), { write: true, createNew: true });
    const encoder = new TextEncoder();
    const write = async (text: string) => {
      const bytes = encoder.encode(text);
      for (let offset = 0; offset < bytes.length;) {
        offset += await csv.write(bytes.subarray(offset));
      }
    };
    await write(predictionsHeader());
    const result = await evaluate(classifiers, testSets, {
      ...options,
      onPredictions: async (p) => {
        await write(predictionsRows(p));
        await options.onPredictions?.(p);
      },
    });
    const comparison = compare(result, { method: options.method });
    await Deno.writeTextFile(join(temp, "results.json"), JSON.stringify(result));
    await Deno.writeTextFile(join(temp, "comparison.json"), JSON.stringify(comparison));
    return { result, comparison };
  }, { force: options.force });
  return { result, comparison, files };
}

/** Loads the named test sets (`mnist`, `emnist-digits-sample`) and any labelled files. */
async function loadTestSets(names: string[], paths: string[]): Promise<DigitDataset[]> {
  const sets: DigitDataset[] = [];
  for (const name of names) {
    if (name === "mnist") sets.push(await loadMnist("test"));
    else if (name === "emnist-digits-sample") sets.push((await loadEmnistDigitsSample()).sample);
    else throw new UsageError(`unknown --dataset '${name}' (known: mnist, emnist-digits-sample)`);
  }
  for (const path of paths) {
    const loaded = await loadPath(path);
    if (loaded.datasets.length === 0) {
      throw new UsageError(`--path ${path}: no images found (${loaded.format})`);
    }
    sets.push(...loaded.datasets);
  }
  return sets;
}

/** Facts about a trained model from its run folder's `run.json`, when there is one. */
async function runFacts(dir: string): Promise<Partial<ModelInfo>> {
  const facts: Partial<ModelInfo> = { source: dir };
  let run: Record<string, unknown>;
  try {
    run = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  } catch {
    return facts; // a bare model.json folder: nothing more is known
  }
  const data = run.data as { train?: { name?: unknown } } | undefined;
  if (typeof run.model === "string") facts.architecture = run.model;
  if (typeof run.seed === "number") facts.seed = run.seed;
  if (typeof data?.train?.name === "string") facts.trainedOn = data.train.name;
  if (typeof run.dataChecksum === "string") facts.dataChecksum = run.dataChecksum;
  const test = run.test as { accuracy?: unknown; count?: unknown } | undefined;
  if (typeof test?.accuracy === "number" && typeof test.count === "number") {
    const split = typeof run.split === "string" ? run.split : "the recipe's split";
    facts.protocol = {
      testSet: `the test part of ${split}`,
      accuracy: test.accuracy,
      n: test.count,
      note: "as `kit train` measured it",
    };
  }
  return facts;
}

/** Renames duplicates (two runs of the same model) to name, name#2, … */
function uniqueNames(classifiers: Classifier[]): Classifier[] {
  const seen = new Map<string, number>();
  return classifiers.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c : { ...c, name: `${c.name}#${n}`, predict: c.predict.bind(c) };
  });
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
}

/**
 * Runs `kit eval` on already-split flags (the dispatcher strips `--json`).
 *
 * @example
 * ```ts ignore
 * import { run } from "./eval.ts";
 * const { json } = await run(["--model", "runs/a", "--suite", "quick"]);
 * console.log(json);
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    model: { type: "string" },
    dataset: { type: "string" },
    path: { type: "string" },
    suite: { type: "string" },
    limit: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    run: { type: "string" },
    seed: { type: "string" },
    batch: { type: "string" },
    baseline: { type: "string" },
    method: { type: "string" },
    backend: { type: "string" },
    contamination: { type: "string" },
  });
  const policy = parseContaminationPolicy(values.contamination);
  const modelDirs = list(values.model);
  if (modelDirs.length === 0) throw new UsageError("kit eval needs --model DIR[,DIR…]");
  const method = (values.method ?? "midp") as McNemarMethod;
  if (method !== "midp" && method !== "exact") {
    throw new UsageError(`--method must be midp or exact, got '${values.method}'`);
  }
  const suite = augmentSuite(values.suite ?? "default");
  const limit = intFlag("limit", values.limit, 1) ?? suite.defaultLimit;
  const seed = intFlag("seed", values.seed, 0) ?? 0;
  const batchSize = intFlag("batch", values.batch, 1) ?? 1000;
  const paths = list(values.path);
  const out = values.out ?? join(repoRoot(), "reports", values.run ?? `eval-${timestamp()}`);
  const force = values.force ?? false;
  await using _lock = await claimOutput(out, "kit eval", { bytes: 2 ** 20, purpose: "a report" });
  if (!force) await refuseExisting(out);
  const { initBackend, parseBackendChoice } = await import("../backend/mod.ts");
  const backendChoice = parseBackendChoice(values.backend ?? "auto");
  const testSets = await loadTestSets(list(values.dataset ?? (paths.length ? "" : "mnist")), paths);
  const backend = await initBackend(backendChoice);
  // TODO(train): loadClassifier lives in src/train/checkpoint.ts (training engineer).
  const { loadClassifier } = await import("../train/checkpoint.ts");
  const classifiers = uniqueNames(await Promise.all(modelDirs.map((d) => loadClassifier(d))));
  const names = classifiers.map((c) => c.name);
  const baseline = values.baseline ?? (names.length > 1 ? names[0] : null);
  if (baseline !== null && !names.includes(baseline)) {
    throw new UsageError(`--baseline '${baseline}' is not one of the models: ${names.join(", ")}`);
  }
  const records = await Promise.all(modelDirs.map(readRunItems));
  const seen = await Promise.all(records.map((r) => r && seenItemsWithImages(r)));
  const checked = applyContaminationPolicy(
    names.map((name, i) => ({ name, seen: seen[i] })),
    testSets,
    policy,
    { limit },
  );
  await refuseNonFiniteOutputs(classifiers, checked.testSets, modelDirs);
  const { result, comparison, files } = await evaluateToDirectory(classifiers, checked.testSets, {
    out,
    force,
    contamination: checked.summary,
    method,
    conditions: suite.conditions,
    units: suite.units,
    suite: suite.name,
    render: augmentRenderer(),
    seed,
    limit,
    batchSize,
    baseline,
    backend: backend.name,
    versions: { ...backend.versions } as Record<string, string>,
    modelInfo: Object.fromEntries(
      await Promise.all(names.map(async (name, i) => [name, await runFacts(modelDirs[i])])),
    ),
  });
  const summary = summarize(result, comparison, files);
  return { json: summary, text: formatSummary(summary) };
}

/** The stdout summary of `kit eval`. */
export interface EvalSummary {
  out: EvalFiles;
  suite: string;
  backend: string | null;
  conditions: number;
  items: Record<string, number>;
  wallSeconds: number;
  corruptionImagesPerSecond: number;
  models: {
    name: string;
    imagesPerSecond: number;
    clean: Record<
      string,
      { accuracy: number; misclassification: number; lower: number; upper: number }
    >;
    meanCorruptionError: Record<string, number>;
    mCE: Record<string, number | null>;
    /** The recipe's own test-split result from `run.json`, labelled apart. */
    protocol?: ModelInfo["protocol"];
  }[];
  minimax: { selected: string; worst: Record<string, number> };
  /** The overlap check and policy applied before scoring, when one ran. */
  contamination?: ContaminationSummary;
}

/**
 * The short summary printed by `kit eval`.
 *
 * @example
 * ```ts
 * import { summarize } from "./eval.ts";
 * import { compare } from "../evaluate/compare.ts";
 * import { evaluate } from "../evaluate/runner.ts";
 * import { codedClassifier, codedDigits } from "../evaluate/testing.ts";
 * const r = await evaluate([codedClassifier("a")], [codedDigits(20)], { progress: null });
 * const files = { results: "r.json", comparison: "c.json", predictions: "p.csv" };
 * console.log(summarize(r, compare(r), files).models[0].clean); // { coded: { accuracy: 1, … } }
 * ```
 */
export function summarize(
  result: EvaluationResult,
  comparison: ComparisonResult,
  files: EvalFiles,
): EvalSummary {
  return {
    out: files,
    suite: result.metadata.suite,
    backend: result.metadata.backend,
    conditions: new Set(result.conditions.map((c) => `${c.kind}/${c.factor}/${c.level}`)).size,
    items: Object.fromEntries(result.testSets.map((s) => [s.name, s.count])),
    wallSeconds: result.metadata.wallSeconds,
    corruptionImagesPerSecond: result.metadata.corruptionImagesPerSecond,
    models: result.models.map((m) => {
      const clean = result.conditions.filter((c) => c.model === m.name && c.kind === "clean");
      const robust = result.robustness.filter((r) => r.model === m.name);
      return {
        name: m.name,
        imagesPerSecond: m.imagesPerSecond,
        clean: Object.fromEntries(clean.map((c) => [c.testSet, {
          accuracy: c.overall.accuracy,
          misclassification: c.overall.misclassification,
          lower: c.overall.misclassificationCi.lower,
          upper: c.overall.misclassificationCi.upper,
        }])),
        meanCorruptionError: Object.fromEntries(
          robust.map((r) => [r.testSet, r.meanCorruptionError]),
        ),
        mCE: Object.fromEntries(robust.map((r) => [r.testSet, r.mCE])),
        ...(m.protocol ? { protocol: m.protocol } : {}),
      };
    }),
    minimax: {
      selected: comparison.minimax.selected,
      worst: Object.fromEntries(comparison.minimax.entries.map((e) => [e.model, e.worst])),
    },
    ...(result.contamination ? { contamination: result.contamination } : {}),
  };
}

function formatSummary(s: EvalSummary): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const lines = [
    `suite ${s.suite}: ${s.conditions} conditions on ${
      Object.entries(s.items).map(([k, v]) => `${k} (${v})`).join(", ")
    }, backend ${s.backend}, ${s.wallSeconds.toFixed(1)} s`,
  ];
  for (const m of s.models) {
    const mark = (set: string) => scoredOverlap(s.contamination, m.name, set) > 0 ? "*" : "";
    const clean = Object.entries(m.clean).map(([set, c]) =>
      `${set} ${pct(c.misclassification)}${mark(set)} [${pct(c.lower)}, ${pct(c.upper)}]`
    );
    const corrupted = Object.entries(m.meanCorruptionError).map(([set, e]) =>
      `${set} corrupted ${pct(e)}${mark(set)}${
        m.mCE[set] === null ? "" : ` mCE ${m.mCE[set]!.toFixed(3)}`
      }`
    );
    lines.push(
      `  ${m.name}: misclassified ${[...clean, ...corrupted].join("; ")}; ${
        m.imagesPerSecond.toFixed(0)
      } img/s`,
    );
    if (m.protocol) {
      lines.push(
        `    protocol result (${m.protocol.testSet}; not comparable): accuracy ` +
          `${pct(m.protocol.accuracy)} on ${m.protocol.n} items`,
      );
    }
  }
  if (s.contamination) lines.push(...contaminationLines(s.contamination));
  lines.push(`minimax selection: ${s.minimax.selected}`);
  lines.push(`wrote ${s.out.results}, ${s.out.comparison}, ${s.out.predictions}`);
  return lines.join("\n");
}
