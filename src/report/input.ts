/**
 * What a report is built from: the evaluation (and comparison), what training recorded about
 * each model, the qualitative metadata, the pictures and the reproducibility facts.
 *
 * @module
 */
import type { ComparisonResult, EvaluationResult, ProtocolResult } from "../evaluate/types.ts";
import type { ModelSummary } from "../models/summary.ts";
import type { EpochPoint } from "../plots/training.ts";
import type { CardMetadata } from "./metadata.ts";
import type { ComputeUsage } from "../util/compute_usage.ts";

/** A data set used for training or evaluation, as the card lists it. */
export interface DataInfo {
  name: string;
  /** Split or role, e.g. "train (55,000)", "validation", "test". */
  split: string;
  source: string;
  /** sha256 of the source bytes. */
  checksum: string;
  count: number;
}

/** What training recorded about one model (all optional: a card shows what is known). */
export interface ModelTraining {
  /** Model name, as in the evaluation. */
  model: string;
  /** Architecture / spec name. */
  architecture?: string;
  /** Layer table with shapes and parameter counts (`summarizeModel` of src/models). */
  summary?: ModelSummary;
  /** Recipe name, e.g. "quick" or "card". */
  recipeName?: string;
  /** Recipe hyper-parameters (optimizer, learning rate, epochs, batch size, augmentation…). */
  recipe?: Record<string, unknown>;
  seed?: number;
  backend?: string;
  trainingSeconds?: number;
  history?: EpochPoint[];
  /** Training and validation data. */
  data?: DataInfo[];
  /** Where the checkpoint lives. */
  checkpoint?: string;
  /** Wall time, process CPU time and RAPL energy of training, and the CPU it ran on. */
  compute?: ComputeUsage;
  /**
   * The recipe's own result on its own test split (e.g. the mdsist card's 15 %), kept apart
   * from the comparison and labelled as such; `note` says how that split was made.
   */
  protocol?: ProtocolResult;
}

/** A picture of one corruption at one severity (for the corruption gallery). */
export interface CorruptionExample {
  corruption: string;
  severity: number;
  /** 784 uint8 pixels. */
  pixels: Uint8Array;
}

/** Facts that let someone re-run the report. */
export interface Reproducibility {
  /** The command line or notebook that produced the report. */
  command: string;
  /** Seeds by purpose, e.g. `{ training: 1, corruptions: 0 }`. */
  seeds: Record<string, number>;
  backend: string;
  /** Versions by component (kit, deno, tfjs…). */
  versions: Record<string, string>;
  /** Git commit of the kit, or "unknown". */
  gitCommit: string;
  /** Wall seconds by phase (training, evaluation, report…). */
  wallSeconds: Record<string, number>;
}

/** Everything {@link import("./build.ts").buildReport} needs. */
export interface ReportInput {
  /** Folder name under `reports/`. */
  runName: string;
  evaluation: EvaluationResult;
  comparison?: ComparisonResult;
  training?: ModelTraining[];
  metadata?: CardMetadata;
  /** uint8 `count × 784` images of each evaluated test set (by name), for the galleries. */
  images?: Record<string, Uint8Array>;
  corruptionExamples?: CorruptionExample[];
  reproducibility: Reproducibility;
  /**
   * Files the report folder holds as they are: `predictions.csv` and the trained models'
   * `models/<model>/` (see `shareableFiles` in ./shareable.ts).
   */
  attachments?: Map<string, string | Uint8Array>;
}

/**
 * A file-system-safe slug for figure and file names.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { slug } from "./input.ts";
 * strictEqual(slug("LeNet-5 (card)"), "lenet-5-card");
 * ```
 */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "x";
}
