/**
 * Per-kernel CPU time of a backend's kernels. `tf.profile` reports wall-clock time, which on
 * cores shared with other work mostly measures the other work; the process's CPU time around
 * each top-level kernel call does not. (For the threaded wasm build it counts the pool's
 * threads too, so use it on 1 thread.)
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";

/** CPU milliseconds of one kernel name and input shapes, summed over calls. */
export interface KernelCpuRow {
  kernel: string;
  inputShapes: string;
  calls: number;
  cpuMs: number;
}

/**
 * Runs `work` with every kernel of `backendName` wrapped to add up its CPU time (kernels called
 * from inside another kernel count towards the outer one). Rows come sorted by time.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { profileKernelCpu } from "./kernel_profile.ts";
 * await tf.setBackend("cpu");
 * const rows = await profileKernelCpu("cpu", () => { tf.square(tf.ones([4])).dataSync(); });
 * ok(rows.some((r) => r.kernel === "Square"));
 * ```
 */
export async function profileKernelCpu(
  backendName: string,
  work: () => Promise<void> | void,
): Promise<KernelCpuRow[]> {
  const rows = new Map<string, KernelCpuRow>();
  const originals = tf.getKernelsForBackend(backendName);
  let depth = 0;
  for (const config of originals) {
    const run = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return run(args);
        depth++;
        const start = process.cpuUsage();
        try {
          return run(args);
        } finally {
          const used = process.cpuUsage(start);
          depth--;
          const inputShapes = JSON.stringify(Object.values(args.inputs).map((t) => t?.shape));
          const key = `${config.kernelName} ${inputShapes}`;
          const row = rows.get(key) ??
            { kernel: config.kernelName, inputShapes, calls: 0, cpuMs: 0 };
          row.calls++;
          row.cpuMs += (used.user + used.system) / 1000;
          rows.set(key, row);
        }
      },
    });
  }
  try {
    await work();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  return [...rows.values()].sort((a, b) => b.cpuMs - a.cpuMs);
}

/**
 * A markdown table of the first `limit` rows, with each row's share of the total.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { formatKernelCpuTable } from "./kernel_profile.ts";
 * const table = formatKernelCpuTable([{ kernel: "Relu", inputShapes: "[[4]]", calls: 1, cpuMs: 2 }]);
 * match(table, /^\| Relu \| \[\[4\]\] \| 1 \| 2\.0 \| 100\.0% \|$/m);
 * ```
 */
export function formatKernelCpuTable(rows: KernelCpuRow[], limit = 15): string {
  const total = rows.reduce((sum, r) => sum + r.cpuMs, 0);
  const lines = [
    "| kernel | input shapes | calls | CPU ms | share |",
    "|---|---|---:|---:|---:|",
    ...rows.slice(0, limit).map((r) =>
      `| ${r.kernel} | ${r.inputShapes} | ${r.calls} | ${r.cpuMs.toFixed(1)} | ` +
      `${(100 * r.cpuMs / (total || 1)).toFixed(1)}% |`
    ),
    `| all kernels | | ${rows.reduce((n, r) => n + r.calls, 0)} | ${total.toFixed(1)} | 100% |`,
  ];
  return lines.join("\n");
}
