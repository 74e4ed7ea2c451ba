/**
 * The shapes of a benchmark run: its options, each measured figure, and the whole report that
 * `deno task bench` prints and writes to `reports/bench/<date>.json`.
 *
 * @module
 */
import type { BackendName } from "../src/backend/mod.ts";
import type { PeerStatus, Workload } from "./peer.ts";
import type { StepProfile } from "./profile.ts";

/**
 * Sizes and choices of one benchmark run; our training figure times the second of two epochs
 * of `trainImages` images (the first warms up).
 */
export interface BenchOptions extends Workload {
  backends: BackendName[];
  /** Alternating rounds (ours then peer); medians are taken over them. */
  rounds: number;
  /** Test images for the corruption-suite timing (10,000 = the full MNIST test set). */
  suiteImages: number;
  suite: string;
  /** Training engines measured on the tensorflow backend (others run `eager` only). */
  engines: ("graph" | "eager")[];
  /**
   * The peers to measure (keys of `PEERS` in `peer.ts`) with the Python interpreters to look
   * for each in, fastest candidates first.
   */
  peerCandidates: Record<string, string[]>;
  /**
   * Also time one whole process per side: `kit train --model M --epochs 1` against the peer's
   * script doing the same (fit with the last 10% as validation, test, save), on the full MNIST.
   */
  wholeProcessModel: string | null;
  /** Where progress lines go (stderr by default). */
  log: (line: string) => void;
}

/** One measured figure: every round's value, the medians, and the fastest peer's. */
export interface Figure {
  id: string;
  description: string;
  unit: "img/s" | "s" | "GFLOP/s";
  backend: string | null;
  ours: number[];
  /** Each peer's values, one per round it ran (keys of `PEERS`). */
  peers: Record<string, number[]>;
  /** Each measured peer's median. */
  peerMedians: Record<string, number>;
  /** The peer with the best median, which `peer`, `peerMedian` and the ratios refer to. */
  fastestPeer: string | null;
  /** The fastest peer's values. */
  peer: number[];
  oursMedian: number;
  peerMedian: number | null;
  /** ours / fastest peer for rates, fastest peer / ours for times (> 1: we are faster). */
  ratio: number | null;
  /**
   * The same ratio within each round, whose two sides ran minutes apart (the spread shows how
   * much the machine drifted between rounds).
   */
  roundRatios: number[];
  /** Fraction of the compute floor reached, for training figures. */
  floorFraction?: number;
}

/** The whole benchmark result (also written to reports/bench/<date>.json). */
export interface BenchReport {
  date: string;
  machine: {
    cores: number;
    memoryGiB: number;
    os: string;
    /**
     * 1-minute load average when the run started and ended: other processes on the cores move
     * every figure (and collapse OpenMP pools, PyTorch's, when they oversubscribe them).
     */
    loadAverage?: { start: number; end: number };
  };
  threads: number;
  /** Every peer asked for, found (with version) or skipped (with the reason and setup hint). */
  peers: PeerStatus[];
  /** `peer`: the median over rounds of the best peer sgemm in each round. */
  sgemmGflops: { ours: number; peer: number | null; used: number };
  computeFloor: Record<string, { trainingMflopPerImage: number; floorImagesPerSecond: number }>;
  figures: Figure[];
  /** Per-kernel profile of one training step in the configuration furthest from its floor. */
  profile: StepProfile | null;
  /** Per-op profile (libtensorflow's trace) of the graph-engine step furthest from its floor. */
  graphProfile: StepProfile | null;
  options: Omit<BenchOptions, "log" | "peerCandidates">;
}
