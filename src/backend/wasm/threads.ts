/**
 * Multi-threaded wasm in Deno. tfjs-backend-wasm 4.22 never threads under Deno, for three
 * reasons this module works around, only while the backend initialises:
 *
 * 1. Deno counts as Node (`IS_NODE`), and the `WASM_HAS_MULTITHREAD_SUPPORT` flag answers
 *    `false` for Node. We set the flag to `true`.
 * 2. The pthread workers are `node:worker_threads` Workers created from a `blob:` URL, which
 *    Node's API rejects (`ERR_WORKER_PATH`). We write the worker script to a `.cjs` file and
 *    hand out its path instead. The script is prefixed with a shim that (a) makes the worker
 *    globals it assigns (`location`, `self`, `postMessage`, …) writable, as Deno defines them
 *    as getters, and (b) points the worker at the threaded module's `.js` file instead of the
 *    `Blob` tfjs posts, which a Node-style worker cannot import.
 * 3. The C side caps the thread pool at half the logical cores (`os.cpus().length / 2` under
 *    Node), so 2 cores give 1 thread. We report 2 × the requested threads while it starts.
 *
 * @module
 */
import { writeFileAtomicSync } from "../../util/fs.ts";
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const WORKER_FILE = "tfjs-backend-wasm-threaded-simd.worker.js";
const MAIN_SCRIPT = "tfjs-backend-wasm-threaded-simd.js";

/**
 * The `.cjs` pthread worker script for the threaded SIMD build.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { threadedWorkerScript } from "./threads.ts";
 * ok(threadedWorkerScript().startsWith('"use strict"'));
 * ```
 */
export function threadedWorkerScript(): string {
  const require = createRequire(import.meta.url);
  const wasmOut = path.join(
    path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")),
    "..",
    "wasm-out",
  );
  const { wasmWorkerContents } = require(path.join(wasmOut, WORKER_FILE)) as {
    wasmWorkerContents: string;
  };
  const mainScript = path.join(wasmOut, MAIN_SCRIPT);
  const shim = `"use strict";
const workerThreads = require("worker_threads");
for (const key of ["self", "location", "postMessage", "performance", "Worker", "onmessage"]) {
  Object.defineProperty(globalThis, key, { value: globalThis[key], writable: true, configurable: true });
}
const listen = workerThreads.parentPort.on.bind(workerThreads.parentPort);
workerThreads.parentPort.on = (event, listener) => listen(event, event !== "message" ? listener : (data) => {
  if (data && data.cmd === "load") data.urlOrBlob = ${JSON.stringify(mainScript)};
  listener(data);
});
`;
  // The template-literal source holds real newlines inside string literals (tfjs escapes them
  // the same way before making its Blob).
  return shim + wasmWorkerContents.replace(/\n/g, "\\n");
}

// Named by content, so repeated runs reuse one file; written via rename so a concurrent run
// never reads a half-written script.
function writeWorkerFile(): string {
  const script = threadedWorkerScript();
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 16);
  const file = path.join(os.tmpdir(), `digitkit-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) writeFileAtomicSync(file, script);
  return file;
}

/**
 * Runs `init` (which must initialise the wasm backend) with the threaded SIMD build enabled
 * for `threads` threads, then undoes every global patch.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`: the threaded build's workers stay for the rest of the process,
 * // and the thread count is fixed once wasm has initialised; setupWasmBackend({ threads }) calls it.
 * await withThreadedWasm(2, () => tf.setBackend("wasm"));
 * ```
 */
export async function withThreadedWasm<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const workerFile = writeWorkerFile();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  const globalWorker = globalThis.Worker;
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  URL.createObjectURL = (object: Blob) =>
    object instanceof Blob && object.type === "application/javascript"
      ? workerFile
      : createObjectURL(object);
  const reported = cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => reported[i % reported.length]);
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    // Emscripten replaces the global Worker with node's; the pool is already created.
    globalThis.Worker = globalWorker;
  }
}

/** The slice of Emscripten's PThread object used after start-up. */
interface PThreadLike {
  runningWorkers: { unref(): void }[];
  unusedWorkers: { unref(): void; terminate(): unknown }[];
}

/**
 * Tidies the pthread workers once XNNPACK's pool is running: the build preloads 8 workers
 * (~15 MB each) but the pool uses threads − 1 of them, so the idle ones are terminated; the
 * running ones are unreferenced so the process can exit (their threads never return, and
 * Emscripten keeps a worker referenced while its thread runs). Returns the running count.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../mod.ts";
 * import { settlePthreadWorkers } from "./threads.ts";
 * await initBackend("wasm"); // the single-threaded build: no pthread workers to settle
 * strictEqual(settlePthreadWorkers(tf.engine().registry["wasm"]), 0);
 * ```
 */
export function settlePthreadWorkers(backend: unknown): number {
  const pthread = (backend as { wasm?: { PThread?: PThreadLike } } | undefined)?.wasm?.PThread;
  if (pthread === undefined) return 0;
  for (const worker of pthread.runningWorkers) worker.unref();
  // Only pthread_create takes from this list, and nothing creates threads after start-up.
  for (const worker of pthread.unusedWorkers.splice(0)) worker.terminate();
  return pthread.runningWorkers.length;
}
