/**
 * `kit data`: load a named dataset or any supported file/folder and print its counts per split
 * and class, checksum and load time.
 *
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { parseFlags, stringFlags } from "./args.ts";
import type { CommandResult } from "./command_types.ts";
import {
  applySplitPreset,
  datasetHelp,
  type DigitDataset,
  EMNIST_SPLITS,
  type EmnistSplit,
  formatDatasetSummaries,
  type LabelSet,
  loadNamedDataset,
  loadPath,
  SPLIT_PRESETS,
  summarizeDataset,
} from "../data/mod.ts";

/** `--help` text. */
export const help = `usage: deno task kit data (--dataset NAME | --path FILE|DIR) [flags] [--json]

Loads a dataset and prints counts per split and per class, the sha256 checksum and load time.

  --dataset NAME        a dataset of the registry (src/data/named.ts):
${datasetHelp("    ")}
  --emnist-dir DIR      official EMNIST files, for --dataset emnist-digits
  --path FILE|DIR       any supported file or folder: IDX (raw or .gz, MNIST/EMNIST names),
                        EMNIST gzip.zip, Kaggle train.csv/test.csv, a PNG, a folder of PNGs
                        (one sub-folder per class); format detected from content and name
  --emnist-split NAME   split to read from an EMNIST gzip.zip (${EMNIST_SPLITS.join(", ")})
  --split PRESET        also apply a split preset: ${SPLIT_PRESETS.join(", ")}
  --seed N              seed of the split preset (default 42)
  --json                print one JSON object on stdout`;

interface Loaded {
  format: string;
  datasets: DigitDataset[];
  labelSets: LabelSet[];
}

async function loadNamed(name: string, emnistDir: string | undefined): Promise<Loaded> {
  const named = await loadNamedDataset(name, { emnistDir });
  const datasets = named.train ? [named.train, named.test] : [named.test];
  return { format: named.format, datasets, labelSets: named.labelSets };
}

/** Runs `kit data`. */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values } = parseFlags(flags, {
    ...stringFlags("dataset", "path", "emnist-split", "emnist-dir", "split", "seed"),
  });
  if ((values.dataset === undefined) === (values.path === undefined)) {
    throw new UsageError("kit data needs exactly one of --dataset NAME or --path FILE|DIR");
  }
  const emnistSplit = (values["emnist-split"] ?? "digits") as EmnistSplit;
  if (!EMNIST_SPLITS.includes(emnistSplit)) {
    throw new UsageError(`--emnist-split must be one of ${EMNIST_SPLITS.join(", ")}`);
  }
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  }

  const start = performance.now();
  const loaded = values.dataset !== undefined
    ? await loadNamed(values.dataset, values["emnist-dir"])
    : await loadPath(values.path!, emnistSplit);
  const loadSeconds = (performance.now() - start) / 1000;
  const splits = [...loaded.datasets, ...loaded.labelSets].map(summarizeDataset);

  let preset:
    | { name: string; seed: number; sets: ReturnType<typeof summarizeDataset>[] }
    | undefined;
  if (values.split !== undefined) {
    const [train, test] = loaded.datasets;
    if (!train) throw new UsageError("--split needs a dataset with images");
    const sets = applySplitPreset(values.split, { train, test }, seed);
    preset = {
      name: values.split,
      seed,
      sets: [sets.train, sets.validation, sets.test].map(summarizeDataset),
    };
  }
  const json = {
    ...(values.dataset !== undefined ? { dataset: values.dataset } : { path: values.path }),
    format: loaded.format,
    loadSeconds: Math.round(loadSeconds * 1000) / 1000,
    splits,
    ...(preset ? { preset } : {}),
  };
  const text = [
    `${values.dataset ?? values.path} (${loaded.format}), loaded in ${loadSeconds.toFixed(2)} s`,
    formatDatasetSummaries(splits),
    ...(preset
      ? [`split preset ${preset.name} (seed ${seed}):`, formatDatasetSummaries(preset.sets)]
      : []),
  ].join("\n");
  return { json, text };
}
