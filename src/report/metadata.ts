/**
 * The qualitative text of model cards (intended use, factors, ethics, caveats…), read from a
 * small user-editable YAML or JSON file and merged over sensible defaults.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { InputError } from "../util/errors.ts";
import { readInputFile } from "../data/files.ts";

/** Qualitative sections of a model card; every field is optional in the file. */
export interface CardMetadata {
  /** Who built the models (person, group, organisation). */
  developers: string;
  /** License of the models and report. */
  license: string;
  /** Where to send questions or corrections. */
  contact: string;
  /** Citation or reference for the work. */
  citation: string;
  /** Primary intended uses. */
  intendedUses: string[];
  /** Primary intended users. */
  intendedUsers: string[];
  /** Uses the models are not fit for. */
  outOfScope: string[];
  /** Factors that may change performance (groups, instrumentation, environment). */
  relevantFactors: string[];
  /** Why each reported metric was chosen, by metric name. */
  metricReasons: Record<string, string>;
  /** Ethical considerations. */
  ethicalConsiderations: string[];
  /** Caveats of the evaluation and the models. */
  caveats: string[];
  /** Recommendations for users. */
  recommendations: string[];
  /** Per-model extra description, by model name. */
  modelNotes: Record<string, string>;
  /**
   * Carbon intensity of the electricity that powered training, in g CO₂eq per kWh (default 475,
   * the world average Green Algorithms uses); set your grid's value.
   */
  gridIntensity: number;
  /** Power drawn per busy CPU core, in watts (default 12, Green Algorithms' per-core default). */
  cpuWattsPerCore: number;
  /** Power usage effectiveness of the machine room (default 1: no cooling overhead counted). */
  powerUsageEffectiveness: number;
  /** Where training ran (region or provider), for the card's environmental impact section. */
  computeRegion: string;
}

/**
 * The defaults: honest text for digit classifiers trained and evaluated by this kit.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { DEFAULT_METADATA } from "./metadata.ts";
 * strictEqual(DEFAULT_METADATA.caveats.length, 3);
 * ```
 */
export const DEFAULT_METADATA: CardMetadata = {
  developers: "digitkit user (edit `developers` in the report metadata file)",
  license: "unspecified (set `license` in the report metadata file)",
  contact: "unspecified",
  citation: "",
  intendedUses: [
    "Research and teaching: comparing architectures and training recipes for isolated " +
    "handwritten-digit recognition under controlled corruptions.",
    "A baseline for studies of robustness and calibration on MNIST-like data.",
  ],
  intendedUsers: ["Machine-learning researchers, students and instructors."],
  outOfScope: [
    "Reading digits in real documents (cheques, forms, postcodes) without validation on " +
    "data from that setting: MNIST digits are centred, size-normalised and clean.",
    "Any decision about a person (identity, handwriting analysis, grading).",
    "Inputs that are not a single centred digit 0–9 (letters, several digits, photos).",
  ],
  relevantFactors: [
    "Digit class: error rates differ by class; per-class rates are reported with intervals.",
    "Writer population: MNIST's writers are US Census employees and high-school students; " +
    "EMNIST digits come from NIST Special Database 19 with different writers and preprocessing.",
    "Image degradations: noise, blur, rotation, scale, resolution and the MNIST-C corruptions.",
    "Instrumentation: scanning and preprocessing pipeline (binarisation, anti-aliasing, centring).",
  ],
  metricReasons: {
    misclassification:
      "Share of digits read wrong, the quantity a user of the model pays for; reported with a " +
      "95% Wilson interval because test sets per class are small.",
    "per-class misclassification":
      "Aggregate accuracy hides classes the model handles badly; the worst class bounds what a " +
      "user can expect for every digit.",
    "precision / recall / F1": "Standard per-class summaries, computed as scikit-learn does.",
    "McNemar test":
      "Models are tested on the same items, so paired tests are more powerful than comparing " +
      "two independent proportions; mid-p (Fagerland et al. 2013) with Holm correction.",
    "CE / mCE":
      "Corruption error normalised by a baseline model (Hendrycks & Dietterich 2019) makes " +
      "corruptions of different difficulty comparable.",
    "ECE":
      "Expected calibration error (15 bins) says whether the confidence can be used to defer " +
      "uncertain digits to a human.",
  },
  ethicalConsiderations: [
    "The training data are handwriting samples of real people collected by NIST; no personal " +
    "information beyond the handwriting is included.",
    "Error rates differ between writer populations; performance on populations absent from " +
    "MNIST/EMNIST (other scripts, children, people with motor impairments) is unknown.",
  ],
  caveats: [
    "All numbers come from the test sets listed; they do not transfer to other data without " +
    "re-evaluation.",
    "Synthetic corruptions approximate but do not reproduce real-world degradations.",
    "Intervals cover sampling error of the test set only, not variation across training seeds.",
  ],
  recommendations: [
    "Select models by their worst-case error over the test sets that matter (minimax), not " +
    "by clean MNIST accuracy alone.",
    "Re-evaluate on data from the deployment setting before any use beyond research.",
  ],
  modelNotes: {},
  gridIntensity: 475,
  cpuWattsPerCore: 12,
  powerUsageEffectiveness: 1,
  computeRegion: "unspecified (set `computeRegion` in the report metadata file)",
};

type Field = keyof CardMetadata;
const STRING_FIELDS: Field[] = ["developers", "license", "contact", "citation", "computeRegion"];
const NUMBER_FIELDS: Field[] = ["gridIntensity", "cpuWattsPerCore", "powerUsageEffectiveness"];
const LIST_FIELDS: Field[] = [
  "intendedUses",
  "intendedUsers",
  "outOfScope",
  "relevantFactors",
  "ethicalConsiderations",
  "caveats",
  "recommendations",
];
const MAP_FIELDS: Field[] = ["metricReasons", "modelNotes"];

function describe(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
}

/**
 * Validates parsed metadata (`source` names the file for errors) and merges it over
 * {@link DEFAULT_METADATA}; lists replace the defaults, maps extend them.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { mergeMetadata } from "./metadata.ts";
 * const m = mergeMetadata({ license: "CC-BY-4.0" }, "card.yaml");
 * strictEqual(m.license, "CC-BY-4.0");
 * ok(m.caveats.length > 0);
 * ```
 */
export function mergeMetadata(input: unknown, source: string): CardMetadata {
  if (input === null || input === undefined) return structuredClone(DEFAULT_METADATA);
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new InputError(source, "top level", "a mapping of card fields", describe(input));
  }
  const merged = structuredClone(DEFAULT_METADATA) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    const field = key as Field;
    if (STRING_FIELDS.includes(field)) {
      if (typeof value !== "string") {
        throw new InputError(source, `field '${key}'`, "a string", describe(value));
      }
      merged[key] = value;
    } else if (NUMBER_FIELDS.includes(field)) {
      if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
        throw new InputError(source, `field '${key}'`, "a number ≥ 0", describe(value));
      }
      merged[key] = value;
    } else if (LIST_FIELDS.includes(field)) {
      const items = typeof value === "string" ? [value] : value;
      if (!Array.isArray(items) || items.some((i) => typeof i !== "string")) {
        throw new InputError(source, `field '${key}'`, "a list of strings", describe(value));
      }
      merged[key] = items;
    } else if (MAP_FIELDS.includes(field)) {
      const ok = value && typeof value === "object" && !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string");
      if (!ok) {
        throw new InputError(
          source,
          `field '${key}'`,
          "a mapping of names to text",
          describe(value),
        );
      }
      merged[key] = { ...(merged[key] as object), ...(value as object) };
    } else {
      const known = [...STRING_FIELDS, ...NUMBER_FIELDS, ...LIST_FIELDS, ...MAP_FIELDS].join(", ");
      throw new InputError(source, `field '${key}'`, `one of ${known}`, `'${key}'`);
    }
  }
  return merged as unknown as CardMetadata;
}

/**
 * Reads card metadata from a YAML or JSON file (JSON is valid YAML); a missing file is an
 * error, a missing path gives the defaults.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { loadMetadata } from "./metadata.ts";
 * const m = await loadMetadata(undefined);
 * ok(m.intendedUses.length > 0);
 * ```
 */
export async function loadMetadata(path: string | undefined): Promise<CardMetadata> {
  if (!path) return structuredClone(DEFAULT_METADATA);
  // Size-limited, with missing/unreadable/folder paths as one-line input errors.
  const text = new TextDecoder().decode(await readInputFile(path));
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const e = error as { linePos?: { line: number; col: number }[]; message: string };
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
    throw new InputError(path, where, "valid YAML or JSON", e.message.split("\n")[0]);
  }
  return mergeMetadata(parsed, path);
}
