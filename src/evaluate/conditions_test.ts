import assert from "node:assert/strict";
import { PIXELS } from "../data/types.ts";
import { applySweep } from "../augment/sweeps.ts";
import { corrupt } from "../augment/corruptions.ts";
import { augmentCatalog, augmentRenderer, augmentSuite } from "./conditions.ts";
import type { Condition } from "./types.ts";

Deno.test("the augment catalog offers the MNIST-C corruptions and the sweep grids", () => {
  const catalog = augmentCatalog();
  assert.equal(catalog.corruptions.length, 15);
  assert.ok(catalog.corruptions.includes("canny_edges"));
  const factors = catalog.sweeps.map((s) => s.factor);
  for (const f of ["gaussian_noise", "gaussian_blur", "rotation", "downsample"]) {
    assert.ok(factors.includes(f), f);
  }
  const quick = augmentSuite("quick");
  assert.deepEqual(
    [...new Set(quick.conditions.map((c) => `${c.kind}:${c.factor}`))],
    [
      "clean:clean",
      "sweep:gaussian_noise",
      "sweep:gaussian_blur",
      "sweep:rotation",
      "corruption:shot_noise",
      "corruption:motion_blur",
      "corruption:fog",
    ],
  );
  const fullCount = augmentSuite("default").conditions.length;
  const sweepLevels = catalog.sweeps.reduce((a, s) => a + s.levels.length, 0);
  assert.equal(fullCount, 1 + sweepLevels + 15 * 5);
});

Deno.test("augmentRenderer matches corrupt/applySweep seeded by item id", async () => {
  const count = 3;
  const images = new Float32Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = ((i * 37) % 101) / 100;
  const ids = new Uint32Array([5, 9, 11]);
  const render = augmentRenderer();
  const cases: [Condition, Float32Array][] = [
    [
      { kind: "corruption", factor: "shot_noise", level: 3 },
      corrupt(images, count, "shot_noise", 3, 7, { ids }),
    ],
    [
      { kind: "sweep", factor: "rotation", level: 30 },
      applySweep(images, count, "rotation", 30, 7, { ids }),
    ],
    // Same name as a corruption, but the sweep's transform.
    [
      { kind: "sweep", factor: "shot_noise", level: 0.3 },
      applySweep(images, count, "shot_noise", 0.3, 7, { ids }),
    ],
  ];
  for (const [condition, expected] of cases) {
    const rendered = await render(images, count, condition, 7, ids);
    assert.deepEqual(rendered, expected, `${condition.kind} ${condition.factor}`);
    assert.notDeepEqual(rendered, images);
  }
});
