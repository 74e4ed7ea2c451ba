import assert from "node:assert/strict";
import type { BenchReport, Figure } from "./bench_report.ts";
import { compareWithPeers } from "./fastest_peer.ts";
import { benchTable } from "./table.ts";

function report(figures: BenchReport["figures"], peers: BenchReport["peers"]): BenchReport {
  return {
    date: "2026-12-01T12:00:00.000Z",
    machine: {
      cores: 2,
      memoryGiB: 24,
      os: "linux x86_64",
      loadAverage: { start: 0.5, end: 1.25 },
    },
    threads: 2,
    peers,
    sgemmGflops: { ours: 200, peer: 250, used: 250 },
    computeFloor: {},
    figures,
    profile: null,
    graphProfile: null,
    options: { rounds: 3 } as BenchReport["options"],
  };
}

function measured(
  id: string,
  unit: Figure["unit"],
  ours: number[],
  peers: Record<string, number[]>,
): Figure {
  return {
    id,
    description: "",
    unit,
    backend: null,
    ours,
    peers,
    ...compareWithPeers(unit, ours, peers),
  };
}

const BOTH: BenchReport["peers"] = [
  { name: "pytorch", label: "PyTorch", version: "2.13.0+cpu", python: "/t/bin/python" },
  { name: "keras", label: "Keras", version: "3.15.1 (TensorFlow 2.21.0)", python: "/k/bin/python" },
];

Deno.test("bench table has a column per peer and the ratio against the fastest one", () => {
  const table = benchTable(report([
    {
      ...measured("train keras-mnist-convnet [tensorflow, graph]", "img/s", [6000, 5000, 7000], {
        pytorch: [4000, 4000, 4000],
        keras: [4000, 5000, 4000],
      }),
      floorFraction: 0.4,
    },
    measured("whole process, 1 epoch keras-mnist-convnet [tensorflow]", "s", [7.5, 8, 7], {
      pytorch: [15, 16, 17],
      keras: [13, 14, 15],
    }),
    measured("mnist load", "s", [0.1], {}),
  ], BOTH));
  const lines = table.split("\n");
  assert.ok(
    lines.includes(
      "| figure | backend (engine) | digitkit | PyTorch 2.13.0+cpu | " +
        "Keras 3.15.1 (TensorFlow 2.21.0) | fastest peer | ratio | of floor |",
    ),
    table,
  );
  const train = lines.find((l) => l.startsWith("| train keras-mnist-convnet"))!;
  // Keras' median (4,000 vs 4,000) ties PyTorch: the first peer listed wins ties.
  assert.equal(
    train,
    "| train keras-mnist-convnet | tensorflow, graph | 6,000 img/s | 4,000 img/s | " +
      "4,000 img/s | PyTorch | 1.5× (1.25–1.75) | 40% |",
  );
  const whole = lines.find((l) => l.startsWith("| whole process"))!;
  assert.equal(
    whole,
    "| whole process, 1 epoch keras-mnist-convnet | tensorflow | 7.5 s | 16 s | 14 s | " +
      "Keras | 1.87× (1.73–2.14) | — |",
  );
  assert.ok(lines.includes("| mnist load | — | 0.1 s | — | — | — | — | — |"), table);
  assert.match(table, /ratio against the fastest peer \(per-round range\)/);
  assert.match(table, /load average 0\.5 → 1\.25; /);
});

Deno.test("bench table names a skipped peer in its header and says how to install it", () => {
  const skipped = "Keras: no Python with it among /x; install it with: " +
    "deno task bench --setup-peers keras";
  const table = benchTable(report([
    measured("infer keras-mnist-convnet [tensorflow, graph]", "img/s", [20000], {
      pytorch: [5000],
    }),
  ], [BOTH[0], { name: "keras", label: "Keras", skipped }]));
  assert.match(table, /\| PyTorch 2\.13\.0\+cpu \| Keras \(skipped\) \| fastest peer \|/);
  assert.match(table, /\| 20,000 img\/s \| 5,000 img\/s \| — \| PyTorch \| 4× \| — \|/);
  assert.ok(table.includes(`peer skipped: ${skipped}`), table);
});
