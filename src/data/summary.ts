/**
 * JSON-ready summaries of datasets: counts per class, checksum, source.
 *
 * @module
 */
import type { DigitDataset, LabelSet } from "./types.ts";
import { countClasses } from "./ops.ts";

/** Counts and provenance of one dataset or label set. */
export interface DatasetSummary {
  name: string;
  count: number;
  /** False for label files whose images are absent. */
  hasImages: boolean;
  /** Items per class name. */
  classCounts: Record<string, number>;
  /** Items without a label. */
  unlabeled: number;
  checksum: string;
  source: string;
}

/**
 * Summarises a dataset (or a label set) for `kit data` and reports.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { summarizeDataset } from "./summary.ts";
 * const s = summarizeDataset({ name: "l", labels: new Uint8Array([1, 1]), count: 2, classNames: ["0", "1"],
 *   source: "", checksum: "" });
 * deepStrictEqual(s.classCounts, { "0": 0, "1": 2 });
 * ```
 */
export function summarizeDataset(set: LabelSet | DigitDataset): DatasetSummary {
  const { perClass, unlabeled } = countClasses(set);
  const classCounts: Record<string, number> = {};
  set.classNames.forEach((name, i) => classCounts[name] = perClass[i]);
  return {
    name: set.name,
    count: set.count,
    hasImages: "images" in set,
    classCounts,
    unlabeled,
    checksum: set.checksum,
    source: set.source,
  };
}

/**
 * Formats summaries as an aligned text table (one row per set, one column per class).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { formatDatasetSummaries, summarizeDataset } from "./summary.ts";
 * const s = summarizeDataset({ name: "l", labels: new Uint8Array([0]), count: 1, classNames: ["0"],
 *   source: "", checksum: "abc" });
 * strictEqual(formatDatasetSummaries([s]), "l: 1 items (labels only), sha256 abc…\n  source: \n  0:1");
 * ```
 */
export function formatDatasetSummaries(summaries: DatasetSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    const images = s.hasImages ? "" : " (labels only)";
    lines.push(`${s.name}: ${s.count} items${images}, sha256 ${s.checksum.slice(0, 16)}…`);
    lines.push(`  source: ${s.source}`);
    const counts = Object.entries(s.classCounts).map(([k, v]) => `${k}:${v}`);
    if (s.unlabeled > 0) counts.push(`unlabeled:${s.unlabeled}`);
    for (let i = 0; i < counts.length; i += 10) {
      lines.push(`  ${counts.slice(i, i + 10).join("  ")}`);
    }
  }
  return lines.join("\n");
}
