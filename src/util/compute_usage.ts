/**
 * Measuring what a piece of work used: wall time, the process's CPU time (user + system, all
 * threads, so libtensorflow's and the workers' too) and, where the kernel lets us read them, the
 * RAPL energy counters of the CPU packages under `/sys/class/powercap`. Model cards turn this
 * into their "Environmental impact" section.
 *
 * @module
 */
import { cpus } from "node:os";
import process from "node:process";
import { join } from "node:path";

/** What a measured piece of work used, and on what hardware. */
export interface ComputeUsage {
  wallSeconds: number;
  /** Process CPU time (user + system, all threads). */
  cpuSeconds: number;
  /** Energy of the CPU packages by RAPL (all processes on them), or null where unreadable. */
  raplJoules: number | null;
  /** CPU model as the OS names it. */
  cpuModel: string;
  /** Logical cores the OS shows this process. */
  logicalCores: number;
}

/** A running measurement; {@link ComputeMeter.stop} reads the usage since the start. */
export interface ComputeMeter {
  stop(): ComputeUsage;
}

/** RAPL package counters (`intel-rapl:N`, not their sub-zones): energy and wrap range in µJ. */
interface RaplReading {
  zone: string;
  energyMicrojoules: number;
  maxMicrojoules: number;
}

/**
 * Reads the package-level RAPL counters under `root`; empty where there are none or they are not
 * readable (most containers and VMs, and unprivileged users on kernels since 5.10).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readRapl } from "./compute_usage.ts";
 * deepStrictEqual(readRapl("/nonexistent"), []);
 * ```
 */
export function readRapl(root = "/sys/class/powercap"): RaplReading[] {
  const readings: RaplReading[] = [];
  try {
    for (const entry of Deno.readDirSync(root)) {
      if (!/^intel-rapl:\d+$/.test(entry.name)) continue;
      try {
        const read = (file: string) => Number(Deno.readTextFileSync(join(root, entry.name, file)));
        const energy = read("energy_uj");
        const max = read("max_energy_range_uj");
        if (Number.isFinite(energy)) {
          readings.push({ zone: entry.name, energyMicrojoules: energy, maxMicrojoules: max });
        }
      } catch {
        // Unreadable counter (permissions): energy is then not measured.
      }
    }
  } catch {
    // No powercap folder.
  }
  return readings.sort((a, b) => a.zone.localeCompare(b.zone));
}

/**
 * Joules between two readings of the same zones, allowing for one wrap of each counter; null
 * when the zones differ or there are none.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { raplJoulesBetween } from "./compute_usage.ts";
 * const at = (uj: number) => [{ zone: "intel-rapl:0", energyMicrojoules: uj, maxMicrojoules: 1e9 }];
 * strictEqual(raplJoulesBetween(at(5e6), at(7e6)), 2);
 * strictEqual(raplJoulesBetween(at(999e6), at(1e6)), 2); // wrapped once
 * ```
 */
export function raplJoulesBetween(before: RaplReading[], after: RaplReading[]): number | null {
  if (before.length === 0 || before.length !== after.length) return null;
  let microjoules = 0;
  for (const [i, b] of before.entries()) {
    const a = after[i];
    if (a.zone !== b.zone) return null;
    const delta = a.energyMicrojoules - b.energyMicrojoules;
    microjoules += delta >= 0 ? delta : delta + b.maxMicrojoules;
  }
  return microjoules / 1e6;
}

function cpuSecondsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Starts measuring wall time, process CPU time and RAPL energy.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { startComputeMeter } from "./compute_usage.ts";
 * const meter = startComputeMeter();
 * let x = 0;
 * for (let i = 0; i < 1e6; i++) x += i;
 * const usage = meter.stop();
 * ok(usage.cpuSeconds >= 0 && usage.wallSeconds >= 0 && usage.logicalCores >= 1 && x > 0);
 * ```
 */
export function startComputeMeter(): ComputeMeter {
  const wall = performance.now();
  const cpu = cpuSecondsNow();
  const rapl = readRapl();
  return {
    stop: () => {
      const info = cpus();
      return {
        wallSeconds: (performance.now() - wall) / 1000,
        cpuSeconds: cpuSecondsNow() - cpu,
        raplJoules: raplJoulesBetween(rapl, readRapl()),
        cpuModel: info[0]?.model?.trim() || "unknown CPU",
        logicalCores: navigator.hardwareConcurrency || info.length || 1,
      };
    },
  };
}
