/**
 * A `tf.io` handler that saves and loads tfjs layers models (`model.json` + `weights.bin`) with
 * Deno's file API, writing each file to a temporary name and renaming it into place, so a crash
 * never leaves a half-written file under the final name. `model.json` records the size and
 * sha256 of `weights.bin` (its `integrity` field), verified on every load.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readJson, writeFileAtomic, writeJsonAtomic } from "../util/fs.ts";
import { integrityOf, type IntegrityTable, verifyTensorFile } from "./integrity.ts";

/** File name of the model topology + weights manifest. */
export const MODEL_JSON = "model.json";
/** File name of the concatenated weights. */
export const WEIGHTS_BIN = "weights.bin";

/**
 * A `tf.io.IOHandler` over folder `dir`: `model.save(fileHandler(dir))` writes `model.json` and
 * `weights.bin`; `tf.loadLayersModel(fileHandler(dir))` reads them back.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { fileHandler } from "./file_io.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const dir = await Deno.makeTempDir();
 * await model.save(fileHandler(dir));
 * const again = await tf.loadLayersModel(fileHandler(dir));
 * strictEqual(again.countParams(), 3);
 * ```
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await Deno.mkdir(dir, { recursive: true });
      const weights = artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const weightBytes = new Uint8Array(weights);
      await writeFileAtomic(join(dir, WEIGHTS_BIN), weightBytes);
      const modelJson: tf.io.ModelJSON & { integrity: IntegrityTable } = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        integrity: { [WEIGHTS_BIN]: integrityOf(weightBytes) },
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) {
        modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      }
      await writeJsonAtomic(join(dir, MODEL_JSON), modelJson);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const path = join(dir, MODEL_JSON);
      const json = await readJson<tf.io.ModelJSON & { integrity?: IntegrityTable }>(path);
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new InputError(path, "", "a tfjs layers model.json (modelTopology, weightsManifest)");
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const file of group.paths) {
          const bytes = await Deno.readFile(join(dir, file)).catch(() => {
            throw new InputError(join(dir, file), "", `the weights file named in ${path}`);
          });
          verifyTensorFile(join(dir, file), bytes, {
            manifest: path,
            // Sizes of a group's tensors add up to its files' sizes only with a single file.
            specs: group.paths.length === 1 ? group.weights : undefined,
            recorded: json.integrity?.[file],
          });
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs,
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}
