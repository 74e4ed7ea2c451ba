/**
 * Near-duplicate search between two image sets: for every query image, the smallest L1 pixel
 * distance (sum of |a − b| over the 784 uint8 pixels) to any reference image, when it is within
 * `maxDistance`.
 *
 * Exact, not approximate: the L1 distance of two images bounds the L1 distance of their 4×4
 * grid of 7×7 block sums, which bounds that of their four quadrant sums. References are binned
 * by quadrant sums in cells of side `maxDistance + 1`; a query visits its cell and the 80
 * around it, quadrant and block sums reject most candidates, and full distances (with early
 * exit) are computed only for the rest. 10,000 × 60,000
 * MNIST images at the default distance take about a second (`bench/data_bench.ts`).
 *
 * @module
 */
import { IMAGE_SIZE, PIXELS } from "./types.ts";

/** Default {@link nearestWithin} radius: a mean of 2 grey levels (of 255) per pixel. */
export const NEAR_DUPLICATE_L1 = 2 * PIXELS;

const BLOCKS = 16, BLOCK = 7;

function blockSums(images: Uint8Array, count: number): { blocks: Int32Array; totals: Int32Array } {
  const blocks = new Int32Array(count * BLOCKS), totals = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const base = n * PIXELS;
    let total = 0;
    for (let y = 0; y < IMAGE_SIZE; y++) {
      const row = base + y * IMAGE_SIZE, blockRow = n * BLOCKS + ((y / BLOCK) | 0) * 4;
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const v = images[row + x];
        blocks[blockRow + ((x / BLOCK) | 0)] += v;
        total += v;
      }
    }
    totals[n] = total;
  }
  return { blocks, totals };
}

/**
 * For each of the first `queryCount` images of `queries`, the smallest L1 distance to one of the
 * first `referenceCount` images of `references` if it is at most `maxDistance`, else −1.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { nearestWithin } from "./near_duplicates.ts";
 * const refs = new Uint8Array(2 * 784);
 * refs.fill(200, 784, 1568); // reference 1 is bright
 * const queries = new Uint8Array(2 * 784);
 * queries[3] = 9; // query 0: reference 0 with one pixel changed by 9; query 1 equals reference 0
 * deepStrictEqual(nearestWithin(queries, 2, refs, 2, 20), new Int32Array([9, 0]));
 * deepStrictEqual(nearestWithin(queries, 2, refs, 2, 5), new Int32Array([-1, 0]));
 * ```
 */
export function nearestWithin(
  queries: Uint8Array,
  queryCount: number,
  references: Uint8Array,
  referenceCount: number,
  maxDistance: number = NEAR_DUPLICATE_L1,
): Int32Array {
  const q = blockSums(queries, queryCount), r = blockSums(references, referenceCount);
  // Cells of side maxDistance + 1 over the four 14×14 quadrant sums: a reference within
  // maxDistance of a query lies in the query's cell or one of its 80 neighbours.
  const side = maxDistance + 1, span = Math.ceil((PIXELS / 4) * 255 / side) + 3;
  const quadrants = (blocks: Int32Array, n: number, out: Int32Array) => {
    const b = n * BLOCKS;
    out[0] = blocks[b] + blocks[b + 1] + blocks[b + 4] + blocks[b + 5];
    out[1] = blocks[b + 2] + blocks[b + 3] + blocks[b + 6] + blocks[b + 7];
    out[2] = blocks[b + 8] + blocks[b + 9] + blocks[b + 12] + blocks[b + 13];
    out[3] = blocks[b + 10] + blocks[b + 11] + blocks[b + 14] + blocks[b + 15];
  };
  const cellOf = (quad: Int32Array) =>
    (((Math.floor(quad[0] / side) + 1) * span + Math.floor(quad[1] / side) + 1) * span +
        Math.floor(quad[2] / side) + 1) * span + Math.floor(quad[3] / side) + 1;
  const refQuads = new Int32Array(referenceCount * 4), cells = new Float64Array(referenceCount);
  for (let m = 0; m < referenceCount; m++) {
    const quad = refQuads.subarray(m * 4, m * 4 + 4);
    quadrants(r.blocks, m, quad);
    cells[m] = cellOf(quad);
  }
  const order = Uint32Array.from({ length: referenceCount }, (_, i) => i)
    .sort((a, b) => cells[a] - cells[b]);
  const ranges = new Map<number, [number, number]>();
  for (let k = 0; k < referenceCount; k++) {
    const cell = cells[order[k]], range = ranges.get(cell);
    if (range) range[1] = k + 1;
    else ranges.set(cell, [k, k + 1]);
  }
  const nearest = new Int32Array(queryCount).fill(-1);
  const quad = new Int32Array(4);
  for (let n = 0; n < queryCount; n++) {
    quadrants(q.blocks, n, quad);
    const home = cellOf(quad);
    let best = maxDistance + 1;
    const qb = n * BLOCKS, qp = n * PIXELS;
    for (let neighbour = 0; neighbour < 81 && best > 0; neighbour++) {
      let offset = 0;
      for (let d = 0, rest = neighbour; d < 4; d++, rest = (rest / 3) | 0) {
        offset = offset * span + (rest % 3) - 1;
      }
      const range = ranges.get(home + offset);
      if (!range) continue;
      for (let k = range[0]; k < range[1] && best > 0; k++) {
        const m = order[k], rq = m * 4;
        const rough = Math.abs(quad[0] - refQuads[rq]) + Math.abs(quad[1] - refQuads[rq + 1]) +
          Math.abs(quad[2] - refQuads[rq + 2]) + Math.abs(quad[3] - refQuads[rq + 3]);
        if (rough >= best) continue;
        const rb = m * BLOCKS;
        let coarse = 0;
        for (let b = 0; b < BLOCKS && coarse < best; b++) {
          coarse += Math.abs(q.blocks[qb + b] - r.blocks[rb + b]);
        }
        if (coarse >= best) continue;
        const rp = m * PIXELS;
        let d = 0;
        for (let p = 0; p < PIXELS && d < best; p++) {
          d += Math.abs(queries[qp + p] - references[rp + p]);
        }
        if (d < best) best = d;
      }
    }
    if (best <= maxDistance) nearest[n] = best;
  }
  return nearest;
}
