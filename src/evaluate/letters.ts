/**
 * Compact letter display for ranking tables: items sharing a letter are not significantly
 * different (Piepho 2004, insert-and-absorb).
 *
 * @module
 */

/**
 * Letters for `count` items already ordered best first, given which pairs differ
 * significantly. Letters are assigned in order of the best item each group contains, so the
 * best item always carries "a".
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { compactLetters } from "./letters.ts";
 * // 0 differs from 2 only: 0 "a", 1 "ab", 2 "b".
 * deepStrictEqual(compactLetters(3, (i, j) => i === 0 && j === 2), ["a", "ab", "b"]);
 * ```
 */
export function compactLetters(
  count: number,
  differ: (i: number, j: number) => boolean,
): string[] {
  if (count === 0) return [];
  let columns: Set<number>[] = [new Set(Array.from({ length: count }, (_, i) => i))];
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      if (!differ(i, j)) continue;
      const next: Set<number>[] = [];
      for (const column of columns) {
        if (column.has(i) && column.has(j)) {
          next.push(new Set([...column].filter((x) => x !== i)));
          next.push(new Set([...column].filter((x) => x !== j)));
        } else {
          next.push(column);
        }
      }
      columns = absorb(next);
    }
  }
  columns.sort((a, b) => Math.min(...a) - Math.min(...b) || a.size - b.size);
  const letters = new Array<string>(count).fill("");
  columns.forEach((column, index) => {
    const letter = letterName(index);
    for (let item = 0; item < count; item++) if (column.has(item)) letters[item] += letter;
  });
  return letters;
}

/** Drops columns contained in another column (and duplicates). */
function absorb(columns: Set<number>[]): Set<number>[] {
  return columns.filter((column, index) =>
    !columns.some((other, j) =>
      j !== index && [...column].every((x) => other.has(x)) &&
      (other.size > column.size || j < index)
    )
  );
}

/** a…z, then aa, ab… for more than 26 groups. */
function letterName(index: number): string {
  let name = "";
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return name;
}
