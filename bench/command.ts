/**
 * `kit bench`: speed against PyTorch on this machine (see `harness.ts`). The command lives
 * with the benchmarks, not in `src/`: the library does not depend on them; `src/cli/commands.ts`
 * loads this module only when `kit bench` runs.
 *
 * @module
 */
import { join } from "node:path";
import { type BenchOptions, runBench } from "./harness.ts";
import { torchCandidates } from "./peer.ts";
import { benchTable } from "./table.ts";
import { type BackendName, BACKENDS_BY_SPEED } from "../src/backend/select.ts";
import { bfloat16MissingReason, describeBackends } from "../src/backend/mod.ts";
import { repoRoot } from "../src/data/paths.ts";
import { UsageError } from "../src/util/errors.ts";
import { writeJsonAtomic } from "../src/util/fs.ts";
import type { CommandResult } from "../src/cli/command_types.ts";
import { intFlag, parseFlags, stringFlags } from "../src/cli/args.ts";

/** `--help` text. */
export const help = `usage: deno task bench [flags] [--json]

Measures training and inference images/s (float32 on every engine; bfloat16 mixed precision on
the graph engine too, beside PyTorch's bf16 autocast, where the CPU has AMX or AVX512-BF16), the
corruption-suite time, MNIST load and Kaggle CSV parse times on each available backend, alternating with the same figures in PyTorch (newest
torch found: $DIGITKIT_TORCH_PYTHON, .tools/torch-venv, python3, /usr/bin/python3). Writes
reports/bench/<date>.json.

  --backends LIST     comma-separated (default: every available backend but cpu)
  --engines LIST      training engines on tensorflow: graph,eager (default both)
  --rounds N          alternating rounds, medians reported (default 3)
  --threads N         threads on both sides (default: cores)
  --train-images N    images per measured epoch (default 8192)
  --infer-images N    images for inference (default 10000)
  --suite NAME        evaluation suite to time: quick|default|full (default default)
  --suite-images N    MNIST test images for the suite timing (default 10000)
  --tiny              smoke-test sizes (1 round, 512 images, quick suite on 200 images)`;

/** Runs the benchmark. */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    ...stringFlags(
      "backends",
      "engines",
      "rounds",
      "threads",
      "train-images",
      "infer-images",
      "suite",
      "suite-images",
    ),
    tiny: { type: "boolean" },
  });
  const tiny = values.tiny ?? false;
  const threads = intFlag("threads", values.threads, 1) ?? navigator.hardwareConcurrency;
  // libtensorflow fixes its thread pools when it first loads: pass the count before that.
  const described = await describeBackends("auto", { threads });
  const ready = described.backends.filter((b) => b.state === "ready").map((b) => b.name);
  const backends = values.backends
    ? values.backends.split(",").map((b) => b.trim() as BackendName)
    : ready.filter((b) => b !== "cpu");
  for (const b of backends) {
    if (!BACKENDS_BY_SPEED.includes(b)) throw new UsageError(`unknown backend '${b}'`);
    if (!ready.includes(b)) throw new UsageError(`backend '${b}' is not available here`);
  }
  if (backends.length === 0) throw new UsageError("no fast backend available: run deno task setup");
  const engines = (values.engines ?? "graph,eager").split(",").map((e) => e.trim());
  for (const e of engines) {
    if (e !== "graph" && e !== "eager") {
      throw new UsageError(`--engines: unknown engine '${e}' (expected graph or eager)`);
    }
  }
  const options: BenchOptions = {
    backends,
    engines: engines as BenchOptions["engines"],
    rounds: intFlag("rounds", values.rounds, 1) ?? (tiny ? 1 : 3),
    threads,
    trainModels: ["keras-mnist-convnet", "mdsist-cnn"],
    // Both sides' bfloat16 mixed precision, where the CPU has the instructions for it.
    bf16Models: backends.includes("tensorflow") && bfloat16MissingReason() === undefined
      ? ["keras-mnist-convnet"]
      : [],
    trainImages: intFlag("train-images", values["train-images"], 128) ?? (tiny ? 512 : 8192),
    batch: 128,
    inferModel: "keras-mnist-convnet",
    inferImages: intFlag("infer-images", values["infer-images"], 1) ?? (tiny ? 1000 : 10_000),
    inferBatch: 1000,
    suite: values.suite ?? (tiny ? "quick" : "default"),
    suiteImages: intFlag("suite-images", values["suite-images"], 1) ?? (tiny ? 200 : 10_000),
    torchCandidates: torchCandidates(repoRoot()),
    log: (line) => console.error(`[bench] ${line}`),
  };
  const report = await runBench(options);
  const file = join(repoRoot(), "reports", "bench", `${report.date.replaceAll(":", "-")}.json`);
  await Deno.mkdir(join(repoRoot(), "reports", "bench"), { recursive: true });
  await writeJsonAtomic(file, report);
  const table = benchTable(report);
  return { json: { ...report, file }, text: `${table}\n\nwritten: ${file}` };
}
