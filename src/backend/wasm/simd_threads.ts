/**
 * One helper thread for our SIMD kernels on the threaded wasm build. XNNPACK spreads its own
 * kernels over tfjs' pthreads, but ours ran on the main thread only; with a helper (a
 * `node:worker_threads` worker sharing the backend's memory) each kernel splits its images or
 * rows in two and both halves run at once. The threads meet through a shared Int32Array:
 *
 * | index | meaning |
 * |---|---|
 * | 0 | state: 0 idle, 1 job posted, 2 running, 3 done, 4 failed |
 * | 1 | kernel id (its module was posted to the worker before) |
 * | 2 | argument count; 3… the i32 arguments of `run` |
 * | 15 | jobs the helper has finished (tests read it) |
 *
 * A helper that has not picked a job up within a few seconds (it failed to start) is dropped
 * and its half runs on the main thread, so a kernel never hangs on it.
 *
 * @module
 */
import { Worker } from "node:worker_threads";

const IDLE = 0, JOB = 1, RUNNING = 2, DONE = 3;
const PICK_UP_MS = 5000;

interface Helper {
  worker: Worker;
  control: Int32Array;
  ids: Map<WebAssembly.Module, number>;
}

const helpers = new WeakMap<WebAssembly.Memory, Helper | null>();

/** The helper for `memory` (started on first use), or null on unshared memory or one thread. */
function helperFor(memory: WebAssembly.Memory, threads: number): Helper | null {
  if (!(memory.buffer instanceof SharedArrayBuffer) || threads < 2) return null;
  let helper = helpers.get(memory);
  if (helper === undefined) {
    const control = new Int32Array(new SharedArrayBuffer(64));
    const worker = new Worker(new URL("./simd_helper_worker.ts", import.meta.url), {
      workerData: { control, memory },
    });
    // Idle between kernels for the whole process: it must not keep the process alive.
    worker.unref();
    helper = { worker, control, ids: new Map() };
    helpers.set(memory, helper);
  }
  return helper;
}

/**
 * Runs a kernel module's `run` export with `mainArgs` here and `helperArgs` on the helper
 * thread at the same time (both halves here, one after the other, without a helper).
 *
 * @example
 * ```ts ignore
 * // Needs the threaded build (a helper thread on shared memory), which is fixed per process
 * // once wasm has initialised; the kernels call it through CompiledKernel.splitRange.
 * runSplit(memory, 2, module, run, [x, out, half], [x + bytes, out + bytes, count - half]);
 * ```
 */
export function runSplit(
  memory: WebAssembly.Memory,
  threads: number,
  module: WebAssembly.Module,
  run: (...args: number[]) => void,
  mainArgs: number[],
  helperArgs: number[] | null,
): void {
  const helper = helperArgs ? helperFor(memory, threads) : null;
  if (!helper || !helperArgs) {
    run(...mainArgs);
    if (helperArgs) run(...helperArgs);
    return;
  }
  const { control } = helper;
  let id = helper.ids.get(module);
  if (id === undefined) {
    id = helper.ids.size;
    helper.ids.set(module, id);
    helper.worker.postMessage({ id, module });
  }
  control[1] = id;
  control[2] = helperArgs.length;
  control.set(helperArgs, 3);
  Atomics.store(control, 0, JOB);
  Atomics.notify(control, 0);
  run(...mainArgs);
  const deadline = performance.now() + PICK_UP_MS;
  for (;;) {
    const state = Atomics.load(control, 0);
    if (state === DONE) break;
    if (state === JOB && performance.now() > deadline) {
      // Never picked up: take the job back and drop the helper.
      if (Atomics.compareExchange(control, 0, JOB, IDLE) === JOB) {
        helpers.set(memory, null);
        helper.worker.terminate();
        run(...helperArgs);
        return;
      }
      continue;
    }
    if (state !== JOB && state !== RUNNING) {
      Atomics.store(control, 0, IDLE);
      throw new Error("wasm SIMD helper thread failed running a kernel");
    }
    Atomics.wait(control, 0, state, 50);
  }
  Atomics.store(control, 0, IDLE);
}

/**
 * Jobs the helper thread of `memory` has finished (0 without one): tests use it to prove that
 * the work really was shared.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { helperJobs } from "./simd_threads.ts";
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * strictEqual(helperJobs(memory), 0); // no helper thread started on this memory
 * ```
 */
export function helperJobs(memory: WebAssembly.Memory): number {
  return helpers.get(memory)?.control[15] ?? 0;
}
