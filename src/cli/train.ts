/**
 * `kit train`: trains a zoo model with a recipe on the recipe's data and split, writing epoch
 * checkpoints and the finished model to a run folder, then evaluates the kept model on the test
 * part of the split.
 *
 * @example
 * ```sh
 * deno task kit train --model keras-mnist-convnet --recipe keras-convnet --json
 * deno task kit train --model mlp --epochs 2 --limit 2000 --out runs/mlp-quick
 * deno task kit train --model kaggle-digit-recognizer --path train.csv --split kaggle-60-20-20
 * deno task kit train --model mlp --epochs 4 --limit 2000 --out runs/mlp-quick --resume
 * ```
 *
 * @module
 */
import { initBackend, parseBackendChoice } from "../backend/mod.ts";
import { getModelSpec } from "../models/zoo.ts";
import { trainRun } from "../pipeline/train_run.ts";
import { formatHistory } from "../train/history.ts";
import { terminalProgress } from "../train/progress.ts";
import { getRecipe } from "../train/recipes.ts";
import { UsageError } from "../util/errors.ts";
import { TrainingInterrupted } from "../train/train.ts";
import { claimOutput } from "../util/output_claim.ts";
import { listenForInterrupts, SIGNAL_EXIT_CODES } from "../util/interrupt.ts";
import { timingMark } from "../util/timing.ts";
import { parseEngineChoice, parsePrecision } from "../train/engines.ts";
import { intFlag, parseFlags, stringFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";

/** `--help` text. */
export const help =
  `usage: deno task kit train --model NAME [--recipe NAME] [--epochs N] [--limit N]
                            [--seed S] [--out DIR] [--resume] [--emnist-dir DIR]
                            [--path FILE|DIR] [--split PRESET]
                            [--backend auto|tensorflow|wasm|cpu] [--threads N]
                            [--engine auto|graph|eager] [--precision float32|bfloat16]
                            [--json]

Trains a model of 'kit models' with a recipe (default: the model's own), on the recipe's data
(or any labelled file or folder with --path) and split preset, showing a progress bar on stderr.
Every epoch is checkpointed atomically in the run folder; --resume continues an interrupted or
finished run (with --epochs to extend it).
The kept weights (best validation loss or last epoch, per the recipe) are evaluated on the test
part of the split and saved as DIR/model.json + weights.bin with DIR/run.json.

  --model NAME     model spec name (see 'kit models')
  --recipe NAME    kaggle-cnn, mdsist, adaptive-pool, keras-convnet, beyond-mnist,
                   baseline-adam, strong-cnn (default: the model's default recipe)
  --epochs N       override the recipe's epoch count
  --limit N        use at most N items of each of train/validation/test (quick runs, tests)
  --seed S         seed of the weights and of shuffling/augmentation/dropout (default 42)
  --out DIR        run folder (default reports/runs/MODEL-RECIPE-sSEED)
  --resume         continue from the newest checkpoint in DIR
  --emnist-dir DIR official EMNIST files, for recipes that train on EMNIST digits
  --path FILE|DIR  train on any labelled file or folder 'kit data --path' reads instead of the
                   recipe's data: a Kaggle train.csv, an IDX pair or folder (MNIST/EMNIST names),
                   the EMNIST gzip.zip (digits), PNG folders with one sub-folder per class
  --split PRESET   kaggle-60-20-20, keras-last-10 or mdsist-70-15-15 (default: the recipe's;
                   kaggle-60-20-20 for a path holding one labelled set, e.g. train.csv)
  --backend B      TensorFlow.js backend (default auto: tensorflow > wasm > cpu)
  --threads N      backend threads
  --engine E       how steps run: graph (the whole step as one libtensorflow graph; tensorflow
                   backend, Adam and RMSprop recipes), eager (tfjs op by op) or auto (default: graph
                   where it applies)
  --precision P    float32 (default) or bfloat16: mixed precision on the graph engine
                   (convolutions and matrix products in bfloat16 on CPUs with AMX or
                   AVX512-BF16; weights, optimizer state and checkpoints stay float32)
  --json           one JSON object: {runDir, model, recipe, backend, engine, seed, epochs, keptEpoch,
                   final: {loss, accuracy, valLoss, valAccuracy, …}, test: {loss, accuracy,
                   count}, wallSeconds, history}`;

/**
 * Runs `kit train`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { run } from "./train.ts";
 * const out = `${await Deno.makeTempDir()}/run`;
 * const { json } = await run(["--model", "logistic-regression", "--epochs", "1", "--limit", "64",
 *   "--out", out]);
 * strictEqual((json as { runDir: string }).runDir, out);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    ...stringFlags(
      "model",
      "recipe",
      "epochs",
      "limit",
      "seed",
      "out",
      "emnist-dir",
      "backend",
      "threads",
      "engine",
      "precision",
    ),
    resume: { type: "boolean" },
    path: { type: "string" },
    split: { type: "string" },
  });
  if (!values.model) {
    throw new UsageError("--model is required (see 'deno task kit models')");
  }
  const spec = getModelSpec(values.model);
  const recipe = getRecipe(values.recipe ?? spec.defaultRecipe);
  const epochs = intFlag("epochs", values.epochs, 1);
  const limit = intFlag("limit", values.limit, 1);
  const seed = intFlag("seed", values.seed, 0) ?? 42;
  const runDir = values.out ?? `reports/runs/${spec.name}-${recipe.name}-s${seed}`;
  await using _lock = await claimOutput(runDir, "kit train", {
    bytes: 1 << 20, // the exact need is checked once the model is built
    purpose: "a checkpoint",
  });
  // Every flag is judged before the backend loads (seconds, and libtensorflow's own output).
  const backendChoice = parseBackendChoice(values.backend);
  const threads = intFlag("threads", values.threads, 1);
  const engine = parseEngineChoice(values.engine);
  const precision = parsePrecision(values.precision);
  const backend = await initBackend(backendChoice, { threads });
  timingMark(`backend ${backend.name} ready`);
  // Ctrl-C stops training cleanly; before and after it, the default (exit at once) applies.
  const interrupts = listenForInterrupts();
  const trained = await trainRun({
    signal: interrupts.signal,
    model: spec.name,
    recipe: recipe.name,
    limit,
    emnistDir: values["emnist-dir"],
    path: values.path,
    split: values.split,
    seed,
    epochs,
    runDir,
    resume: values.resume ?? false,
    engine,
    precision,
    callbacks: [terminalProgress()],
    runInfo: {
      ...(values.path === undefined ? {} : { path: values.path }),
      limit: limit ?? null,
      backendInfo: backend,
      command: ["kit", "train", ...flags].join(" "),
    },
  }).catch((error) => {
    if (error instanceof TrainingInterrupted) return interrupted(error, flags, runDir);
    throw error;
  }).finally(() => interrupts[Symbol.dispose]());
  if ("interrupted" in trained) return trained.interrupted;
  const { result, counts, test, split } = trained;
  result.model.dispose();
  const json = {
    runDir,
    model: spec.name,
    recipe: recipe.name,
    backend: backend.name,
    engine: result.engine,
    precision: result.precision,
    seed,
    epochs: result.history.length,
    keptEpoch: result.keptEpoch,
    final: result.final,
    test,
    data: { ...counts, split, ...(values.path === undefined ? {} : { path: values.path }) },
    wallSeconds: result.wallSeconds,
    history: result.history,
  };
  const text = `${formatHistory(result.history)}\n` +
    `kept epoch ${result.keptEpoch}; test accuracy ${test!.accuracy.toFixed(4)}, loss ` +
    `${test!.loss.toFixed(4)} on ${test!.count} images (${backend.name}, ${result.engine} ` +
    `engine, ${result.precision}, ${result.wallSeconds.toFixed(1)} s)\nrun folder: ${runDir}`;
  return { json, text };
}

/**
 * What `kit train` reports when a signal stopped it: the message and the exact command that
 * resumes the run, on stderr; exit 130 (SIGINT) or 143 (SIGTERM).
 */
function interrupted(
  error: TrainingInterrupted,
  flags: string[],
  runDir: string,
): { interrupted: CommandResult } {
  const args = flags.filter((f) => f !== "--resume");
  if (!args.includes("--out")) args.push("--out", runDir);
  const quote = (a: string) => /^[\w.,\/=:@+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
  const resume = ["deno task kit train", ...args.map(quote), "--resume"].join(" ");
  const canResume = error.lastCheckpoint !== null;
  console.error(
    `kit train: ${error.message}` +
      (canResume ? `; resume with: ${resume}` : "; nothing to resume"),
  );
  return {
    interrupted: {
      json: {
        interrupted: error.reason,
        runDir,
        epoch: error.epoch,
        batch: error.batch,
        lastCheckpoint: error.lastCheckpoint,
        resume: canResume ? resume : null,
      },
      text: "",
      exitCode: SIGNAL_EXIT_CODES[error.reason] ?? 130,
    },
  };
}
