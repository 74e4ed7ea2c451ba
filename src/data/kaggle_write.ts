/**
 * Writing Kaggle digit-recognizer CSVs: pixel files in Kaggle's layout (fixtures, exports)
 * and the `ImageId,Label` submission file.
 *
 * The submission goes through papaparse (the npm CSV package we pin: RFC 4180 quoting, no
 * dependencies, maintained since 2013). Pixel rows are joined directly: they are bare integers
 * that need no quoting, and papaparse's `unparse` takes ~16 s for 42,000 rows.
 *
 * @module
 */
import Papa from "papaparse";
import { UsageError } from "../util/errors.ts";
import { DIGIT_CLASSES, type DigitDataset, PIXELS, UNLABELED } from "./types.ts";
import { kaggleHeader } from "./kaggle_csv.ts";

/**
 * Encodes `ds` as a Kaggle CSV: labeled (`train.csv` layout) or not (`test.csv` layout).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { encodeKaggleCsv } from "./kaggle_write.ts";
 * import { DIGIT_CLASSES, PIXELS } from "./types.ts";
 * const ds = { name: "d", images: new Uint8Array(PIXELS), labels: new Uint8Array([7]), count: 1,
 *   classNames: [...DIGIT_CLASSES], source: "", checksum: "" };
 * strictEqual(encodeKaggleCsv(ds).split("\n")[1].slice(0, 5), "7,0,0");
 * ```
 */
export function encodeKaggleCsv(ds: DigitDataset, labeled = true): string {
  const lines = [kaggleHeader(labeled).join(",")];
  for (let i = 0; i < ds.count; i++) {
    const pixels = ds.images.subarray(i * PIXELS, (i + 1) * PIXELS).join(",");
    if (!labeled) {
      lines.push(pixels);
      continue;
    }
    if (ds.labels[i] === UNLABELED) {
      throw new UsageError(`${ds.name}: item ${i} has no label; write it unlabeled`);
    }
    lines.push(`${ds.classNames[ds.labels[i]]},${pixels}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Encodes predicted class indices as a Kaggle submission (`ImageId,Label`, ImageId from 1).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { encodeSubmissionCsv } from "./kaggle_write.ts";
 * strictEqual(encodeSubmissionCsv([2, 0]), "ImageId,Label\n1,2\n2,0\n");
 * ```
 */
export function encodeSubmissionCsv(
  predicted: ArrayLike<number>,
  classNames: readonly string[] = DIGIT_CLASSES,
): string {
  const data = Array.from(predicted, (cls, i) => {
    if (!(cls >= 0 && cls < classNames.length)) {
      throw new UsageError(
        `prediction ${i} is ${cls}, not a class index 0..${classNames.length - 1}`,
      );
    }
    return [i + 1, classNames[cls]];
  });
  return Papa.unparse({ fields: ["ImageId", "Label"], data }, { newline: "\n" }) + "\n";
}

/**
 * Writes a Kaggle submission file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { writeSubmissionCsv } from "./kaggle_write.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeSubmissionCsv(path, [3, 1, 4]);
 * strictEqual(await Deno.readTextFile(path), "ImageId,Label\n1,3\n2,1\n3,4\n");
 * await Deno.remove(path);
 * ```
 */
export async function writeSubmissionCsv(
  path: string,
  predicted: ArrayLike<number>,
  classNames?: readonly string[],
): Promise<void> {
  await Deno.writeTextFile(path, encodeSubmissionCsv(predicted, classNames));
}
