import assert from "node:assert/strict";
import type { BenchReport } from "./bench_report.ts";
import { benchTable } from "./table.ts";

function report(figures: BenchReport["figures"]): BenchReport {
  return {
    date: "2026-12-01T12:00:00.000Z",
    machine: { cores: 2, memoryGiB: 24, os: "linux x86_64" },
    threads: 2,
    torch: { version: "2.13.0+cpu", python: "/venv/bin/python" },
    sgemmGflops: { ours: 200, peer: 250, used: 250 },
    computeFloor: {},
    figures,
    profile: null,
    graphProfile: null,
    options: { rounds: 3 } as BenchReport["options"],
  };
}

Deno.test("bench table shows the median ratio with the range of the per-round ratios", () => {
  const table = benchTable(report([{
    id: "train keras-mnist-convnet [tensorflow, graph]",
    description: "",
    unit: "img/s",
    backend: "tensorflow",
    ours: [6000, 5000, 7000],
    peer: [4000, 4000, 4000],
    oursMedian: 6000,
    peerMedian: 4000,
    ratio: 1.5,
    roundRatios: [1.5, 1.25, 1.75],
    floorFraction: 0.4,
  }, {
    id: "mnist load",
    description: "",
    unit: "s",
    backend: null,
    ours: [0.1],
    peer: [],
    oursMedian: 0.1,
    peerMedian: null,
    ratio: null,
    roundRatios: [],
  }]));
  const row = table.split("\n").find((l) => l.startsWith("| train keras-mnist-convnet"))!;
  assert.match(row, /\| 6,000 img\/s \| 4,000 img\/s \| 1\.5× \(1\.25–1\.75\) \| 40% \|$/);
  assert.match(table, /\| mnist load \| — \| 0\.1 s \| — \| — \| — \|/);
  assert.match(table, /ratio \(per-round range\)/);
});
