/**
 * `deno task report`: the main job. Trains the seed architectures with a profile, runs the
 * default evaluation, and writes the comparison report plus one model card per model into
 * `reports/<run>/`.
 *
 * @example
 * ```sh
 * deno task report                       # quick profile, reports/report-<time>/
 * deno task report --profile full --out cards-2026 --force --json
 * ```
 *
 * @module
 */
import { parseEngineChoice } from "../train/engines.ts";
import { runReportJob, SEED_ARCHITECTURES } from "../pipeline/report_job.ts";
import { UsageError } from "../util/errors.ts";
import { percent, timestamp } from "../util/format.ts";
import { intFlag, parseFlags, stringFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";

/** `--help` text. */
export const help = `usage: deno task report [flags] [--json]

Trains the seed model cards' architectures, evaluates them (clean, noise/blur/rotation sweeps,
MNIST-C corruptions, calibration, MNIST → EMNIST sample), compares them (McNemar, Holm,
minimax, CE/mCE) and writes reports/<run>/: report.md, card-<model>.md, report.html (offline),
figures/*.svg|png, specs/*.vl.json, results.json, metrics.csv, card-metadata.yaml.

  --profile quick|full   quick (default): 1 epoch on ≤12,000 training digits per model and the
                         default suite on the first 300 digits of each test set (minutes);
                         full: the cards' recipes on all data, default suite on all test
                         digits (hours)
  --out NAME             run name: the folder under --root (default report-<time>)
  --root DIR             parent folder of reports (default <repo>/reports)
  --force                replace an existing report of the same name
  --models A,B,…         zoo models to train (default ${SEED_ARCHITECTURES.join(",")})
  --epochs N             epochs per model (overrides the profile)
  --train-limit N        at most N train and N validation digits per model (stratified)
  --eval-limit N         evaluate the first N digits of each test set
  --suite NAME           evaluation suite: quick | default | full
  --seed N               training seed (default 1)
  --eval-seed N          corruption/sweep seed (default 0)
  --backend NAME         auto | tensorflow | wasm | cpu (default auto)
  --engine NAME          training steps: auto | graph | eager (default auto: graph where it
                         applies: tensorflow backend, Adam and RMSprop recipes)
  --metadata FILE        YAML/JSON with the cards' qualitative text (see card-metadata.yaml)
  --emnist-dir DIR       official EMNIST files, for beyond-mnist in the full profile
  --json                 print the summary as one JSON object`;

/** Runs `kit report`. */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(flags, {
    ...stringFlags(
      "profile",
      "out",
      "root",
      "models",
      "epochs",
      "train-limit",
      "eval-limit",
      "suite",
      "seed",
      "eval-seed",
      "backend",
      "engine",
      "metadata",
      "emnist-dir",
    ),
    force: { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const runName = values.out ?? `report-${timestamp()}`;
  if (!/^[\w.-]+$/.test(runName) || runName.startsWith(".")) {
    throw new UsageError(
      `--out must be a plain folder name (letters, digits, . _ -), got '${runName}'`,
    );
  }
  const models = values.models?.split(",").map((s) => s.trim()).filter(Boolean);
  const result = await runReportJob({
    runName,
    profile: values.profile ?? "quick",
    root: values.root,
    force: values.force ?? false,
    models,
    epochs: intFlag("epochs", values.epochs, 1),
    trainLimit: intFlag("train-limit", values["train-limit"], 10),
    evalLimit: intFlag("eval-limit", values["eval-limit"], 10),
    suite: values.suite,
    seed: intFlag("seed", values.seed, 0),
    evalSeed: intFlag("eval-seed", values["eval-seed"], 0),
    backend: values.backend,
    engine: parseEngineChoice(values.engine),
    metadataPath: values.metadata,
    emnistDir: values["emnist-dir"],
    command: ["deno task report", ...flags].join(" "),
  });
  const lines = [
    `report written to ${result.dir}/`,
    `  report.md, report.html, ${result.models.length} model cards, figures/, specs/, ` +
    "results.json, metrics.csv",
    ...result.models.map((m) =>
      `  ${m.name.padEnd(26)} clean error ${m.cleanError === null ? "—" : percent(m.cleanError)}` +
      `  trained in ${m.trainingSeconds.toFixed(0)} s`
    ),
    `  backend ${result.backend}, total ${result.wallSeconds.total.toFixed(0)} s`,
  ];
  return { json: result, text: lines.join("\n") };
}
