/**
 * Robustness views on the flat condition table: sweep curves, corruption errors with CE, mCE
 * and relative mCE (Hendrycks & Dietterich 2019), class × corruption errors and confusion
 * shifts. Pure functions of `ConditionResult[]`.
 *
 * @module
 */
import type {
  ClassCorruptionMatrix,
  ConditionResult,
  ConfusionShift,
  ConfusionShiftEntry,
  CorruptionResult,
  RobustnessSummary,
  SweepCurve,
} from "./types.ts";

/** Groups items by a string key, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const modelSet = (c: ConditionResult) => `${c.model}\u0000${c.testSet}`;

function perClassErrors(c: ConditionResult): (number | null)[] {
  return c.report.classes.map((m) => m.misclassification);
}

/**
 * One curve per model × test set × sweep factor, levels ascending.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sweepCurves } from "./robustness.ts";
 * deepStrictEqual(sweepCurves([], {}), []);
 * ```
 */
export function sweepCurves(
  conditions: readonly ConditionResult[],
  units: Readonly<Record<string, string>>,
): SweepCurve[] {
  const sweeps = conditions.filter((c) => c.kind === "sweep");
  return [...groupBy(sweeps, (c) => `${modelSet(c)}\u0000${c.factor}`).values()].map((group) => {
    const points = [...group].sort((a, b) => a.level - b.level);
    const classCount = points[0].report.classes.length;
    return {
      model: points[0].model,
      testSet: points[0].testSet,
      factor: points[0].factor,
      unit: units[points[0].factor] ?? "",
      levels: points.map((p) => p.level),
      misclassification: points.map((p) => p.overall.misclassification),
      misclassificationCi: points.map((p) => p.overall.misclassificationCi),
      perClass: Array.from(
        { length: classCount },
        (_, k) => points.map((p) => p.report.classes[k].misclassification),
      ),
    };
  });
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Ratio that is null where the baseline's denominator is missing or not positive. */
function normalised(numerator: number, denominator: number | undefined): number | null {
  return denominator === undefined || !(denominator > 0) ? null : numerator / denominator;
}

/** Mean of the values, or null if any is null (the strict mCE definition needs all of them). */
function strictMean(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return sum(values as number[]) / values.length;
}

/**
 * Corruption errors per model × test set, normalised by `baseline` (a model name) when given:
 * CE_c = Σ_s E_{s,c} / Σ_s E_{s,c}(baseline) and relative CE_c = Σ_s (E_{s,c} − E_clean) /
 * Σ_s (E_{s,c} − E_clean)(baseline). mCE and relative mCE average them over corruptions and
 * are null when any corruption's ratio is undefined (baseline denominator ≤ 0).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { robustnessSummaries } from "./robustness.ts";
 * deepStrictEqual(robustnessSummaries([], null), []);
 * ```
 */
export function robustnessSummaries(
  conditions: readonly ConditionResult[],
  baseline: string | null,
): RobustnessSummary[] {
  const cleanError = new Map<string, number>();
  for (const c of conditions) {
    if (c.kind === "clean") cleanError.set(modelSet(c), c.overall.misclassification);
  }
  const corrupted = conditions.filter((c) => c.kind === "corruption");
  const raw = new Map<string, CorruptionResult[]>();
  for (const group of groupBy(corrupted, (c) => `${modelSet(c)}\u0000${c.factor}`).values()) {
    const points = [...group].sort((a, b) => a.level - b.level);
    const first = points[0];
    const errors = points.map((p) => p.overall.misclassification);
    const entry: CorruptionResult = {
      model: first.model,
      testSet: first.testSet,
      corruption: first.factor,
      severities: points.map((p) => p.level),
      errors,
      cleanError: cleanError.get(modelSet(first)) ?? 0,
      meanError: sum(errors) / errors.length,
      ce: null,
      relativeCe: null,
    };
    const list = raw.get(modelSet(first)) ?? [];
    list.push(entry);
    raw.set(modelSet(first), list);
  }
  const summaries: RobustnessSummary[] = [];
  for (const [key, list] of raw) {
    const { model, testSet } = list[0];
    const reference = baseline === null ? undefined : raw.get(`${baseline}\u0000${testSet}`);
    for (const entry of list) {
      const base = reference?.find((r) => r.corruption === entry.corruption);
      if (!base) continue;
      entry.ce = normalised(sum(entry.errors), sum(base.errors));
      entry.relativeCe = normalised(
        sum(entry.errors.map((e) => e - entry.cleanError)),
        sum(base.errors.map((e) => e - base.cleanError)),
      );
    }
    const hasBaseline = reference !== undefined;
    summaries.push({
      model,
      testSet,
      baseline: hasBaseline ? baseline : null,
      cleanError: cleanError.get(key) ?? 0,
      meanCorruptionError: sum(list.map((e) => sum(e.errors))) /
        sum(list.map((e) => e.errors.length)),
      mCE: hasBaseline ? strictMean(list.map((e) => e.ce)) : null,
      relativeMCE: hasBaseline ? strictMean(list.map((e) => e.relativeCe)) : null,
      corruptions: list,
    });
  }
  return summaries;
}

/**
 * Per model × test set, the misclassification of every class under every corruption,
 * averaged over severities (heatmap data).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { classByCorruption } from "./robustness.ts";
 * deepStrictEqual(classByCorruption([], []), []);
 * ```
 */
export function classByCorruption(
  conditions: readonly ConditionResult[],
  classNames: readonly string[],
): ClassCorruptionMatrix[] {
  const out: ClassCorruptionMatrix[] = [];
  for (const group of groupBy(conditions, modelSet).values()) {
    const clean = group.find((c) => c.kind === "clean");
    const byCorruption = groupBy(group.filter((c) => c.kind === "corruption"), (c) => c.factor);
    if (byCorruption.size === 0) continue;
    const classCount = group[0].report.classes.length;
    const corruptions = [...byCorruption.keys()];
    const errors = Array.from({ length: classCount }, (_, k) =>
      corruptions.map((name) => {
        const values = byCorruption.get(name)!.map((c) => perClassErrors(c)[k]);
        return strictMean(values);
      }));
    out.push({
      model: group[0].model,
      testSet: group[0].testSet,
      classNames: Array.from({ length: classCount }, (_, k) => classNames[k] ?? String(k)),
      corruptions,
      errors,
      cleanErrors: clean ? perClassErrors(clean) : new Array(classCount).fill(null),
    });
  }
  return out;
}

/**
 * For every non-clean condition, the `top` confusions whose row-normalised rate grew most
 * relative to the clean images of the same model and test set.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { confusionShifts } from "./robustness.ts";
 * deepStrictEqual(confusionShifts([], 5), []);
 * ```
 */
export function confusionShifts(
  conditions: readonly ConditionResult[],
  top = 5,
): ConfusionShift[] {
  const clean = new Map<string, ConditionResult>();
  for (const c of conditions) if (c.kind === "clean") clean.set(modelSet(c), c);
  const out: ConfusionShift[] = [];
  for (const c of conditions) {
    const reference = clean.get(modelSet(c));
    if (c.kind === "clean" || !reference) continue;
    const shifts: ConfusionShiftEntry[] = [];
    c.confusion.normalized.forEach((row, t) =>
      row.forEach((rate, p) => {
        const cleanRate = reference.confusion.normalized[t][p];
        if (t !== p && rate > cleanRate) {
          shifts.push({
            trueLabel: t,
            predicted: p,
            cleanRate,
            conditionRate: rate,
            delta: rate - cleanRate,
          });
        }
      })
    );
    shifts.sort((a, b) =>
      b.delta - a.delta || a.trueLabel - b.trueLabel || a.predicted - b.predicted
    );
    out.push({
      kind: c.kind,
      factor: c.factor,
      level: c.level,
      model: c.model,
      testSet: c.testSet,
      shifts: shifts.slice(0, top),
    });
  }
  return out;
}
