/**
 * The PyTorch side of `deno task bench`: finds the fastest torch on the machine and runs
 * `bench/torch_peer.py` on the same bytes our side measures.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A Python interpreter that imports torch, with its version. */
export interface TorchPython {
  python: string;
  torch: string;
}

/** What the peer script reports (images/s per figure, sgemm GFLOP/s). */
export interface PeerResult {
  torch: string;
  threads: number;
  train: Record<string, number>;
  /** Training under `torch.autocast("cpu", dtype=torch.bfloat16)`. */
  train_bf16: Record<string, number>;
  infer: Record<string, number>;
  sgemm_gflops: number;
}

const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "torch_peer.py");

/**
 * Candidate interpreters, most likely fastest first: `$DIGITKIT_TORCH_PYTHON` alone when set,
 * else the project's venv (`.tools/torch-venv`, made by `pip install torch`), then the system Pythons (Debian's
 * python3-torch is older and about 2× slower).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { torchCandidates } from "./peer.ts";
 * ok(torchCandidates("/repo").length > 0);
 * ```
 */
export function torchCandidates(repo: string): string[] {
  const fromEnv = Deno.env.get("DIGITKIT_TORCH_PYTHON");
  if (fromEnv) return [fromEnv];
  return [
    join(repo, ".tools/torch-venv/bin/python"),
    "python3",
    "/usr/bin/python3",
  ];
}

/**
 * Returns the candidate with the newest torch, or null with the reason when none has torch.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { findTorch } from "./peer.ts";
 * const found = await findTorch(["/nonexistent/python"]);
 * ok(found.torch === null);
 * ```
 */
export async function findTorch(
  candidates: string[],
): Promise<{ torch: TorchPython | null; reason: string }> {
  const found: TorchPython[] = [];
  for (const python of candidates) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", "import torch; print(torch.__version__)"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) found.push({ python, torch: new TextDecoder().decode(out.stdout).trim() });
    } catch {
      // Not installed: try the next candidate.
    }
  }
  if (found.length === 0) {
    return {
      torch: null,
      reason: `no Python with torch among ${candidates.join(", ")}; ` +
        "install one with: python3 -m venv .tools/torch-venv && .tools/torch-venv/bin/pip install torch",
    };
  }
  found.sort((a, b) => compareVersions(b.torch, a.torch));
  return { torch: found[0], reason: "" };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.+]/).map((x) => parseInt(x, 10) || 0);
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

/** One peer run: the workload over the images and labels our side wrote. */
export interface PeerRun extends Workload {
  imagesFile: string;
  labelsFile: string;
  count: number;
}

/**
 * Runs the peer script once and parses its JSON.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`: it needs PyTorch and trains for minutes.
 * import { ok } from "node:assert";
 * import { findTorch, runPeer, torchCandidates } from "./peer.ts";
 * const { torch } = await findTorch(torchCandidates(Deno.cwd()));
 * const result = await runPeer(torch!, {
 *   imagesFile: "images.u8", labelsFile: "labels.u8", count: 1024, threads: 2,
 *   trainModels: ["mlp"], bf16Models: [], trainImages: 1024, batch: 64,
 *   inferModel: "mlp", inferImages: 1024, inferBatch: 256,
 * });
 * ok(result.train.mlp > 0); // images per second
 * ```
 */
export async function runPeer(torch: TorchPython, run: PeerRun): Promise<PeerResult> {
  const args = [
    PEER_SCRIPT,
    "--images",
    run.imagesFile,
    "--labels",
    run.labelsFile,
    "--count",
    String(run.count),
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
  const out = await new Deno.Command(torch.python, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { OMP_NUM_THREADS: String(run.threads) },
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`torch peer failed (${torch.python}):\n${decoder.decode(out.stderr)}`);
  }
  return JSON.parse(decoder.decode(out.stdout)) as PeerResult;
}
