/**
 * The peers of `deno task bench`: Python frameworks that run the same workload on the same bytes
 * through one protocol (`peer_protocol.py`). One registry, {@link PEERS}; each peer lives in a
 * project-local venv that `deno task bench --setup-peers` makes (`setup_peers.ts`).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** How to find, install and run one peer framework. */
export interface PeerSpec {
  /** Registry key, also the key in the report (`pytorch`, `keras`). */
  name: string;
  /** Column header in the table. */
  label: string;
  /** Script in bench/ that implements `peer_protocol.py` for this framework. */
  script: string;
  /** Environment variable that names the one interpreter to use. */
  envVar: string;
  /** The project-local venv, relative to the repository root. */
  venv: string;
  /** pip requirements the venv gets, pinned to the versions measured in bench/README.md. */
  packages: string[];
  /** Python code printing the framework's version; fails where the framework is absent. */
  probe: string;
  /** Extra environment for the peer process (threads are passed as flags). */
  env?: Record<string, string>;
}

/** Every peer the bench measures, in table order. */
export const PEERS: readonly PeerSpec[] = [
  {
    name: "pytorch",
    label: "PyTorch",
    script: "torch_peer.py",
    envVar: "DIGITKIT_TORCH_PYTHON",
    venv: ".tools/torch-venv",
    packages: ["torch==2.13.0", "numpy"],
    probe: "import numpy, torch; print(torch.__version__)",
  },
  {
    name: "keras",
    label: "Keras",
    script: "keras_peer.py",
    envVar: "DIGITKIT_KERAS_PYTHON",
    venv: ".tools/keras-venv",
    packages: ["tensorflow-cpu==2.21.0", "keras==3.15.1"],
    probe: "import os; os.environ['KERAS_BACKEND'] = 'tensorflow'; " +
      "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'; import keras, tensorflow as tf; " +
      "assert int(keras.__version__.split('.')[0]) >= 3, 'Keras 2'; " +
      "print(f'{keras.__version__} (TensorFlow {tf.__version__})')",
    env: { KERAS_BACKEND: "tensorflow", TF_CPP_MIN_LOG_LEVEL: "2" },
  },
];

/**
 * The peer named `name`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { getPeer } from "./peer.ts";
 * strictEqual(getPeer("keras").venv, ".tools/keras-venv");
 * ```
 */
export function getPeer(name: string): PeerSpec {
  const spec = PEERS.find((p) => p.name === name);
  if (!spec) {
    throw new Error(`unknown peer '${name}' (expected ${PEERS.map((p) => p.name).join(", ")})`);
  }
  return spec;
}

/** The one command that makes a peer's venv (what `--setup-peers` runs, step by step). */
export function setupHint(spec: PeerSpec): string {
  return `deno task bench --setup-peers ${spec.name} (or: python3 -m venv ${spec.venv} && ` +
    `${spec.venv}/bin/pip install ${spec.packages.join(" ")})`;
}

/** A Python interpreter that imports the peer's framework, with its version. */
export interface FoundPeer {
  spec: PeerSpec;
  python: string;
  version: string;
}

/** A peer in the report: found (version, interpreter) or skipped with the reason. */
export type PeerStatus =
  | { name: string; label: string; version: string; python: string }
  | { name: string; label: string; skipped: string };

/**
 * Candidate interpreters, most likely fastest first: the peer's environment variable alone when
 * set, else the project's venv, then the system Pythons (Debian's python3-torch is older and
 * about 2× slower).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { getPeer, peerCandidates } from "./peer.ts";
 * deepStrictEqual(peerCandidates(getPeer("keras"), "/repo", {}), [
 *   "/repo/.tools/keras-venv/bin/python",
 *   "python3",
 *   "/usr/bin/python3",
 * ]);
 * deepStrictEqual(
 *   peerCandidates(getPeer("pytorch"), "/repo", { DIGITKIT_TORCH_PYTHON: "/opt/py" }),
 *   ["/opt/py"],
 * );
 * ```
 */
export function peerCandidates(
  spec: PeerSpec,
  repo: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string[] {
  const fromEnv = env[spec.envVar];
  if (fromEnv) return [fromEnv];
  return [join(repo, spec.venv, "bin/python"), "python3", "/usr/bin/python3"];
}

/**
 * Returns the candidate with the newest version of the peer's framework, or null with the
 * reason (naming the setup command) when none has it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { findPeer, getPeer } from "./peer.ts";
 * const found = await findPeer(getPeer("keras"), ["/nonexistent/python"]);
 * strictEqual(found.peer, null);
 * strictEqual(found.reason.includes("--setup-peers keras"), true);
 * ```
 */
export async function findPeer(
  spec: PeerSpec,
  candidates: string[],
): Promise<{ peer: FoundPeer | null; reason: string }> {
  const found: FoundPeer[] = [];
  for (const python of new Set(candidates)) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", spec.probe],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) {
        found.push({ spec, python, version: new TextDecoder().decode(out.stdout).trim() });
      }
    } catch {
      // Not installed: try the next candidate.
    }
  }
  if (found.length === 0) {
    return {
      peer: null,
      reason: `${spec.label}: no Python with it among ${candidates.join(", ")}; ` +
        `install it with: ${setupHint(spec)}`,
    };
  }
  found.sort((a, b) => compareVersions(b.version, a.version));
  return { peer: found[0], reason: "" };
}

/** Orders dotted versions numerically ("2.13.0+cpu" after "2.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+ ]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.+ ]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

/** The workload both sides run, so the ratio compares like with like. */
export interface Workload {
  threads: number;
  trainModels: string[];
  /** Models also trained in bfloat16 mixed precision (empty without bfloat16 instructions). */
  bf16Models: string[];
  /** Images per measured training run. */
  trainImages: number;
  batch: number;
  inferModel: string;
  inferImages: number;
  inferBatch: number;
}

/** Raw uint8 images (N×28×28) and labels (N) our side wrote for the peers. */
export interface PeerData {
  imagesFile: string;
  labelsFile: string;
  count: number;
}

/** One throughput run: the workload over the images and labels our side wrote. */
export type PeerRun = Workload & PeerData;

/** What a peer reports in throughput mode (images/s per figure, sgemm GFLOP/s). */
export interface PeerResult {
  framework: string;
  version: string;
  threads: number;
  train: Record<string, number>;
  /** Training in the framework's bfloat16 mixed precision. */
  train_bf16: Record<string, number>;
  infer: Record<string, number>;
  sgemm_gflops: number;
}

/** One epoch per history entry of a whole-epoch run. */
export interface PeerEpoch {
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  /** Training images per second of the epoch's training part (validation excluded). */
  images_per_second: number;
}

/** A whole-epoch run: fit with the last `validationSplit` as validation, then test. */
export interface WholeEpochRun {
  train: PeerData;
  test: PeerData;
  model: string;
  epochs: number;
  batch: number;
  threads: number;
  validationSplit: number;
  /** Folder the peer saves its weights in. */
  out: string;
}

/** What a whole-epoch run reports, with the process's wall time measured from outside. */
export interface WholeEpochResult {
  framework: string;
  version: string;
  history: PeerEpoch[];
  test: { loss: number; accuracy: number };
  /** Spawn to exit, as a user would time `python script.py`. */
  wallSeconds: number;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** The peer script's flags for a throughput run. */
export function throughputArgs(run: PeerRun): string[] {
  return [
    ...dataArgs(run, ""),
    "--threads",
    String(run.threads),
    "--train-models",
    run.trainModels.join(","),
    "--bf16-models",
    run.bf16Models.join(","),
    "--train-images",
    String(run.trainImages),
    "--batch",
    String(run.batch),
    "--infer-model",
    run.inferModel,
    "--infer-images",
    String(run.inferImages),
    "--infer-batch",
    String(run.inferBatch),
  ];
}

/** The peer script's flags for a whole-epoch run. */
export function wholeEpochArgs(run: WholeEpochRun): string[] {
  return [
    "--mode",
    "whole-epoch",
    ...dataArgs(run.train, ""),
    ...dataArgs(run.test, "test-"),
    "--threads",
    String(run.threads),
    "--train-models",
    run.model,
    "--epochs",
    String(run.epochs),
    "--batch",
    String(run.batch),
    "--validation-split",
    String(run.validationSplit),
    "--out",
    run.out,
  ];
}

function dataArgs(data: PeerData, prefix: string): string[] {
  return [
    `--${prefix}images`,
    data.imagesFile,
    `--${prefix}labels`,
    data.labelsFile,
    `--${prefix}count`,
    String(data.count),
  ];
}

/** Runs the peer's script with `args` and parses the one JSON object it prints. */
async function runScript<T>(peer: FoundPeer, args: string[], threads: number): Promise<T> {
  const out = await new Deno.Command(peer.python, {
    args: [join(BENCH_DIR, peer.spec.script), ...args],
    stdout: "piped",
    stderr: "piped",
    env: { OMP_NUM_THREADS: String(threads), ...peer.spec.env },
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${peer.spec.label} peer failed (${peer.python}):\n${decoder.decode(out.stderr)}`,
    );
  }
  return JSON.parse(decoder.decode(out.stdout)) as T;
}

/**
 * Runs the peer's throughput mode once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runPeer } from "./peer.ts";
 * strictEqual(typeof runPeer, "function"); // needs a peer venv: see bench/README.md
 * ```
 */
export function runPeer(peer: FoundPeer, run: PeerRun): Promise<PeerResult> {
  return runScript<PeerResult>(peer, throughputArgs(run), run.threads);
}

/**
 * Runs the peer's whole-epoch mode as one process and times it from spawn to exit.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runPeerWholeEpoch } from "./peer.ts";
 * strictEqual(typeof runPeerWholeEpoch, "function"); // needs a peer venv: see bench/README.md
 * ```
 */
export async function runPeerWholeEpoch(
  peer: FoundPeer,
  run: WholeEpochRun,
): Promise<WholeEpochResult> {
  const start = performance.now();
  const result = await runScript<Omit<WholeEpochResult, "wallSeconds">>(
    peer,
    wholeEpochArgs(run),
    run.threads,
  );
  return { ...result, wallSeconds: (performance.now() - start) / 1000 };
}
