import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { resolveSuite } from "./suites.ts";

const catalog = {
  sweeps: [
    { factor: "gaussian_noise", unit: "σ", levels: [0, 0.1, 0.2, 0.5, 1] },
    { factor: "downsample", unit: "pixels", levels: [28, 14, 7] },
  ],
  corruptions: ["shot_noise", "zigzag"],
  severities: [1, 2, 3, 4, 5],
};

Deno.test("default suite runs every sweep level and corruption severity once, clean first", () => {
  const suite = resolveSuite("default", catalog);
  assert.deepEqual(suite.conditions[0], { kind: "clean", factor: "clean", level: 0 });
  assert.equal(suite.conditions.length, 1 + 5 + 3 + 2 * 5);
  assert.deepEqual(suite.units, { gaussian_noise: "σ", downsample: "pixels" });
  assert.equal(suite.defaultLimit, undefined);
  const keys = suite.conditions.map((c) => `${c.factor}@${c.level}`);
  assert.equal(new Set(keys).size, keys.length);
});

Deno.test("quick suite thins sweeps and severities and keeps its subset", () => {
  const suite = resolveSuite("quick", catalog);
  assert.deepEqual(
    suite.conditions.map((c) => `${c.factor}@${c.level}`),
    [
      "clean@0",
      "gaussian_noise@0",
      "gaussian_noise@0.2",
      "gaussian_noise@1",
      "shot_noise@1",
      "shot_noise@3",
      "shot_noise@5",
    ],
  );
  assert.equal(suite.defaultLimit, 500);
});

Deno.test("full suite adds the midpoints of every sweep grid", () => {
  const suite = resolveSuite("full", catalog);
  const noise = suite.conditions.filter((c) => c.factor === "gaussian_noise").map((c) => c.level);
  assert.deepEqual(noise, [0, 0.05, 0.1, 0.15, 0.2, 0.35, 0.5, 0.75, 1]);
  assert.throws(() => resolveSuite("huge", catalog), UsageError);
});
