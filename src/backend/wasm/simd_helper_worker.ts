/**
 * The helper thread of simd_threads.ts: instantiates our SIMD kernel modules on the backend's
 * shared memory and runs the half of a kernel's work it is handed, signalled through a shared
 * control array (layout in simd_threads.ts).
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";

const IDLE = 0, JOB = 1, RUNNING = 2, DONE = 3, FAILED = 4;
const control: Int32Array = workerData.control;
const memory: WebAssembly.Memory = workerData.memory;
const kernels = new Map<number, (...args: number[]) => void>();
const waiting = new Map<number, () => void>();

parentPort!.on("message", (message: { id: number; module: WebAssembly.Module }) => {
  const instance = new WebAssembly.Instance(message.module, { env: { memory } });
  kernels.set(message.id, instance.exports.run as (...args: number[]) => void);
  waiting.get(message.id)?.();
});

async function kernel(id: number): Promise<(...args: number[]) => void> {
  // The module is posted before its first job, but the two may arrive in either order.
  if (!kernels.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
  return kernels.get(id)!;
}

(async () => {
  for (;;) {
    const wait = Atomics.waitAsync(control, 0, IDLE);
    if (wait.async) await wait.value;
    if (Atomics.compareExchange(control, 0, JOB, RUNNING) !== JOB) continue;
    try {
      const run = await kernel(control[1]);
      run(...Array.from(control.subarray(3, 3 + control[2])));
      control[15]++;
      Atomics.store(control, 0, DONE);
    } catch {
      Atomics.store(control, 0, FAILED);
    }
    Atomics.notify(control, 0);
  }
})();
