/**
 * Training throughput of the 34,826-parameter Keras CNN (`keras-mnist-convnet` from the model
 * zoo: Conv 32 → MaxPool → Conv 64 → MaxPool → Flatten → Dropout → Dense 10) with Adam, batch
 * 128, on the `wasm` backend with digitkit's kernels, and with only the kernel 4.22 lacks
 * (Conv2DBackpropFilter) on top of 4.22's own, to show what the faster kernels buy.
 * The thread count is fixed when wasm initialises, so one process measures one count:
 *
 * ```sh
 * nice -n 10 deno bench --allow-all bench/wasm_bench.ts                        # 1 thread
 * DIGITKIT_WASM_THREADS=2 nice -n 10 deno bench --allow-all bench/wasm_bench.ts
 * nice -n 10 deno run --allow-all bench/wasm_bench.ts [rounds=3]   # 1 and 2 threads, A B A B
 * nice -n 10 deno run --allow-all bench/wasm_bench.ts --kernels     # per-kernel CPU table
 * ```
 *
 * Besides wall-clock images/s it reports images per CPU-second of the process: on cores shared
 * with other work, a 1-thread run's CPU time estimates what an idle core would do.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import process from "node:process";
import { setupWasmBackend, wasmBackendInfo } from "../src/backend/wasm/mod.ts";
import { formatKernelCpuTable, profileKernelCpu } from "../src/backend/wasm/kernel_profile.ts";
import { buildModel, getModelSpec } from "../src/models/mod.ts";
import { randomTrainingBatch } from "../src/backend/throughput.ts";
import { median } from "./fastest_peer.ts";

const BATCH = 128;
const REPLACED = ["Conv2DBackpropInput", "MaxPoolGrad", "Sum"];
const RESULT_PREFIX = "wasm-bench-result ";

// 4.22's own kernels, captured before digitkit replaces them.
const originals = REPLACED.map((name) => tf.getKernel(name, "wasm")!);

// digitkit's versions, captured after setup.
let ours: tf.KernelConfig[] = [];

function useKernels(set: "digitkit" | "4.22"): void {
  REPLACED.forEach((name, i) => {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(set === "4.22" ? originals[i] : ours[i]);
  });
}

async function prepare(): Promise<number> {
  const threads = Number(Deno.env.get("DIGITKIT_WASM_THREADS") ?? "1");
  await setupWasmBackend({ threads });
  await tf.setBackend("wasm");
  ours = REPLACED.map((name) => tf.getKernel(name, "wasm")!);
  return (await wasmBackendInfo()).threads;
}

// Wall-clock and CPU seconds (all threads of this process) of each timed step. On shared
// cores the CPU time of a 1-thread run estimates the rate on an idle core.
const secondsPerStep: Record<string, number[]> = {};
const cpuSecondsPerStep: Record<string, number[]> = {};

if (!import.meta.main) {
  const threads = await prepare();
  for (const kernels of ["digitkit", "4.22"] as const) {
    let step: (() => Promise<void>) | undefined;
    const label = `${kernels} kernels, ${threads} thread${threads > 1 ? "s" : ""}`;
    Deno.bench({
      name: `wasm ${label}: keras-mnist-convnet Adam train step, batch ${BATCH}`,
      group: "wasm-train-step",
      n: kernels === "digitkit" ? 10 : 4,
      warmup: 1,
      async fn(b) {
        useKernels(kernels);
        if (!step) {
          const model = buildModel(getModelSpec("keras-mnist-convnet"), { seed: 1 });
          model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
          const [x, y] = randomTrainingBatch(BATCH, 1);
          step = async () => void (await model.trainOnBatch(x, y));
        }
        b.start();
        const start = performance.now(), cpuStart = process.cpuUsage();
        await step();
        const cpu = process.cpuUsage(cpuStart);
        (secondsPerStep[label] ??= []).push((performance.now() - start) / 1000);
        (cpuSecondsPerStep[label] ??= []).push((cpu.user + cpu.system) / 1e6);
        b.end();
      },
    });
  }
  globalThis.addEventListener("unload", () => {
    for (const [label, times] of Object.entries(secondsPerStep)) {
      const imagesPerSecond = BATCH / median(times);
      const imagesPerCpuSecond = BATCH / median(cpuSecondsPerStep[label]);
      console.log(
        `${label.padEnd(28)} ${imagesPerSecond.toFixed(0).padStart(6)} images/s wall, ` +
          `${imagesPerCpuSecond.toFixed(0).padStart(6)} images per CPU-second`,
      );
      console.log(RESULT_PREFIX + JSON.stringify({ label, imagesPerSecond, imagesPerCpuSecond }));
    }
  });
}

// `deno run … --kernels`: per-kernel CPU time of training steps, digitkit vs 4.22 kernels.
if (import.meta.main && Deno.args.includes("--kernels")) {
  await prepare();
  const model = buildModel(getModelSpec("keras-mnist-convnet"), { seed: 1 });
  model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
  const [x, y] = randomTrainingBatch(BATCH, 1);
  for (const kernels of ["digitkit", "4.22"] as const) {
    useKernels(kernels);
    await model.trainOnBatch(x, y);
    const steps = 3;
    const rows = await profileKernelCpu("wasm", async () => {
      for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    });
    for (const row of rows) row.cpuMs /= steps, row.calls /= steps;
    console.log(`\n${kernels} kernels, 1 thread: CPU ms per training step (batch ${BATCH})\n`);
    console.log(formatKernelCpuTable(rows, 12));
  }
}

// `deno run` mode: alternate 1- and 2-thread processes and report medians of their rates.
if (import.meta.main && !Deno.args.includes("--kernels")) {
  const rounds = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? "3");
  const rates: Record<string, number[]> = {};
  const cpuRates: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const threads of [1, 2]) {
      const { stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["bench", "--allow-all", new URL(import.meta.url).pathname],
        env: { DIGITKIT_WASM_THREADS: String(threads) },
        stdout: "piped",
        stderr: "inherit",
      }).output();
      for (const line of new TextDecoder().decode(stdout).split("\n")) {
        if (!line.startsWith(RESULT_PREFIX)) continue;
        const result = JSON.parse(line.slice(RESULT_PREFIX.length));
        (rates[result.label] ??= []).push(result.imagesPerSecond);
        (cpuRates[result.label] ??= []).push(result.imagesPerCpuSecond);
      }
    }
  }
  console.log(
    `wasm training, keras-mnist-convnet, batch ${BATCH}, Adam (${rounds} rounds, A B A B)`,
  );
  for (const [label, values] of Object.entries(rates)) {
    const shown = values.map((v) => v.toFixed(0)).join(", ");
    console.log(
      `${label.padEnd(28)} median ${median(values).toFixed(0).padStart(6)} images/s wall ` +
        `[${shown}], ${median(cpuRates[label]).toFixed(0)} images per CPU-second`,
    );
  }
}
