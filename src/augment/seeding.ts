/**
 * Per-item seeds: corruption randomness depends only on (seed, corruption, item id), never on the
 * item's position in a batch, so any subset corrupts exactly like the same items of the full set.
 *
 * @module
 */

import { Random } from "../util/random.ts";

/**
 * A well-mixed uint32 seed for one item, from a run seed, a salt (e.g. a hashed corruption name)
 * and the item's stable id.
 *
 * @example
 * ```ts
 * import { notStrictEqual, strictEqual } from "node:assert";
 * import { itemSeed } from "./seeding.ts";
 * strictEqual(itemSeed(1, 2, 3), itemSeed(1, 2, 3));
 * notStrictEqual(itemSeed(1, 2, 3), itemSeed(1, 2, 4));
 * ```
 */
export function itemSeed(seed: number, salt: number, id: number): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ (salt >>> 0));
  return mix32(h ^ (id >>> 0));
}

/**
 * The generator for one item: equal (seed, salt, id) give equal streams.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { itemRandom } from "./seeding.ts";
 * strictEqual(itemRandom(7, 0, 5).next(), itemRandom(7, 0, 5).next());
 * ```
 */
export function itemRandom(seed: number, salt: number, id: number): Random {
  return new Random(itemSeed(seed, salt, id));
}

/**
 * FNV-1a hash of a name, used as a salt so different corruptions draw independent streams.
 *
 * @example
 * ```ts
 * import { notStrictEqual } from "node:assert";
 * import { hashName } from "./seeding.ts";
 * notStrictEqual(hashName("rotate"), hashName("shear"));
 * ```
 */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

// murmur3 finaliser: every input bit affects every output bit.
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
