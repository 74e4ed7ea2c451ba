/**
 * Plasma fractal (diamond-square) height maps: the cloud texture of MNIST-C's `fog`.
 *
 * @module
 */

import type { Random } from "../util/random.ts";

/** Side of the generated map; the 28×28 top-left corner is what fog uses. */
export const PLASMA_SIZE = 64;

const SIZE = PLASMA_SIZE;
const MASK = SIZE - 1;
const plasmaMap = new Float32Array(SIZE * SIZE);
const unitJitter = new Float32Array(SIZE * SIZE);

/**
 * Fills a 64×64 wrap-around diamond-square map normalised to [0, 1] and returns it (a shared
 * buffer, overwritten by the next call). The random offset at each level is
 * `wibble · U(−wibble, wibble)` with `wibble` divided by `decay` per level, as MNIST-C draws it;
 * MNIST-C uses a 256×256 map, this uses 64×64 (the 28×28 crop sees the same fine structure,
 * without the two coarsest levels), a 16× saving per image.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "../util/random.ts";
 * import { plasmaFractal } from "./plasma.ts";
 * const map = plasmaFractal(new Random(1), 2);
 * strictEqual(Math.min(...map), 0); strictEqual(Math.max(...map), 1);
 * ```
 */
export function plasmaFractal(rng: Random, decay: number): Float32Array {
  const m = plasmaMap, u = unitJitter;
  m.fill(0);
  // Draw all U(−1, 1) offsets up front, two 16-bit values per uint32: half the generator calls.
  for (let i = 0; i < u.length; i += 2) {
    const r = rng.nextUint32();
    u[i] = (r >>> 16) / 32768 - 1;
    u[i + 1] = (r & 0xffff) / 32768 - 1;
  }
  let next = 0;
  let wibble = 100;
  for (let step = SIZE; step >= 2; step >>= 1, wibble /= decay) {
    const h = step >> 1;
    for (let y = h; y < SIZE; y += step) {
      for (let x = h; x < SIZE; x += step) {
        const sum = m[idx(y - h, x - h)] + m[idx(y - h, x + h)] + m[idx(y + h, x - h)] +
          m[idx(y + h, x + h)];
        m[idx(y, x)] = sum / 4 + wibble * wibble * u[next++];
      }
    }
    for (let y = 0; y < SIZE; y += h) {
      for (let x = ((y / h) & 1) === 0 ? h : 0; x < SIZE; x += step) {
        const sum = m[idx(y - h, x)] + m[idx(y + h, x)] + m[idx(y, x - h)] + m[idx(y, x + h)];
        m[idx(y, x)] = sum / 4 + wibble * wibble * u[next++];
      }
    }
  }
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m.length; i++) {
    if (m[i] < lo) lo = m[i];
    if (m[i] > hi) hi = m[i];
  }
  const range = hi - lo || 1;
  for (let i = 0; i < m.length; i++) m[i] = (m[i] - lo) / range;
  return m;
}

function idx(y: number, x: number): number {
  return ((y & MASK) << 6) | (x & MASK);
}
