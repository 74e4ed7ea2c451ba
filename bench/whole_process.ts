/**
 * The whole-process figure of `deno task bench`: one epoch of a model on the full MNIST, as a user
 * runs it, timed from spawn to exit: `kit train --model M --epochs 1` against each peer's script
 * doing the same work (fit on the first 54,000 training images with the last 6,000 as validation,
 * evaluate the 10,000 test images, save the weights). Start-up (runtime, imports, backend load,
 * graph build or tracing) counts, as it does for the user.
 *
 * @module
 */
import { join } from "node:path";
import { repoRoot } from "../src/data/paths.ts";
import type { Figure } from "./bench_report.ts";
import { type FoundPeer, type PeerData, runPeerWholeEpoch } from "./peer.ts";

/** One value measured in a round, for digitkit or for the peer named `side`. */
export interface WholeProcessValue {
  side: string;
  figure: Pick<Figure, "id" | "description" | "unit">;
  value: number;
}

/** Everything a round needs: the model, the full train and test data, a scratch folder. */
export interface WholeProcessSetup {
  model: string;
  train: PeerData;
  test: PeerData;
  /** Scratch folder for the run folders (removed by the caller). */
  dir: string;
  threads: number;
  log: (line: string) => void;
}

/**
 * The order the sides run in round `round`: digitkit first in odd rounds, last in even ones,
 * the peers reversed with it, so no side always follows the same one.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sideOrder } from "./whole_process.ts";
 * deepStrictEqual(sideOrder(1, ["pytorch", "keras"]), ["digitkit", "pytorch", "keras"]);
 * deepStrictEqual(sideOrder(2, ["pytorch", "keras"]), ["keras", "pytorch", "digitkit"]);
 * ```
 */
export function sideOrder(round: number, peers: string[]): string[] {
  const order = ["digitkit", ...peers];
  return round % 2 ? order : order.reverse();
}

/** The two figures: the whole process's seconds and its epoch's training images/s. */
export function wholeProcessFigures(model: string, trainImages: number) {
  return {
    wall: {
      id: `whole process, 1 epoch ${model} [tensorflow]`,
      description: `one process: 1 epoch on ${trainImages.toLocaleString("en-US")} MNIST ` +
        "images (last 10% of 60,000 as validation), test on 10,000, save: `kit train --epochs 1` " +
        "vs the peer's script",
      unit: "s" as const,
    },
    epoch: {
      id: `epoch ${model} in that process [tensorflow]`,
      description: "training images/s of that first epoch (warm-up, graph build or tracing " +
        "included; validation excluded)",
      unit: "img/s" as const,
    },
  };
}

/**
 * Runs one round of the whole-process figure for digitkit and every found peer.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { wholeProcessRound } from "./whole_process.ts";
 * strictEqual(typeof wholeProcessRound, "function"); // trains a full epoch: run by the bench
 * ```
 */
export async function wholeProcessRound(
  round: number,
  peers: FoundPeer[],
  setup: WholeProcessSetup,
): Promise<WholeProcessValue[]> {
  const trainImages = Math.floor(setup.train.count * 0.9);
  const { wall, epoch } = wholeProcessFigures(setup.model, trainImages);
  const values: WholeProcessValue[] = [];
  for (const side of sideOrder(round, peers.map((p) => p.spec.name))) {
    setup.log(`round ${round}: whole process, 1 epoch ${setup.model}: ${side}`);
    const out = join(setup.dir, `run-${side}-r${round}`);
    if (side === "digitkit") {
      const ours = await kitTrainOneEpoch(setup.model, setup.threads, out);
      values.push({ side, figure: wall, value: ours.wallSeconds });
      values.push({ side, figure: epoch, value: ours.imagesPerSecond });
      continue;
    }
    const peer = peers.find((p) => p.spec.name === side)!;
    const result = await runPeerWholeEpoch(peer, {
      train: setup.train,
      test: setup.test,
      model: setup.model,
      epochs: 1,
      batch: 128,
      threads: setup.threads,
      validationSplit: 0.1,
      out,
    });
    values.push({ side, figure: wall, value: result.wallSeconds });
    values.push({ side, figure: epoch, value: result.history[0].images_per_second });
  }
  return values;
}

/** `deno run -A src/cli.ts train --model M --epochs 1` (what `deno task kit train` runs). */
async function kitTrainOneEpoch(model: string, threads: number, out: string) {
  const start = performance.now();
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(repoRoot(), "src/cli.ts"),
      "train",
      "--model",
      model,
      "--epochs",
      "1",
      "--backend",
      "tensorflow",
      "--threads",
      String(threads),
      "--out",
      out,
      "--json",
    ],
    cwd: repoRoot(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallSeconds = (performance.now() - start) / 1000;
  if (!result.success) {
    throw new Error(`kit train failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  const json = JSON.parse(new TextDecoder().decode(result.stdout));
  return { wallSeconds, imagesPerSecond: json.history[0].imagesPerSecond as number };
}
