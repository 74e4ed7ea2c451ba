/**
 * Seeded, serialisable pseudo-random numbers (xoshiro128**), so splits, augmentation,
 * corruptions and training are reproducible and a resumed run continues the same stream.
 *
 * @module
 */

/** Serialisable generator state: four uint32 words. */
export type RandomState = [number, number, number, number];

/**
 * A seeded generator of uniform floats, integers and normals.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Random } from "./random.ts";
 * const a = new Random(42), b = new Random(42);
 * strictEqual(a.next(), b.next());
 * ```
 */
export class Random {
  #s: Uint32Array;
  #spareNormal: number | null = null;

  /** Seeds the generator; equal seeds give equal streams. */
  constructor(seed: number | RandomState = 0) {
    this.#s = new Uint32Array(4);
    if (Array.isArray(seed)) {
      this.#s.set(seed);
    } else {
      // splitmix32 expands one seed into four well-mixed words (an all-zero state would stick).
      let x = seed >>> 0;
      for (let i = 0; i < 4; i++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        this.#s[i] = (z ^ (z >>> 16)) >>> 0;
      }
    }
  }

  /** The current state, to store in a checkpoint. */
  get state(): RandomState {
    return [this.#s[0], this.#s[1], this.#s[2], this.#s[3]];
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal;
      this.#spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator derived from this one (for parallel streams). */
  fork(): Random {
    return new Random(this.nextUint32() ^ 0x5bd1e995);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
