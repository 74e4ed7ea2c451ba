/**
 * Model-selection summaries over several models' predictions on the same items: the minimax
 * rule of the model cards, error overlap, the plurality-vote ensemble and the oracle bound.
 * Pure functions.
 *
 * @module
 */
import type { MinimaxEntry, MinimaxSelection, OverlapCounts } from "./types.ts";

/**
 * The minimax rule: each model's worst misclassification over the test sets, and the model
 * whose worst is lowest (ties: smaller spread, then name). `errors[model][testSet]`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { minimax } from "./selection.ts";
 * const s = minimax({ a: { mnist: 0.01, emnist: 0.2 }, b: { mnist: 0.02, emnist: 0.1 } });
 * strictEqual(s.selected, "b");
 * ```
 */
export function minimax(
  errors: Readonly<Record<string, Readonly<Record<string, number>>>>,
): MinimaxSelection {
  const entries: MinimaxEntry[] = Object.entries(errors).map(([model, byTestSet]) => {
    const sets = Object.entries(byTestSet);
    if (sets.length === 0) throw new RangeError(`model ${model} has no test set errors`);
    const worst = sets.reduce((a, b) => (b[1] > a[1] ? b : a));
    const best = sets.reduce((a, b) => (b[1] < a[1] ? b : a));
    return {
      model,
      errors: { ...byTestSet },
      worst: worst[1],
      worstTestSet: worst[0],
      best: best[1],
      bestTestSet: best[0],
      spread: worst[1] - best[1],
    };
  });
  const ranked = [...entries].sort((a, b) =>
    a.worst - b.worst || a.spread - b.spread || a.model.localeCompare(b.model)
  );
  const testSets = [...new Set(entries.flatMap((e) => Object.keys(e.errors)))];
  const selection: MinimaxSelection = {
    testSets,
    entries,
    selected: ranked[0]?.model ?? "",
  };
  return selection;
}

/**
 * Error overlap, plurality-vote ensemble and oracle for `predicted[m][i]` against `labels`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { errorOverlap } from "./selection.ts";
 * const labels = new Uint8Array([0, 1, 2]);
 * const o = errorOverlap([[0, 1, 0], [0, 0, 2], [1, 1, 2]], labels, 3);
 * strictEqual(o.ensembleError, 0); strictEqual(o.oracleError, 0);
 * ```
 */
export function errorOverlap(
  predicted: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  classCount: number,
): OverlapCounts {
  const m = predicted.length, n = labels.length;
  const errors = predicted.map((p) => {
    let e = 0;
    for (let i = 0; i < n; i++) if (p[i] !== labels[i]) e++;
    return e;
  });
  // Vote ties go to the most accurate model voting for a tied class.
  const byAccuracy = errors.map((_, i) => i).sort((a, b) => errors[a] - errors[b] || a - b);
  const shared = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const wrongBy = new Array<number>(m + 1).fill(0);
  const votes = new Uint16Array(classCount);
  const wrong = new Uint8Array(m);
  let ensembleWrong = 0;
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    let k = 0;
    for (let a = 0; a < m; a++) {
      votes[predicted[a][i]]++;
      wrong[a] = predicted[a][i] !== labels[i] ? 1 : 0;
      k += wrong[a];
    }
    wrongBy[k]++;
    for (let a = 0; a < m; a++) {
      if (!wrong[a]) continue;
      for (let b = 0; b < m; b++) if (wrong[b]) shared[a][b]++;
    }
    let top = 0;
    for (let c = 0; c < classCount; c++) top = Math.max(top, votes[c]);
    const winner = byAccuracy.map((a) => predicted[a][i]).find((c) => votes[c] === top);
    if (m > 0 && winner !== labels[i]) ensembleWrong++;
  }
  const jaccard = shared.map((row, a) =>
    row.map((both, b) => {
      const union = errors[a] + errors[b] - both;
      return union === 0 ? 1 : both / union;
    })
  );
  const rate = (count: number) => (n === 0 ? 0 : count / n);
  return {
    n,
    wrongBy,
    shared,
    jaccard,
    ensembleError: rate(ensembleWrong),
    oracleError: rate(m > 0 ? wrongBy[m] : n),
    bestSingleError: rate(m > 0 ? Math.min(...errors) : n),
  };
}
