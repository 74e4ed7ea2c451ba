/**
 * The markdown table `deno task bench` prints.
 *
 * @module
 */
import type { BenchReport } from "./bench_report.ts";
import type { PeerStatus } from "./peer.ts";
import { profileTable } from "./profile.ts";

function num(v: number | null | undefined, unit = ""): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return v.toLocaleString("en-US", { maximumFractionDigits: digits }) + unit;
}

/** "PyTorch 2.13.0+cpu", or "Keras (skipped)" for a peer that was not found. */
function peerHeader(p: PeerStatus): string {
  return "skipped" in p ? `${p.label} (skipped)` : `${p.label} ${p.version}`;
}

/** " (min–max)" of the per-round ratios, when there are several. */
function spread(ratios: number[]): string {
  if (ratios.length < 2) return "";
  return ` (${num(Math.min(...ratios))}–${num(Math.max(...ratios))})`;
}

/**
 * Renders a {@link BenchReport} as markdown: one row per figure with our median, each peer's
 * (a column per peer, "skipped" in its header when it was not found), the fastest peer's name,
 * the ratio against it (> 1 means digitkit is faster) with the range of the per-round ratios,
 * and the fraction of the compute floor; then why each skipped peer was skipped.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { benchTable } from "./table.ts";
 * import type { BenchReport } from "./bench_report.ts";
 * const table = benchTable({
 *   date: "2026-12-01T12:00:00.000Z",
 *   machine: { cores: 2, memoryGiB: 24, os: "linux x86_64" },
 *   threads: 2,
 *   peers: [{ name: "keras", label: "Keras", skipped: "Keras: not installed" }],
 *   sgemmGflops: { ours: 200, peer: null, used: 200 },
 *   computeFloor: {},
 *   figures: [],
 *   profile: null,
 *   graphProfile: null,
 *   options: { rounds: 1 } as BenchReport["options"],
 * });
 * ok(table.includes("| digitkit | Keras (skipped) | fastest peer | ratio |"));
 * ok(table.includes("peer skipped: Keras: not installed"));
 * ```
 */
export function benchTable(report: BenchReport): string {
  const label = (name: string) => report.peers.find((p) => p.name === name)?.label ?? name;
  const lines = [
    `digitkit bench, ${report.date.slice(0, 10)}: ${report.machine.cores} cores, ` +
    `${report.machine.memoryGiB} GiB, ${report.threads} threads on every side; ` +
    (report.machine.loadAverage
      ? `load average ${num(report.machine.loadAverage.start)} → ` +
        `${num(report.machine.loadAverage.end)}; `
      : "") +
    `medians of ${report.options.rounds} alternating round(s); ratio against the fastest peer ` +
    `(per-round range)`,
    "",
    `| figure | backend (engine) | digitkit | ${report.peers.map(peerHeader).join(" | ")} | ` +
    `fastest peer | ratio | of floor |`,
    `|---|---|---:|${report.peers.map(() => "---:|").join("")}---|---:|---:|`,
  ];
  for (const f of report.figures) {
    const unit = f.unit === "s" ? " s" : ` ${f.unit}`;
    const peerCells = report.peers.map((p) => {
      const m = f.peerMedians?.[p.name];
      return m === undefined ? "—" : num(m, unit);
    });
    lines.push(
      `| ${f.id.replace(/ \[.*\]$/, "")} | ${/\[(.*)\]$/.exec(f.id)?.[1] ?? "—"} | ` +
        `${num(f.oursMedian, unit)} | ${peerCells.join(" | ")} | ` +
        `${f.fastestPeer === null ? "—" : label(f.fastestPeer)} | ` +
        `${f.ratio === null ? "—" : num(f.ratio, "×") + spread(f.roundRatios)} | ` +
        `${f.floorFraction === undefined ? "—" : num(100 * f.floorFraction, "%")} |`,
    );
  }
  lines.push("");
  lines.push(
    `sgemm: ${num(report.sgemmGflops.ours)} GFLOP/s (ours), ` +
      `${num(report.sgemmGflops.peer)} GFLOP/s (best peer); floor uses ${
        num(report.sgemmGflops.used)
      }.`,
  );
  for (const [model, floor] of Object.entries(report.computeFloor)) {
    lines.push(
      `compute floor ${model}: ${num(floor.trainingMflopPerImage)} MFLOP per training image → ` +
        `${num(floor.floorImagesPerSecond)} img/s`,
    );
  }
  for (const p of report.peers) {
    if ("skipped" in p) lines.push(`peer skipped: ${p.skipped}`);
    else lines.push(`peer ${p.label} ${p.version}: ${p.python}`);
  }
  if (report.profile) lines.push("", profileTable(report.profile));
  if (report.graphProfile) lines.push("", profileTable(report.graphProfile));
  return lines.join("\n");
}
