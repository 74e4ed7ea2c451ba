import assert from "node:assert/strict";
import { cannyEdges } from "./canny.ts";
import { loadTestDigits } from "../testing.ts";

Deno.test("Canny outlines a square one pixel thick and leaves flat areas empty", () => {
  const img = new Float32Array(784);
  for (let y = 8; y < 20; y++) for (let x = 8; x < 20; x++) img[y * 28 + x] = 1;
  const edges = new Float32Array(784);
  cannyEdges(img, edges, new Float32Array(784));
  assert.ok(edges.every((v) => v === 0 || v === 1));
  // Flat interior and background hold no edges.
  assert.equal(edges[14 * 28 + 14], 0);
  assert.equal(edges[2 * 28 + 2], 0);
  // Each side of the square yields an edge on the middle row/column, one or two pixels wide.
  const row = Array.from({ length: 28 }, (_, x) => edges[14 * 28 + x]);
  const left = row.slice(5, 11).reduce((a, b) => a + b),
    right = row.slice(17, 23).reduce((a, b) => a + b);
  assert.ok(left >= 1 && left <= 2 && right >= 1 && right <= 2, row.join(""));
});

Deno.test("Canny on a real digit finds its contour and nothing on a blank image", () => {
  const digit = loadTestDigits(1);
  const edges = new Float32Array(784);
  cannyEdges(digit, edges, new Float32Array(784));
  const count = edges.reduce((a, b) => a + b);
  assert.ok(count > 30 && count < 300, `edge pixels ${count}`);
  cannyEdges(new Float32Array(784), edges, new Float32Array(784));
  assert.ok(edges.every((v) => v === 0));
});
