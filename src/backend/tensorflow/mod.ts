/**
 * The native `tensorflow` backend: `@tensorflow/tfjs-node` 4.22 (a Node-API addon over
 * libtensorflow) loaded in Deno. `tools/setup.sh` builds the addon; this module loads it with
 * the thread settings libtensorflow reads from the environment at start-up.
 *
 * tfjs-node creates its eager context with default options, so libtensorflow's own environment
 * variables are the only knobs, read once when the backend loads:
 * - `TF_NUM_INTRAOP_THREADS`: threads inside one op (default: one per CPU).
 * - `TF_NUM_INTEROP_THREADS`: ops run concurrently (default: one per CPU).
 * - `TF_ENABLE_ONEDNN_OPTS`: oneDNN kernels, on by default on x86; `0` roughly halved training
 *   speed of the Keras CNN here.
 * - `TF_OVERRIDE_GLOBAL_THREADPOOL`: set to 1 here (unless set), so that every session, the
 *   compiled graphs' included, gets the intra-op pool its own options ask for rather than the
 *   first session's (a training step split in two shards runs each shard with one thread).
 * - `TF_CPP_MIN_LOG_LEVEL`: set to 2 here. libtensorflow 2.21 still prints two absl lines
 *   ("All log messages before absl::InitializeLog()…", "oneDNN custom operations are on…") on
 *   stderr as it loads, which no variable silences; {@link withQuietStartup} drops just those.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { installNodeUtilShim } from "./node_util_shim.ts";
import { registerTensorflowKernels } from "./kernels.ts";
import { withQuietStartup } from "./quiet_startup.ts";

/** Thread settings for libtensorflow; both are fixed once the backend has loaded. */
export interface TensorflowThreadOptions {
  /** Threads one op (a conv, a matMul) may use: `TF_NUM_INTRAOP_THREADS`. */
  intraOpThreads?: number;
  /** Independent ops run concurrently: `TF_NUM_INTEROP_THREADS`. */
  interOpThreads?: number;
}

/** Thread pools libtensorflow runs with, and where the numbers came from. */
export interface TensorflowThreads {
  /** `TF_NUM_INTRAOP_THREADS`, or the number of CPUs libtensorflow sees when unset. */
  intraOp: number;
  /** `TF_NUM_INTEROP_THREADS`, or the number of CPUs libtensorflow sees when unset. */
  interOp: number;
  /** "env" when set through the environment (or options), "default" otherwise. */
  source: "env" | "default";
}

/** The loaded backend. */
export interface TensorflowBackend {
  /** libtensorflow's own `TF_Version()`. */
  libtensorflow: string;
  /** Version of tfjs-node. */
  tfjsNode: string;
  /** Thread pools libtensorflow was started with. */
  threads: TensorflowThreads;
  /** Path of the Node-API addon that was loaded. */
  bindingPath: string;
}

const INTRA_ENV = "TF_NUM_INTRAOP_THREADS";
const INTER_ENV = "TF_NUM_INTEROP_THREADS";
const POOL_ENV = "TF_OVERRIDE_GLOBAL_THREADPOOL";

let loaded: TensorflowBackend | undefined;

/**
 * Where tfjs-node's binding looks for its addon (`lib/napi-v8/tfjs_binding.node`): the path
 * `tools/setup.sh` builds to.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { tensorflowBindingPath } from "./mod.ts";
 * ok(tensorflowBindingPath().endsWith("tfjs_binding.node"));
 * ```
 */
export function tensorflowBindingPath(): string {
  const url = import.meta.resolve("@tensorflow/tfjs-node");
  if (!url.startsWith("file:")) {
    // Without a node_modules folder there is no package directory to build the addon into.
    throw new Error(
      `@tensorflow/tfjs-node resolves to ${url}, not node_modules: run 'deno task setup'`,
    );
  }
  const entry = fileURLToPath(url);
  // tfjs-node's node-pre-gyp config: napi_versions up to 8; Deno offers N-API 10, so v8.
  return join(dirname(dirname(entry)), "lib", "napi-v8", "tfjs_binding.node");
}

/**
 * Why the tensorflow backend cannot load, or undefined when its addon is in place. Cheap: only
 * checks files, loads nothing.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { tensorflowMissingReason } from "./mod.ts";
 * const reason = tensorflowMissingReason(); // undefined once `deno task setup` built the addon
 * ok(reason === undefined || reason.length > 0);
 * ```
 */
export function tensorflowMissingReason(): string | undefined {
  let path: string;
  try {
    path = tensorflowBindingPath();
  } catch (error) {
    return (error as Error).message;
  }
  if (!existsSync(path)) return `tfjs-node addon not built (${path}): run 'deno task setup'`;
  return undefined;
}

/**
 * Loads tfjs-node, which registers the `tensorflow` backend and makes it the active one.
 * Thread options are exported to the environment first, because libtensorflow reads them once
 * when tfjs-node creates its eager context. Later calls return the first load's result (a
 * warning on stderr says when different thread options are ignored). Sets
 * `TF_CPP_MIN_LOG_LEVEL=2` unless already set, to keep libtensorflow's start-up banner quiet.
 *
 * @example
 * ```ts
 * import { match, strictEqual } from "node:assert";
 * import { loadTensorflowBackend } from "./mod.ts";
 * const backend = await loadTensorflowBackend({ intraOpThreads: 2 }); // needs `deno task setup`
 * match(backend.libtensorflow, /^\d+\.\d+\.\d+/);
 * strictEqual(backend.threads.intraOp, 2);
 * ```
 */
export async function loadTensorflowBackend(
  options: TensorflowThreadOptions = {},
): Promise<TensorflowBackend> {
  if (loaded) {
    const { intraOpThreads: intra, interOpThreads: inter } = options;
    if (
      (intra !== undefined && intra !== loaded.threads.intraOp) ||
      (inter !== undefined && inter !== loaded.threads.interOp)
    ) {
      console.error(
        `warning: tensorflow backend already loaded with ${loaded.threads.intraOp} intra-op / ` +
          `${loaded.threads.interOp} inter-op threads; thread options are ignored`,
      );
    }
    return loaded;
  }
  const missing = tensorflowMissingReason();
  if (missing) throw new Error(missing);
  for (
    const [name, value] of [[INTRA_ENV, options.intraOpThreads], [
      INTER_ENV,
      options.interOpThreads,
    ]] as const
  ) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
    Deno.env.set(name, String(value));
  }
  if (Deno.env.get("TF_CPP_MIN_LOG_LEVEL") === undefined) Deno.env.set("TF_CPP_MIN_LOG_LEVEL", "2");
  // Each session gets the intra-op pool its options ask for, instead of every session sharing
  // the pool the first one made: a training step split in two shards runs each with one thread.
  if (Deno.env.get(POOL_ENV) === undefined) Deno.env.set(POOL_ENV, "1");
  installNodeUtilShim();
  let tfNode: typeof import("@tensorflow/tfjs-node");
  try {
    tfNode = await withQuietStartup(() => import("@tensorflow/tfjs-node"));
  } catch (error) {
    // Typically dlopen: libtensorflow moved or deleted after the addon was built.
    const firstLine = String((error as Error).message).split("\n")[0];
    throw new Error(`tfjs-node failed to load (${firstLine}): run 'deno task setup --force'`);
  }
  const backend = tf.findBackend("tensorflow") as unknown as { binding?: { TF_Version?: string } };
  if (!backend?.binding) throw new Error("tfjs-node loaded but registered no tensorflow backend");
  // Faster Step (ReLU derivative) and MaxPoolGrad kernels: see kernels.ts. The variable keeps
  // tfjs-node's own kernels, for before/after benchmarks.
  if (Deno.env.get("DIGITKIT_STOCK_KERNELS") !== "1") registerTensorflowKernels();
  loaded = {
    libtensorflow: String(backend.binding.TF_Version ?? "unknown"),
    tfjsNode: tfNode.version["tfjs-node"] ?? "unknown",
    threads: currentThreadSettings(),
    bindingPath: tensorflowBindingPath(),
  };
  return loaded;
}

/**
 * The thread pools libtensorflow uses (or will use when loaded now): the environment variables
 * it honours, else its default of one thread per CPU this process may run on.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { currentThreadSettings } from "./mod.ts";
 * ok(currentThreadSettings().intraOp >= 1);
 * ```
 */
export function currentThreadSettings(): TensorflowThreads {
  const cpus = navigator.hardwareConcurrency || 1;
  const read = (name: string) => {
    const n = Number(Deno.env.get(name));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const intra = read(INTRA_ENV);
  const inter = read(INTER_ENV);
  return {
    intraOp: intra ?? cpus,
    interOp: inter ?? cpus,
    source: intra !== undefined || inter !== undefined ? "env" : "default",
  };
}

/**
 * The backend {@link loadTensorflowBackend} loaded in this process, or undefined.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { loadedTensorflowBackend } from "./mod.ts";
 * const loaded = loadedTensorflowBackend(); // undefined until the tensorflow backend is selected
 * ok(loaded === undefined || loaded.libtensorflow.length > 0);
 * ```
 */
export function loadedTensorflowBackend(): TensorflowBackend | undefined {
  return loaded;
}
