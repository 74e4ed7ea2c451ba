/**
 * Backend selection for everything that runs TensorFlow.js: `initBackend("auto")` makes the
 * fastest working backend active (native `tensorflow` > `wasm` > pure-JS `cpu`) and returns what
 * ran, with versions and threads, for CLI JSON, reports and notebooks.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { initBackend } from "./mod.ts";
 * const info = await initBackend("auto"); // tensorflow once `deno task setup` built it
 * strictEqual(info.name, info.available[0]); // the fastest usable backend
 * ok(info.threads >= 1);
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type BackendChoice,
  type BackendName,
  BACKENDS_BY_SPEED,
  chooseBackend,
} from "./select.ts";
import {
  currentThreadSettings,
  loadedTensorflowBackend,
  loadTensorflowBackend,
  tensorflowMissingReason,
  type TensorflowThreads,
} from "./tensorflow/mod.ts";

export { type BackendChoice, type BackendName, parseBackendChoice } from "./select.ts";
// The compiled-graph engine, as models and training reach it.
export * from "./graph.ts";

/** Options for {@link initBackend} and {@link describeBackends}. */
export interface BackendOptions {
  /** Threads: intra-op threads for `tensorflow`, XNNPACK threads for `wasm`. */
  threads?: number;
  /** Inter-op threads for `tensorflow` (independent ops run concurrently). */
  interOpThreads?: number;
}

/** Versions of everything that shapes numbers and speed. */
export interface BackendVersions {
  /** tfjs-core. */
  tfjs: string;
  /** Deno runtime. */
  deno: string;
  /** V8 inside Deno. */
  v8: string;
  /** TypeScript inside Deno. */
  typescript: string;
  /** libtensorflow's `TF_Version()`, once the tensorflow backend has loaded. */
  libtensorflow?: string;
  /** tfjs-node, once the tensorflow backend has loaded. */
  tfjsNode?: string;
  /** tfjs-backend-wasm, once the wasm backend has loaded. */
  tfjsBackendWasm?: string;
}

/** The backend that runs, as every output should state it. */
export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** Backends usable in this process, fastest first. */
  available: BackendName[];
  /** Versions of everything that ran. */
  versions: BackendVersions;
  /** Threads the selected backend computes with (intra-op threads for tensorflow). */
  threads: number;
  /** libtensorflow's thread pools (present whenever tensorflow is loaded or installed). */
  tensorflowThreads?: TensorflowThreads;
}

/** One backend's state: usable or not, and why not. */
export interface BackendStatus {
  /** The backend. */
  name: BackendName;
  /** "ready": loaded and ran; "installed": present, not loaded; "missing": cannot run. */
  state: "ready" | "installed" | "missing";
  /** Why a "missing" backend cannot run. */
  reason?: string;
}

/** What `kit backend` prints. */
export interface BackendDescription {
  /** Every backend, fastest first. */
  backends: BackendStatus[];
  /** What `auto` picks here. */
  auto: BackendName;
  /** The backend now active (the one asked for). */
  selected: BackendInfo;
}

const failures: Partial<Record<BackendName, string>> = {};
const ready = new Set<BackendName>(["cpu"]);
let wasmVersion: string | undefined;
let wasmThreads = 1;
let warnedAboutCpu = false;
let warnedAboutFallback = false;

/** Tries to make `name` usable; records why not. Never throws. */
async function prepare(name: BackendName, options: BackendOptions): Promise<boolean> {
  if (ready.has(name)) return true;
  if (failures[name]) return false;
  try {
    if (name === "tensorflow") {
      await loadTensorflowBackend({
        intraOpThreads: options.threads,
        interOpThreads: options.interOpThreads,
      });
    } else if (name === "wasm") {
      await prepareWasm(options.threads ?? 1);
    }
    ready.add(name);
    return true;
  } catch (error) {
    failures[name] = (error as Error).message;
    return false;
  }
}

async function prepareWasm(threads: number): Promise<void> {
  try {
    const wasm = await import("./wasm/mod.ts");
    await wasm.setupWasmBackend({ threads });
    const info = await wasm.wasmBackendInfo();
    wasmVersion = info.version;
    wasmThreads = info.threads;
  } catch (error) {
    // Plain tfjs-backend-wasm runs inference but cannot train conv nets in 4.22.
    console.error(`warning: digitkit's wasm kernels unavailable (${(error as Error).message})`);
    const plain = await import("@tensorflow/tfjs-backend-wasm");
    plain.setThreadsCount(threads);
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to initialise");
    wasmVersion = plain.version_wasm;
    wasmThreads = plain.getThreadsCount();
  }
}

/** Cheap status (files only) for a backend that was not loaded. */
function statusOf(name: BackendName): BackendStatus {
  if (ready.has(name)) return { name, state: "ready" };
  const reason = failures[name] ?? (name === "tensorflow" ? tensorflowMissingReason() : undefined);
  return reason ? { name, state: "missing", reason } : { name, state: "installed" };
}

/**
 * Makes a backend active and returns what runs. `auto` tries tensorflow, then wasm, then cpu
 * and takes the first that loads; an explicit choice that cannot load throws a UsageError with
 * the reason. Selecting `cpu` prints a loud warning on stderr (training there is ~1000x slower).
 * Thread options apply when a backend first loads in this process.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { initBackend } from "./mod.ts";
 * const info = await initBackend("tensorflow", { threads: 2 }); // needs `deno task setup`
 * strictEqual(info.name, "tensorflow");
 * strictEqual(info.threads, 2);
 * ```
 */
export async function initBackend(
  choice: BackendChoice = "auto",
  options: BackendOptions = {},
): Promise<BackendInfo> {
  const candidates = choice === "auto" ? BACKENDS_BY_SPEED : [choice];
  const usable: BackendName[] = [];
  for (const name of candidates) {
    if (await prepare(name, options)) {
      usable.push(name);
      break;
    }
  }
  const name = chooseBackend(choice, usable, failures);
  if (choice === "auto" && name !== "tensorflow" && !warnedAboutFallback) {
    warnedAboutFallback = true;
    console.error(`note: tensorflow backend unavailable (${failures.tensorflow}); using ${name}`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  if (name === "cpu") warnCpu();
  return backendInfo();
}

/**
 * The active backend as a {@link BackendInfo}; call after {@link initBackend}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { backendInfo, initBackend } from "./mod.ts";
 * await initBackend("wasm");
 * strictEqual(backendInfo().name, "wasm");
 * ```
 */
export function backendInfo(): BackendInfo {
  const name = tf.getBackend() as BackendName;
  const tensorflow = loadedTensorflowBackend();
  const tensorflowThreads = tensorflow?.threads ??
    (tensorflowMissingReason() ? undefined : currentThreadSettings());
  const threads = name === "tensorflow"
    ? tensorflowThreads?.intraOp ?? 1
    : name === "wasm"
    ? wasmThreads
    : 1;
  return {
    name,
    available: BACKENDS_BY_SPEED.filter((b) => statusOf(b).state !== "missing"),
    versions: {
      tfjs: tf.version_core,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      ...(tensorflow
        ? { libtensorflow: tensorflow.libtensorflow, tfjsNode: tensorflow.tfjsNode }
        : {}),
      ...(wasmVersion ? { tfjsBackendWasm: wasmVersion } : {}),
    },
    threads,
    ...(tensorflowThreads ? { tensorflowThreads } : {}),
  };
}

/**
 * Loads every backend to see which work, selects `choice`, and reports all of it: what
 * `kit backend` prints.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { describeBackends } from "./mod.ts";
 * const d = await describeBackends();
 * deepStrictEqual(d.backends.map((b) => b.name), ["tensorflow", "wasm", "cpu"]); // fastest first
 * strictEqual(d.selected.name, d.auto);
 * ```
 */
export async function describeBackends(
  choice: BackendChoice = "auto",
  options: BackendOptions = {},
): Promise<BackendDescription> {
  for (const name of BACKENDS_BY_SPEED) await prepare(name, options);
  const backends = BACKENDS_BY_SPEED.map(statusOf);
  const auto = chooseBackend("auto", [...ready]);
  const selected = await initBackend(choice, options);
  return { backends, auto, selected };
}

function warnCpu(): void {
  // tfjs-backend-cpu's own "install our node backend" banner would point users at npm.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  if (warnedAboutCpu) return;
  warnedAboutCpu = true;
  const why = failures.tensorflow ? `\n!!  tensorflow: ${failures.tensorflow}` : "";
  console.error(
    `\n!!  WARNING: TensorFlow.js runs on the pure-JavaScript 'cpu' backend.` +
      `\n!!  Training a small CNN there runs at ~1.5 images/s, about 1000x slower than the` +
      `\n!!  native 'tensorflow' backend. Run 'deno task setup' to build it.${why}\n`,
  );
}
