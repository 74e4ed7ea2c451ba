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
import { datasetHelp } from "../data/named.ts";
import { repoRoot } from "../data/paths.ts";
import type { EvaluationFiles } from "../evaluate/folder.ts";
import type {
  ComparisonResult,
  EvaluationResult,
  McNemarMethod,
  ModelInfo,
} from "../evaluate/types.ts";
import { evaluateRuns } from "../pipeline/evaluate.ts";
import { UsageError } from "../util/errors.ts";
import { percent, timestamp } from "../util/format.ts";
import { intFlag, parseFlags, stringFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";
import {
  contaminationLines,
  type ContaminationSummary,
  parseContaminationPolicy,
  scoredOverlap,
} from "../evaluate/contamination.ts";
import { refuseExisting } from "../util/atomic_folder.ts";
import { claimOutput } from "../util/output_claim.ts";

/**
 * `--help` text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { help } from "./eval.ts";
 * strictEqual(help.split("\n")[0], "usage: deno task kit eval --model DIR[,DIR…] [flags] [--json]");
 * ```
 */
export const help = `usage: deno task kit eval --model DIR[,DIR…] [flags] [--json]

Evaluates trained models on test sets: overall and per-class metrics with Wilson intervals,
confusion, calibration, noise/blur/rotation/resolution sweeps, the 15 MNIST-C corruptions at
5 severities, CE/mCE; then compares every pair of models (McNemar, Holm, minimax, overlap).

  --model DIR[,DIR…]     training run folders (or folders holding a tfjs model.json)
  --dataset NAME[,…]     test parts of registered datasets (default mnist unless --path):
${datasetHelp("    ")}
  --emnist-dir DIR       official EMNIST files, for --dataset emnist-digits
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

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Runs `kit eval` on already-split flags (the dispatcher strips `--json`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { run } from "./eval.ts";
 * import { run as train } from "./train.ts";
 * const tmp = await Deno.makeTempDir();
 * await train(["--model", "logistic-regression", "--epochs", "1", "--limit", "64", "--out", `${tmp}/a`]);
 * const { json } = await run(["--model", `${tmp}/a`, "--suite", "quick", "--limit", "50",
 *   "--out", `${tmp}/eval`]);
 * ok(json !== undefined);
 * ok((await Deno.stat(`${tmp}/eval/results.json`)).isFile);
 * await Deno.remove(tmp, { recursive: true });
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    ...stringFlags(
      "model",
      "dataset",
      "path",
      "emnist-dir",
      "suite",
      "limit",
      "out",
      "run",
      "seed",
      "batch",
      "baseline",
      "method",
      "backend",
      "contamination",
    ),
    force: { type: "boolean" },
  });
  const policy = parseContaminationPolicy(values.contamination);
  const modelDirs = list(values.model);
  if (modelDirs.length === 0) throw new UsageError("kit eval needs --model DIR[,DIR…]");
  const method = (values.method ?? "midp") as McNemarMethod;
  if (method !== "midp" && method !== "exact") {
    throw new UsageError(`--method must be midp or exact, got '${values.method}'`);
  }
  const paths = list(values.path);
  const seed = intFlag("seed", values.seed, 0) ?? 0;
  const limit = intFlag("limit", values.limit, 1);
  const batchSize = intFlag("batch", values.batch, 1) ?? 1000;
  const out = values.out ?? join(repoRoot(), "reports", values.run ?? `eval-${timestamp()}`);
  const force = values.force ?? false;
  await using _lock = await claimOutput(out, "kit eval", { bytes: 2 ** 20, purpose: "a report" });
  if (!force) await refuseExisting(out);
  const { initBackend, parseBackendChoice } = await import("../backend/mod.ts");
  const backend = await initBackend(parseBackendChoice(values.backend ?? "auto"));
  const { result, comparison, files } = await evaluateRuns({
    runs: modelDirs,
    datasets: list(values.dataset ?? (paths.length ? "" : "mnist")),
    paths,
    emnistDir: values["emnist-dir"],
    suite: values.suite,
    out,
    force,
    contamination: policy,
    method,
    seed,
    limit,
    batchSize,
    baseline: values.baseline,
    backend: backend.name,
    versions: { ...backend.versions } as Record<string, string>,
  });
  const summary = summarize(result, comparison, files);
  return { json: summary, text: formatSummary(summary) };
}

/** The stdout summary of `kit eval`. */
export interface EvalSummary {
  out: EvaluationFiles;
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
 * import { strictEqual } from "node:assert";
 * import { summarize } from "./eval.ts";
 * import { compare } from "../evaluate/compare.ts";
 * import { evaluate } from "../evaluate/runner.ts";
 * import { codedClassifier, codedDigits } from "../testing.ts";
 * const r = await evaluate([codedClassifier("a")], [codedDigits(20)], { progress: null });
 * const files = { results: "r.json", comparison: "c.json", predictions: "p.csv" };
 * const { accuracy, misclassification } = summarize(r, compare(r), files).models[0].clean.coded;
 * strictEqual(accuracy, 1);
 * strictEqual(misclassification, 0);
 * ```
 */
export function summarize(
  result: EvaluationResult,
  comparison: ComparisonResult,
  files: EvaluationFiles,
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
  const lines = [
    `suite ${s.suite}: ${s.conditions} conditions on ${
      Object.entries(s.items).map(([k, v]) => `${k} (${v})`).join(", ")
    }, backend ${s.backend}, ${s.wallSeconds.toFixed(1)} s`,
  ];
  for (const m of s.models) {
    const mark = (set: string) => scoredOverlap(s.contamination, m.name, set) > 0 ? "*" : "";
    const clean = Object.entries(m.clean).map(([set, c]) =>
      `${set} ${percent(c.misclassification)}${mark(set)} [${percent(c.lower)}, ${
        percent(c.upper)
      }]`
    );
    const corrupted = Object.entries(m.meanCorruptionError).map(([set, e]) =>
      `${set} corrupted ${percent(e)}${mark(set)}${
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
          `${percent(m.protocol.accuracy)} on ${m.protocol.n} items`,
      );
    }
  }
  if (s.contamination) lines.push(...contaminationLines(s.contamination));
  lines.push(`minimax selection: ${s.minimax.selected}`);
  lines.push(`wrote ${s.out.results}, ${s.out.comparison}, ${s.out.predictions}`);
  return lines.join("\n");
}
