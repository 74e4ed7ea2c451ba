/**
 * Smoke test of `deno task bench` at tiny sizes: the harness runs end to end, measures every
 * figure, and writes its JSON. Speeds are never asserted (benchmarks are not timed tests).
 */
import assert from "node:assert/strict";
import { bfloat16MissingReason } from "../src/backend/tensorflow/graph/session.ts";

Deno.test("kit bench --tiny measures every figure and writes reports/bench/*.json", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "src/cli.ts", "bench", "--tiny", "--backends", "tensorflow", "--json"],
    stdout: "piped",
    stderr: "piped",
    env: {
      DIGITKIT_TORCH_PYTHON: "/nonexistent/python",
      DIGITKIT_KERAS_PYTHON: "/nonexistent/python",
    },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  const ids = report.figures.map((f: { id: string }) => f.id);
  for (
    const id of [
      "train keras-mnist-convnet [tensorflow, graph]",
      "train keras-mnist-convnet +aug [tensorflow, graph]",
      "train keras-mnist-convnet [tensorflow, eager]",
      "train mdsist-cnn [tensorflow, graph]",
      "train mdsist-cnn [tensorflow, eager]",
      "infer keras-mnist-convnet [tensorflow, graph]",
      "infer keras-mnist-convnet [tensorflow, eager]",
      "mnist load",
      "kaggle csv parse",
      "eval suite quick [tensorflow]",
    ]
  ) assert.ok(ids.includes(id), `missing figure ${id} in ${ids}`);
  // Both sides in bfloat16 mixed precision, where the CPU has the instructions.
  const bf16 = "train keras-mnist-convnet bf16 [tensorflow, graph]";
  assert.equal(ids.includes(bf16), bfloat16MissingReason() === undefined, `${bf16} in ${ids}`);
  for (const f of report.figures) {
    assert.ok(f.oursMedian > 0 && Number.isFinite(f.oursMedian), `${f.id}: ${f.oursMedian}`);
    // Without a peer there is nothing to pair a round with.
    assert.deepEqual(f.roundRatios, []);
  }
  assert.ok(report.computeFloor["keras-mnist-convnet"].trainingMflopPerImage > 14.6);
  assert.ok(report.computeFloor["keras-mnist-convnet"].trainingMflopPerImage < 14.7);
  // The per-kernel profile of the slowest configuration is part of the output.
  assert.ok(report.profile.rows.length > 0, "empty kernel profile");
  assert.ok(report.profile.rows.every((r: { ms: number }) => r.ms >= 0));
  // So is libtensorflow's per-op trace of the graph step furthest from its floor.
  assert.equal(report.graphProfile.backend, "tensorflow, graph");
  const ops = report.graphProfile.rows.map((r: { kernel: string }) => r.kernel);
  assert.ok(ops.some((op: string) => /Conv2DBackpropFilter/.test(op)), `graph ops: ${ops}`);
  // The peers were forced absent: each is skipped with a reason and its setup command, not a crash.
  assert.deepEqual(report.peers.map((p: { name: string }) => p.name), ["pytorch", "keras"]);
  for (const p of report.peers) assert.match(p.skipped ?? "", /--setup-peers/);
  await Deno.stat(report.file);
  await Deno.remove(report.file);
});
