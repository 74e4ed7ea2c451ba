/**
 * The markdown table `deno task bench` prints.
 *
 * @module
 */
import type { BenchReport } from "./bench_report.ts";
import { profileTable } from "./profile.ts";

function num(v: number | null | undefined, unit = ""): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return v.toLocaleString("en-US", { maximumFractionDigits: digits }) + unit;
}

/** " (min–max)" of the per-round ratios, when there are several. */
function spread(ratios: number[]): string {
  if (ratios.length < 2) return "";
  return ` (${num(Math.min(...ratios))}–${num(Math.max(...ratios))})`;
}

/**
 * Renders a {@link BenchReport} as markdown: one row per figure with our median, the peer's,
 * the ratio (> 1 means digitkit is faster) with the range of the per-round ratios, and the
 * fraction of the compute floor.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { benchTable } from "./table.ts";
 * strictEqual(typeof benchTable, "function");
 * ```
 */
export function benchTable(report: BenchReport): string {
  const peer = "version" in report.torch ? `PyTorch ${report.torch.version}` : "PyTorch (skipped)";
  const lines = [
    `digitkit bench, ${report.date.slice(0, 10)}: ${report.machine.cores} cores, ` +
    `${report.machine.memoryGiB} GiB, ${report.threads} threads on both sides; ` +
    `medians of ${report.options.rounds} alternating round(s); ratio (per-round range)`,
    "",
    `| figure | backend (engine) | digitkit | ${peer} | ratio | of floor |`,
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const f of report.figures) {
    const unit = f.unit === "s" ? " s" : ` ${f.unit}`;
    lines.push(
      `| ${f.id.replace(/ \[.*\]$/, "")} | ${/\[(.*)\]$/.exec(f.id)?.[1] ?? "—"} | ` +
        `${num(f.oursMedian, unit)} | ` +
        `${num(f.peerMedian, f.peerMedian === null ? "" : unit)} | ` +
        `${f.ratio === null ? "—" : num(f.ratio, "×") + spread(f.roundRatios)} | ` +
        `${f.floorFraction === undefined ? "—" : num(100 * f.floorFraction, "%")} |`,
    );
  }
  lines.push("");
  lines.push(
    `sgemm: ${num(report.sgemmGflops.ours)} GFLOP/s (ours), ` +
      `${num(report.sgemmGflops.peer)} GFLOP/s (peer); floor uses ${num(report.sgemmGflops.used)}.`,
  );
  for (const [model, floor] of Object.entries(report.computeFloor)) {
    lines.push(
      `compute floor ${model}: ${num(floor.trainingMflopPerImage)} MFLOP per training image → ` +
        `${num(floor.floorImagesPerSecond)} img/s`,
    );
  }
  if ("skipped" in report.torch) lines.push(`peer skipped: ${report.torch.skipped}`);
  if (report.profile) lines.push("", profileTable(report.profile));
  if (report.graphProfile) lines.push("", profileTable(report.graphProfile));
  return lines.join("\n");
}
