/**
 * The Slurm executor's job-array script: the study file's `slurm:` settings (partition, account,
 * QoS, extra `#SBATCH` lines, per-recipe resources), the per-recipe resource estimates, and the
 * script itself, one array task per missing cell whose `SLURM_ARRAY_TASK_ID` is the cell's index.
 *
 * ```yaml
 * slurm:
 *   partition: cpu
 *   account: digits-lab
 *   qos: normal
 *   sbatch: ["--constraint=avx2"]     # extra #SBATCH lines
 *   setup: ["module load deno"]       # shell lines run before each cell
 *   resources:                        # override the estimates, per recipe or for all
 *     default: { cpus: 2, mem: 4G }
 *     kaggle-cnn: { time: "3:00:00" }
 * ```
 *
 * @module
 */
import { InputError } from "../../util/errors.ts";

/** What one array task asks Slurm for. */
export interface SlurmResources {
  /** `--cpus-per-task`. */
  cpus: number;
  /** `--mem` in MiB. */
  memMiB: number;
  /** `--time` in minutes. */
  minutes: number;
}

/** The study file's `slurm:` section, normalised. */
export interface SlurmSettings {
  partition?: string;
  account?: string;
  qos?: string;
  /** Extra `#SBATCH` options, each as written after `#SBATCH `. */
  sbatch: string[];
  /** Shell lines run before each cell (e.g. `module load ...`). */
  setup: string[];
  /** Overrides of the estimates: by recipe name, or `default` for every recipe. */
  resources: Record<string, Partial<SlurmResources>>;
}

/**
 * Training speed (images per second on 2 CPUs) and memory per recipe, from the README's measured
 * throughputs halved for a busy node; recipes missing here get {@link FALLBACK_ESTIMATE}.
 * Images: training images per epoch on the full data set (train split).
 */
const RECIPE_ESTIMATES: Record<
  string,
  { imagesPerSecond: number; memMiB: number; images: number }
> = {
  // keras-mnist-convnet: 8,189 img/s (graph engine), 4,365 img/s for PyTorch.
  "keras-convnet": { imagesPerSecond: 4000, memMiB: 4096, images: 54000 },
  // mdsist-cnn: 13,754 img/s (graph engine).
  mdsist: { imagesPerSecond: 6000, memMiB: 4096, images: 42000 },
  // The 15.96 M-parameter Kaggle CNN: ~720 img/s, ~45 min per seed for 30 epochs.
  "kaggle-cnn": { imagesPerSecond: 350, memMiB: 6144, images: 42000 },
  "adaptive-pool": { imagesPerSecond: 1500, memMiB: 4096, images: 60000 },
  // MNIST + EMNIST digits with augmentation.
  "beyond-mnist": { imagesPerSecond: 1500, memMiB: 8192, images: 300000 },
  "strong-cnn": { imagesPerSecond: 1500, memMiB: 4096, images: 54000 },
  "baseline-adam": { imagesPerSecond: 4000, memMiB: 4096, images: 54000 },
};
const FALLBACK_ESTIMATE = { imagesPerSecond: 1000, memMiB: 4096, images: 60000 };
/** Deno start, data loading and the evaluation suite, per cell. */
const FIXED_MINUTES = 10;

/** What a cell needs to be estimated: its recipe and epochs (a study cell has both). */
export interface EstimatedCell {
  recipe: string;
  epochs: number;
}

/**
 * Resources of one cell: 2 CPUs, the recipe's memory, and twice the expected training time plus
 * {@link FIXED_MINUTES}, rounded up to 5 minutes; `trainLimit` caps the training images (a
 * study's `train.limit`). Overrides from the study file replace single fields: the recipe's
 * entry wins over `default`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { estimateResources } from "./slurm_script.ts";
 * deepStrictEqual(
 *   estimateResources({ recipe: "kaggle-cnn", epochs: 30 }, undefined, {}),
 *   { cpus: 2, memMiB: 6144, minutes: 130 },
 * );
 * deepStrictEqual(
 *   estimateResources({ recipe: "mdsist", epochs: 1 }, 600, { default: { cpus: 1 } }),
 *   { cpus: 1, memMiB: 4096, minutes: 15 },
 * );
 * ```
 */
export function estimateResources(
  cell: EstimatedCell,
  trainLimit: number | undefined,
  overrides: Record<string, Partial<SlurmResources>>,
): SlurmResources {
  const e = RECIPE_ESTIMATES[cell.recipe] ?? FALLBACK_ESTIMATE;
  const images = Math.min(e.images, trainLimit ?? Infinity);
  const trainingMinutes = (images * cell.epochs) / e.imagesPerSecond / 60;
  const minutes = Math.ceil((FIXED_MINUTES + 2 * trainingMinutes) / 5) * 5;
  return {
    cpus: 2,
    memMiB: e.memMiB,
    minutes,
    ...overrides.default,
    ...overrides[cell.recipe],
  };
}

/**
 * The largest of each resource: one array asks every task for the same, so it asks for what
 * its most demanding cell needs.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { largestResources } from "./slurm_script.ts";
 * deepStrictEqual(
 *   largestResources([{ cpus: 2, memMiB: 4096, minutes: 10 }, { cpus: 1, memMiB: 6144, minutes: 5 }]),
 *   { cpus: 2, memMiB: 6144, minutes: 10 },
 * );
 * ```
 */
export function largestResources(all: SlurmResources[]): SlurmResources {
  return {
    cpus: Math.max(...all.map((r) => r.cpus)),
    memMiB: Math.max(...all.map((r) => r.memMiB)),
    minutes: Math.max(...all.map((r) => r.minutes)),
  };
}

const SETTINGS_KEYS = ["partition", "account", "qos", "sbatch", "setup", "resources"];
const RESOURCE_KEYS = ["cpus", "mem", "time"];

/**
 * Normalises a study file's `slurm:` section (`undefined` when it has none). `file` names the
 * study file in errors.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseSlurmSettings } from "./slurm_script.ts";
 * deepStrictEqual(
 *   parseSlurmSettings({ partition: "cpu", resources: { mdsist: { mem: "2G", time: "1:30:00" } } }, "s.yaml"),
 *   { partition: "cpu", sbatch: [], setup: [], resources: { mdsist: { memMiB: 2048, minutes: 90 } } },
 * );
 * ```
 */
export function parseSlurmSettings(value: unknown, file: string): SlurmSettings {
  const settings: SlurmSettings = { sbatch: [], setup: [], resources: {} };
  if (value === undefined || value === null) return settings;
  const fail = (key: string, expected: string, found: unknown): never => {
    throw new InputError(file, `slurm.${key}`, expected, JSON.stringify(found));
  };
  if (!isRecord(value)) return fail("", "a mapping of " + SETTINGS_KEYS.join(", "), value);
  for (const [key, v] of Object.entries(value)) {
    if (!SETTINGS_KEYS.includes(key)) fail(key, `one of ${SETTINGS_KEYS.join(", ")}`, key);
    if (key === "partition" || key === "account" || key === "qos") {
      if (typeof v !== "string" || !/^[\w.,-]+$/.test(v)) fail(key, "a Slurm name", v);
      settings[key] = v as string;
    } else if (key === "sbatch" || key === "setup") {
      if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s.includes("\n"))) {
        fail(key, "a list of one-line strings", v);
      }
      settings[key] = (v as string[]).map((s) => s.trim());
      if (key === "sbatch" && settings.sbatch.some((s) => !s.startsWith("-"))) {
        fail(key, "sbatch options such as --constraint=avx2", v);
      }
    } else if (key === "resources") {
      if (!isRecord(v)) fail(key, "a mapping from recipe name (or default) to cpus, mem, time", v);
      for (const [recipe, r] of Object.entries(v as Record<string, unknown>)) {
        settings.resources[recipe] = parseResources(r, `resources.${recipe}`, fail);
      }
    }
  }
  return settings;
}

function parseResources(
  value: unknown,
  key: string,
  fail: (key: string, expected: string, found: unknown) => never,
): Partial<SlurmResources> {
  if (!isRecord(value)) return fail(key, "a mapping of cpus, mem, time", value);
  const out: Partial<SlurmResources> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!RESOURCE_KEYS.includes(k)) fail(`${key}.${k}`, `one of ${RESOURCE_KEYS.join(", ")}`, k);
    if (k === "cpus") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
        fail(`${key}.cpus`, "an integer ≥ 1", v);
      }
      out.cpus = v as number;
    } else if (k === "mem") {
      out.memMiB = parseMemory(v) ??
        fail(`${key}.mem`, "a size such as 4096 (MiB), 4096M or 4G", v);
    } else {
      out.minutes = parseMinutes(v) ??
        fail(`${key}.time`, "minutes, or a time such as 1:30:00 or 1-00:00:00", v);
    }
  }
  return out;
}

/**
 * MiB of a Slurm memory size: a number (MiB) or a string with K, M, G or T.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseMemory } from "./slurm_script.ts";
 * deepStrictEqual([parseMemory("4G"), parseMemory(512), parseMemory("2048M"), parseMemory("x")], [4096, 512, 2048, undefined]);
 * ```
 */
export function parseMemory(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^(\d+)\s*([KMGT]?)B?$/i.exec(value.trim());
  if (!m) return undefined;
  const scale = { K: 1 / 1024, "": 1, M: 1, G: 1024, T: 1024 * 1024 }[m[2].toUpperCase()]!;
  const mib = Math.ceil(Number(m[1]) * scale);
  return mib > 0 ? mib : undefined;
}

/**
 * Minutes of a Slurm time: a number of minutes, `H:MM:SS`, `MM:SS` or `D-HH[:MM[:SS]]`
 * (seconds round up).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseMinutes } from "./slurm_script.ts";
 * deepStrictEqual(
 *   [parseMinutes(90), parseMinutes("1:30:00"), parseMinutes("1-02"), parseMinutes("10:30"), parseMinutes("soon")],
 *   [90, 90, 1560, 11, undefined],
 * );
 * ```
 */
export function parseMinutes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const days = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(value.trim());
  if (days) {
    const [d, h, m, s] = days.slice(1).map((x) => Number(x ?? 0));
    return d * 1440 + h * 60 + m + Math.ceil(s / 60);
  }
  const parts = value.trim().split(":");
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) {
    return undefined;
  }
  const n = parts.map(Number);
  const minutes = n.length === 3
    ? n[0] * 60 + n[1] + Math.ceil(n[2] / 60)
    : n.length === 2
    ? n[0] + Math.ceil(n[1] / 60)
    : n[0];
  return minutes > 0 ? minutes : undefined;
}

/**
 * Slurm's `--time` format of a number of minutes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { formatMinutes } from "./slurm_script.ts";
 * strictEqual(formatMinutes(135), "02:15:00");
 * strictEqual(formatMinutes(1560), "1-02:00:00");
 * ```
 */
export function formatMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${pad(h)}:${pad(m)}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** Everything the array script says. */
export interface ArrayScriptOptions {
  /** The study's name (the job name is `digitkit-<name>`). */
  name: string;
  /** Absolute study folder, seen by every node. */
  studyDir: string;
  /** Absolute path of the digitkit checkout the nodes run. */
  checkout: string;
  /** Absolute path of the deno executable (`DIGITKIT_DENO` on the node overrides it). */
  deno: string;
  /** Indexes of the cells to run: the array's task ids. */
  cells: number[];
  resources: SlurmResources;
  settings: SlurmSettings;
  /** The cells' TensorFlow.js backend (`--backend`; default auto, which prefers tensorflow). */
  backend?: string;
}

/** Where array task `%a` (the cell index) writes its stdout and stderr, relative to the study. */
export const SLURM_LOG_DIR = "slurm/logs";

/**
 * The job-array script: `#SBATCH` lines, then a check that the checkout, Deno and the native
 * backend work on the node (exit 2 or 3 with one line on stderr if not; the backend check only
 * when the cells use tensorflow, as they do by default), then the kit's cell
 * command for cell `SLURM_ARRAY_TASK_ID`. Requeued tasks append to the same logs.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { renderArrayScript } from "./slurm_script.ts";
 * const script = renderArrayScript({
 *   name: "tiny", studyDir: "/shared/tiny", checkout: "/shared/digitkit", deno: "/usr/bin/deno",
 *   cells: [0, 2, 5], resources: { cpus: 2, memMiB: 4096, minutes: 30 },
 *   settings: { partition: "cpu", sbatch: ["--constraint=avx2"], setup: [], resources: {} },
 * });
 * ok(script.includes("#SBATCH --array=0,2,5\n"));
 * ok(script.includes("#SBATCH --time=00:30:00\n"));
 * ok(script.includes("#SBATCH --constraint=avx2\n"));
 * ok(script.includes('study cell /shared/tiny "$SLURM_ARRAY_TASK_ID" --threads "$threads"\n'));
 * ok(script.includes("src/backend/tensorflow/check.ts"));
 * ```
 */
export function renderArrayScript(o: ArrayScriptOptions): string {
  for (const [what, path] of [["study folder", o.studyDir], ["checkout", o.checkout]]) {
    if (!/^\/[\w.\/+@-]*$/.test(path)) {
      throw new InputError(path, "", `an absolute ${what} path of letters, digits and ./_+@-`);
    }
  }
  const { resources: r, settings: s } = o;
  const usesTensorflow = [undefined, "auto", "tensorflow"].includes(o.backend);
  const sbatch = [
    `--job-name=digitkit-${o.name}`,
    `--array=${compressIndexes(o.cells)}`,
    `--cpus-per-task=${r.cpus}`,
    `--mem=${r.memMiB}M`,
    `--time=${formatMinutes(r.minutes)}`,
    `--output=${o.studyDir}/${SLURM_LOG_DIR}/%a.out`,
    `--error=${o.studyDir}/${SLURM_LOG_DIR}/%a.err`,
    "--open-mode=append",
    "--requeue",
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...(s.qos ? [`--qos=${s.qos}`] : []),
    ...s.sbatch,
  ];
  return [
    "#!/bin/bash",
    `# digitkit study ${o.name}: one array task per cell; SLURM_ARRAY_TASK_ID is the cell's`,
    "# index in study.json. Written by `kit study run --executor slurm`; `kit study status` reads it.",
    ...sbatch.map((line) => `#SBATCH ${line}`),
    "set -uo pipefail",
    'node="$(hostname)"',
    `cd ${o.checkout} || { echo "digitkit: the checkout ${o.checkout} is not visible on $node" >&2; exit 2; }`,
    ...s.setup,
    // The task's CPUs are the cell's backend threads (libtensorflow would take every CPU).
    'threads="${SLURM_CPUS_PER_TASK:-1}"',
    `deno="\${DIGITKIT_DENO:-${o.deno}}"`,
    'if ! [ -x "$deno" ]; then',
    '  echo "digitkit: no Deno at $deno on $node: install Deno there or set DIGITKIT_DENO" >&2',
    "  exit 2",
    "fi",
    'echo "digitkit: cell $SLURM_ARRAY_TASK_ID on $node, job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, restart ${SLURM_RESTART_COUNT:-0}"',
    // The native backend must work before the cell starts: with `auto` a node without it
    // would quietly train on another backend, whose numbers differ from the other cells'.
    ...(usesTensorflow
      ? [
        'if ! check="$("$deno" run --allow-all src/backend/tensorflow/check.ts 2>&1)"; then',
        `  echo "digitkit: the tensorflow backend does not work on $node in ${o.checkout}: ` +
        `$(printf '%s' "$check" | tail -n 1) (set up a shared checkout once, or run 'deno task setup' on each node)" >&2`,
        "  exit 3",
        "fi",
      ]
      : []),
    `exec "$deno" run --allow-all src/cli.ts study cell ${o.studyDir} "$SLURM_ARRAY_TASK_ID" --threads "$threads"` +
    (o.backend ? ` --backend ${shellWord(o.backend)}` : ""),
    "",
  ].join("\n");
}

/**
 * Slurm's `--array` list for sorted or unsorted indexes, runs written as ranges.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { compressIndexes } from "./slurm_script.ts";
 * strictEqual(compressIndexes([5, 0, 1, 2, 7, 8]), "0-2,5,7-8");
 * ```
 */
export function compressIndexes(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/**
 * The indexes of a Slurm array list such as `0-2,5,7-11:2%4` (steps and the `%` limit handled).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { expandIndexes } from "./slurm_script.ts";
 * deepStrictEqual(expandIndexes("0-2,5,7-11:2%4"), [0, 1, 2, 5, 7, 9, 11]);
 * ```
 */
export function expandIndexes(list: string): number[] {
  const out: number[] = [];
  for (const part of list.replace(/%\d+$/, "").split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = from; i <= to; i += step) out.push(i);
  }
  return out;
}

/** A shell word: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w.\/=:,+@-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
