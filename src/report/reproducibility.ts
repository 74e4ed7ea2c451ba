/**
 * The reproducibility block every report ends with: command, seeds, backend, versions, data
 * checksums, kit commit, wall times.
 *
 * @module
 */
import type { EvaluationResult } from "../evaluate/types.ts";
import { type Block, code, h, table } from "./document.ts";
import { duration } from "./format.ts";
import type { ModelTraining, Reproducibility } from "./input.ts";

/**
 * Blocks of the reproducibility section.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { reproducibilityBlocks } from "./reproducibility.ts";
 * import { syntheticEvaluation } from "./synthetic.ts";
 * const { evaluation } = syntheticEvaluation(["a"], [0.1], 20);
 * const blocks = reproducibilityBlocks({ command: "deno task report", seeds: { training: 1 },
 *   backend: "cpu", versions: {}, gitCommit: "abc", wallSeconds: { total: 3 } }, evaluation);
 * ok(blocks.length > 0);
 * ```
 */
export function reproducibilityBlocks(
  repro: Reproducibility,
  evaluation: EvaluationResult,
  training: ModelTraining[] = [],
): Block[] {
  const versions = { ...evaluation.metadata.versions, ...repro.versions };
  const seeds = { ...repro.seeds, evaluation: evaluation.metadata.seed };
  const data = new Map<string, { role: string; source: string; checksum: string }>();
  for (const t of evaluation.testSets) {
    data.set(t.name, { role: "test", source: t.source, checksum: t.checksum });
  }
  for (const d of training.flatMap((t) => t.data ?? [])) {
    if (!data.has(d.name)) {
      data.set(d.name, { role: d.split, source: d.source, checksum: d.checksum });
    }
  }
  const trainingRows = training.map((t) => [
    t.model,
    t.seed === undefined ? "—" : String(t.seed),
    t.backend ?? "—",
    duration(t.trainingSeconds),
  ]);
  return [
    h(2, "Reproducibility"),
    code(repro.command, "sh"),
    table(
      ["fact", "value"],
      [
        ["kit git commit", `\`${repro.gitCommit}\``],
        ["backend", repro.backend],
        ["evaluation suite", evaluation.metadata.suite],
        ["evaluation batch size", String(evaluation.metadata.batchSize)],
        ...Object.entries(seeds).map(([k, v]) => [`seed (${k})`, String(v)]),
        ...Object.entries(versions).map(([k, v]) => [`version: ${k}`, v]),
        ...Object.entries(repro.wallSeconds).map(([k, v]) => [`wall time: ${k}`, duration(v)]),
        ["evaluation finished", evaluation.metadata.createdAt],
      ],
      ["left", "left"],
    ),
    table(
      ["data", "role", "source", "sha256"],
      [...data].map(([name, d]) => [name, d.role, d.source, `\`${d.checksum}\``]),
      ["left", "left", "left", "left"],
    ),
    ...(trainingRows.length
      ? [table(["model", "training seed", "backend", "training time"], trainingRows)]
      : []),
  ];
}
