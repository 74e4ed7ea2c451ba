/**
 * `kit bench`: speed against PyTorch and Keras 3 on TensorFlow on this machine (see
 * `harness.ts`); `--setup-peers` makes their venvs (`setup_peers.ts`). The command lives
 * with the benchmarks, not in `src/`: the library does not depend on them; `src/cli/commands.ts`
 * loads this module only when `kit bench` runs.
 *
 * @module
 */
import { join } from "node:path";
import { type BenchOptions, runBench } from "./harness.ts";
import { getPeer, peerCandidates, PEERS } from "./peer.ts";
import { setupPeer } from "./setup_peers.ts";
import { benchTable } from "./table.ts";
import { type BackendName, BACKENDS_BY_SPEED } from "../src/backend/select.ts";
import { bfloat16MissingReason, describeBackends } from "../src/backend/mod.ts";
import { repoRoot } from "../src/data/paths.ts";
import { UsageError } from "../src/util/errors.ts";
import { writeJsonAtomic } from "../src/util/fs.ts";
import { preflightOutput } from "../src/util/preflight.ts";
import type { CommandResult } from "../src/cli/command_types.ts";
import { intFlag, parseFlags, stringFlags } from "../src/cli/args.ts";

/** `--help` text. */
export const help = `usage: deno task bench [flags] [--json]

Measures training and inference images/s (float32 on every engine; bfloat16 mixed precision on
the graph engine too, beside the peers' bfloat16 mixed precision, where the CPU has AMX or
AVX512-BF16), the corruption-suite time, MNIST load and Kaggle CSV parse times on each available
backend, and one whole \`kit train --epochs 1\` process, alternating with the same figures in the
peers: PyTorch (newest torch among $DIGITKIT_TORCH_PYTHON or .tools/torch-venv, python3,
/usr/bin/python3) and Keras 3 on TensorFlow CPU ($DIGITKIT_KERAS_PYTHON or .tools/keras-venv,
python3, /usr/bin/python3); a peer that is not found is skipped with a message. Ratios are
against the fastest peer of each figure. Writes reports/bench/<date>.json.

  --setup-peers [LIST]  make the peers' venvs (python3 -m venv + pip install, pinned versions)
                      and exit; LIST defaults to every peer (pytorch,keras)
  --peers LIST        peers to measure (default pytorch,keras)
  --no-whole-process  skip the whole-process one-epoch figure (about 10–20 s per side per round)
  --backends LIST     comma-separated (default: every available backend but cpu)
  --engines LIST      training engines on tensorflow: graph,eager (default both)
  --rounds N          alternating rounds, medians reported (default 3)
  --threads N         threads on every side (default: cores)
  --train-images N    images per measured epoch (default 8192)
  --infer-images N    images for inference (default 10000)
  --suite NAME        evaluation suite to time: quick|default|full (default default)
  --suite-images N    MNIST test images for the suite timing (default 10000)
  --tiny              smoke-test sizes (1 round, 512 images, quick suite on 200 images, no
                      whole-process figure)

  --study [FILE]      instead: the study benchmark (default studies/bench-keras-mdsist.yaml, the
                      Keras card and mdsist-cnn × 5 seeds, full recipes, default suite): wall
                      time and time per cell for each --study-layouts (CELLSxTHREADS, default
                      1x2,2x1: one cell with two threads vs two cells with one thread each)
  --study-layouts L   layouts of the study benchmark`;

/** Runs the benchmark. */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(flags, {
    ...stringFlags(
      "backends",
      "engines",
      "rounds",
      "threads",
      "train-images",
      "infer-images",
      "suite",
      "suite-images",
      "peers",
    ),
    tiny: { type: "boolean" },
    study: { type: "boolean" },
    "study-layouts": { type: "string" },
    "setup-peers": { type: "boolean" },
    "no-whole-process": { type: "boolean" },
  }, { allowPositionals: true });
  if (values["setup-peers"]) return await setupPeers(positionals);
  if (values.study) return await studyBench(positionals[0], values["study-layouts"]);
  if (positionals.length) {
    throw new UsageError(`unexpected argument '${positionals[0]}' (see deno task bench --help)`);
  }
  const peers = listFlag(values.peers) ?? PEERS.map((p) => p.name);
  for (const p of peers) checkPeerName(p, "--peers");
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
    peerCandidates: Object.fromEntries(
      peers.map((name) => [name, peerCandidates(getPeer(name), repoRoot())]),
    ),
    wholeProcessModel: tiny || values["no-whole-process"] ? null : "keras-mnist-convnet",
    log: (line) => console.error(`[bench] ${line}`),
  };
  const folder = join(repoRoot(), "reports", "bench");
  await preflightOutput(folder, { bytes: 1 << 20, purpose: "the bench report" });
  const report = await runBench(options);
  const file = join(folder, `${report.date.replaceAll(":", "-")}.json`);
  await Deno.mkdir(folder, { recursive: true });
  await writeJsonAtomic(file, report);
  const table = benchTable(report);
  return { json: { ...report, file }, text: `${table}\n\nwritten: ${file}` };
}

async function studyBench(file: string | undefined, layouts: string | undefined) {
  const { parseLayouts, runStudyBench } = await import("./study_bench.ts");
  let parsed;
  try {
    parsed = parseLayouts(layouts ?? "1x2,2x1");
  } catch (error) {
    throw new UsageError(`--study-layouts: ${(error as Error).message}`);
  }
  const study = file ?? join(repoRoot(), "studies", "bench-keras-mdsist.yaml");
  const result = await runStudyBench(study, parsed, join(repoRoot(), "reports", "bench", "study"));
  const out = join(repoRoot(), "reports", "bench", `study-${new Date().toISOString()}.json`);
  await writeJsonAtomic(out.replaceAll(":", "-"), result);
  const text = [
    `study benchmark: ${study}`,
    ...result.layouts.map((l) =>
      `  ${l.parallel}x${l.threads}: ${l.wallSeconds.toFixed(0)} s wall, ${
        l.meanCellSeconds.toFixed(0)
      } s per cell (${l.cells.length} cells${l.failed ? `, ${l.failed} failed` : ""})`
    ),
    `fastest: ${result.fastest}`,
  ].join("\n");
  return { json: result, text };
}

function listFlag(value: string | undefined): string[] | undefined {
  return value?.split(",").map((v) => v.trim()).filter((v) => v);
}

function checkPeerName(name: string, flag: string): void {
  if (!PEERS.some((p) => p.name === name)) {
    throw new UsageError(
      `${flag}: unknown peer '${name}' (expected ${PEERS.map((p) => p.name).join(", ")})`,
    );
  }
}

/** `--setup-peers [pytorch,keras]`: makes the venvs, then reports each peer's version. */
async function setupPeers(positionals: string[]): Promise<CommandResult> {
  const names = listFlag(positionals.join(",")) ?? [];
  const chosen = names.length ? names : PEERS.map((p) => p.name);
  for (const name of chosen) checkPeerName(name, "--setup-peers");
  const versions: Record<string, string> = {};
  for (const name of chosen) {
    const spec = getPeer(name);
    versions[name] = await setupPeer(spec, repoRoot(), (line) => console.error(`[bench] ${line}`));
  }
  return {
    json: { peers: versions },
    text: chosen.map((name) => `${getPeer(name).label} ready: ${versions[name]}`).join("\n"),
  };
}
