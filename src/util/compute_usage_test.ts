import assert from "node:assert/strict";
import { raplJoulesBetween, readRapl, startComputeMeter } from "./compute_usage.ts";

Deno.test("readRapl reads package counters (not sub-zones) from a powercap-shaped folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    const zone = async (name: string, energy: string) => {
      await Deno.mkdir(`${root}/${name}`);
      await Deno.writeTextFile(`${root}/${name}/energy_uj`, energy);
      await Deno.writeTextFile(`${root}/${name}/max_energy_range_uj`, "262143328850\n");
    };
    await zone("intel-rapl:1", "2000000\n");
    await zone("intel-rapl:0", "1000000\n");
    await zone("intel-rapl:0:0", "5\n"); // a core sub-zone, counted inside its package
    const before = readRapl(root);
    assert.deepEqual(before.map((r) => r.zone), ["intel-rapl:0", "intel-rapl:1"]);
    await Deno.writeTextFile(`${root}/intel-rapl:0/energy_uj`, "4000000\n");
    assert.equal(raplJoulesBetween(before, readRapl(root)), 3);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("startComputeMeter measures this process's CPU time while it computes", () => {
  const meter = startComputeMeter();
  const until = performance.now() + 300;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const usage = meter.stop();
  assert.ok(x > 0);
  assert.ok(usage.wallSeconds >= 0.3);
  // A busy loop on one thread: CPU time close to wall time (allowing for a loaded machine).
  assert.ok(
    usage.cpuSeconds > 0.1 && usage.cpuSeconds < 2 * usage.wallSeconds + 0.1,
    String(usage.cpuSeconds),
  );
  assert.ok(usage.logicalCores >= 1 && usage.cpuModel.length > 0);
});
