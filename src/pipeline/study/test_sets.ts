/**
 * The test sets a study evaluates every cell on: named sets and labelled files.
 *
 * @module
 */
import { loadEmnistDigitsSample } from "../../data/emnist_sample.ts";
import { loadPath } from "../../data/load_path.ts";
import { loadMnist } from "../../data/mnist.ts";
import type { DigitDataset } from "../../data/types.ts";
import { UsageError } from "../../util/errors.ts";
import type { StudyEvaluation } from "./plan.ts";

/**
 * Loads the study's named test sets (`mnist`: the 10,000 test images; `emnist-digits-sample`)
 * and labelled files, in that order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadStudyTestSets } from "./test_sets.ts";
 * const [mnist] = await loadStudyTestSets({ suite: "quick", datasets: ["mnist"], paths: [], seed: 0 });
 * strictEqual(mnist.count, 10000);
 * ```
 */
export async function loadStudyTestSets(evaluation: StudyEvaluation): Promise<DigitDataset[]> {
  const sets: DigitDataset[] = [];
  for (const name of evaluation.datasets) {
    if (name === "mnist") sets.push(await loadMnist("test"));
    else if (name === "emnist-digits-sample") sets.push((await loadEmnistDigitsSample()).sample);
    else throw new UsageError(`unknown test set '${name}' (known: mnist, emnist-digits-sample)`);
  }
  for (const path of evaluation.paths) {
    const loaded = await loadPath(path);
    if (loaded.datasets.length === 0) {
      throw new UsageError(`${path}: no labelled images found (${loaded.format})`);
    }
    sets.push(...loaded.datasets);
  }
  return sets;
}
