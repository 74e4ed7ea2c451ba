/**
 * The shapes of a benchmark run: its options, each measured figure, and the whole report that
 * `deno task bench` prints and writes to `reports/bench/<date>.json`.
 *
 * @module
 */
import type { BackendName } from "../src/backend/mod.ts";
import type { Workload } from "./peer.ts";
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
  /** Python interpreters to look for torch in, fastest candidates first. */
  torchCandidates: string[];
  /** Where progress lines go (stderr by default). */
  log: (line: string) => void;
}

/** One measured figure: every round's value, the median, and the peer's. */
export interface Figure {
  id: string;
  description: string;
  unit: "img/s" | "s" | "GFLOP/s";
  backend: string | null;
  ours: number[];
  peer: number[];
  oursMedian: number;
  peerMedian: number | null;
  /** ours / peer for rates, peer / ours for times (> 1: we are faster). */
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
  machine: { cores: number; memoryGiB: number; os: string };
  threads: number;
  torch: { version: string; python: string } | { skipped: string };
  sgemmGflops: { ours: number; peer: number | null; used: number };
  computeFloor: Record<string, { trainingMflopPerImage: number; floorImagesPerSecond: number }>;
  figures: Figure[];
  /** Per-kernel profile of one training step in the configuration furthest from its floor. */
  profile: StepProfile | null;
  /** Per-op profile (libtensorflow's trace) of the graph-engine step furthest from its floor. */
  graphProfile: StepProfile | null;
  options: Omit<BenchOptions, "log" | "torchCandidates">;
}
