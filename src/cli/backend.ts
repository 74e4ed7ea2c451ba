/**
 * `kit backend`: which TensorFlow.js backends work here, which one `--backend` selects, and the
 * versions and threads it runs with.
 *
 * @example
 * ```sh
 * deno task kit backend --json
 * deno task kit backend --backend wasm --threads 1
 * ```
 *
 * @module
 */
import { intFlag, parseFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";
import { describeBackends, graphApiMissingReason, parseBackendChoice } from "../backend/mod.ts";

/** `--help` text. */
export const help = `usage: deno task kit backend [--backend auto|tensorflow|wasm|cpu] [--threads N]
                              [--inter-op-threads N] [--json]

Loads every TensorFlow.js backend to see which work, selects one (default: auto, the fastest
available: tensorflow > wasm > cpu) and prints them with tfjs/Deno/libtensorflow versions and
threads, and which training and inference engines run on it (graph: one libtensorflow graph per
training step or per batch of predictions, on tensorflow; eager: tfjs op by op). --threads sets intra-op threads (tensorflow) or XNNPACK threads (wasm); tensorflow also
honours TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS from the environment.`;

/**
 * Runs `kit backend` over its flags (without `--json`).
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { run } from "./backend.ts";
 * const { json } = await run(["--backend", "cpu"]);
 * const report = json as { selected: string; available: string[] };
 * strictEqual(report.selected, "cpu");
 * ok(report.available.includes("cpu"));
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    backend: { type: "string" },
    threads: { type: "string" },
    "inter-op-threads": { type: "string" },
  });
  const choice = parseBackendChoice(values.backend);
  const description = await describeBackends(choice, {
    threads: intFlag("threads", values.threads, 1),
    interOpThreads: intFlag("inter-op-threads", values["inter-op-threads"], 1),
  });
  const { selected } = description;
  const graphMissing = selected.name === "tensorflow"
    ? graphApiMissingReason()
    : `the ${selected.name} backend runs tfjs ops only`;
  const trainingEngine = graphMissing === undefined
    ? { engine: "graph", note: "Adam and RMSprop recipes; SGD runs eager" }
    : { engine: "eager", reason: graphMissing };
  const inferenceEngine = graphMissing === undefined
    ? { engine: "graph", note: "one compiled forward pass per batch, batch norms folded" }
    : { engine: "eager", reason: graphMissing };
  const json = {
    selected: selected.name,
    auto: description.auto,
    available: selected.available,
    backends: description.backends,
    versions: selected.versions,
    threads: selected.threads,
    ...(selected.tensorflowThreads ? { tensorflowThreads: selected.tensorflowThreads } : {}),
    trainingEngine,
    inferenceEngine,
  };
  const lines = description.backends.map((b) =>
    `  ${b.name === selected.name ? "*" : " "} ${b.name.padEnd(10)} ${b.state}` +
    (b.reason ? ` (${b.reason})` : "")
  );
  const versions = Object.entries(selected.versions).map(([k, v]) => `${k} ${v}`).join(", ");
  const text = `backends (* = selected, auto picks ${description.auto}):\n${lines.join("\n")}\n` +
    `versions: ${versions}\nthreads: ${selected.threads}\n` +
    `training engine: ${trainingEngine.engine} (${
      trainingEngine.note ?? trainingEngine.reason
    })\n` +
    `inference engine: ${inferenceEngine.engine} (${
      inferenceEngine.note ?? inferenceEngine.reason
    })`;
  return { json, text };
}
