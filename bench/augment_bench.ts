/**
 * Throughput of augmentation pipelines and corruptions: `deno bench --allow-all bench/augment_bench.ts`.
 * Every case processes a batch of {@link BATCH} real MNIST digits, so images/s = BATCH × iter/s.
 * Targets: a typical training pipeline ≥ 20,000 img/s; every corruption ≥ 6,000 img/s.
 *
 * @module
 */

import { Random } from "../src/util/random.ts";
import { applyPipeline } from "../src/augment/pipeline.ts";
import { AUGMENT_PRESETS } from "../src/augment/presets.ts";
import { loadTestDigits } from "../src/testing.ts";
import { corrupt, CORRUPTION_NAMES } from "../src/augment/corruptions.ts";
import { applySweep, SWEEPS } from "../src/augment/sweeps.ts";

const BATCH = 256;
const digits = loadTestDigits(BATCH);
const work = new Float32Array(digits.length);

for (const [name, pipeline] of Object.entries(AUGMENT_PRESETS)) {
  const rng = new Random(1);
  Deno.bench(`augment preset ${name} (${BATCH} images)`, { group: "presets" }, () => {
    applyPipeline(digits, BATCH, pipeline, rng, { out: work });
  });
}

const singles = {
  elastic: [{ op: "elastic", alpha: 34, sigma: 4 }],
  gaussianBlur: [{ op: "gaussianBlur", sigma: 1 }],
  gaussianNoise: [{ op: "gaussianNoise", sigma: 0.1 }],
  saltPepper: [{ op: "saltPepper", amount: 0.05 }],
  brightnessContrast: [{ op: "brightnessContrast", brightness: 0.1, contrast: 0.2 }],
  erase: [{ op: "erase", p: 1 }],
} as const;
for (const [name, pipeline] of Object.entries(singles)) {
  const rng = new Random(1);
  Deno.bench(`augment op ${name} (${BATCH} images)`, { group: "ops" }, () => {
    applyPipeline(digits, BATCH, structuredClone(pipeline) as never, rng, { out: work });
  });
}

for (const name of CORRUPTION_NAMES) {
  for (const severity of [3, 5]) {
    Deno.bench(`corrupt ${name} severity ${severity} (${BATCH} images)`, {
      group: "corruptions",
    }, () => {
      corrupt(digits, BATCH, name, severity, 1, { out: work });
    });
  }
}

for (const sweep of SWEEPS) {
  const strongest = sweep.grid[sweep.grid.length - 1];
  Deno.bench(`sweep ${sweep.name} at ${strongest} (${BATCH} images)`, { group: "sweeps" }, () => {
    applySweep(digits, BATCH, sweep.name, strongest, 1, { out: work });
  });
}
