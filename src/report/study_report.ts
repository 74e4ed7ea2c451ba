/**
 * The report of a multi-seed study: `report.md` and the offline `report.html` (the same
 * document blocks and HTML machinery as the single-run report), a model card per model stating
 * its between-seed spread, the charts as Vega-Lite specs (and SVG/PNG), `statistics.json` and
 * the tidy `metrics.csv` with `seed` and `statistic` columns.
 *
 * @module
 */
import type { StudyStatistics } from "../evaluate/study_stats.ts";
import { rateInterval } from "../evaluate/seed_stats.ts";
import { wilsonInterval } from "../evaluate/stats.ts";
import { type ContaminationSummary, scoredOverlap } from "../evaluate/contamination.ts";
import type { IdSet } from "../data/provenance.ts";
import {
  pBetterMatrixSpec,
  perClassSeedSpec,
  seedDegradationSpec,
  seedStripSpec,
  varianceDecompositionSpec,
} from "../plots/study.ts";
import { factorName } from "../plots/degradation.ts";
import { addFigureFiles } from "./build.ts";
import {
  contaminationCardBlocks,
  contaminationSummaryItems,
  contaminationWarning,
} from "./contamination_blocks.ts";
import { type Block, figure, h, list, p, table, toMarkdown } from "./document.ts";
import type { ReportFigure } from "./figures.ts";
import { percent, pValue, rateWithInterval } from "./format.ts";
import { readVegaLibraries, reportHtml } from "./html.ts";
import { slug } from "./input.ts";
import { csvField } from "./tidy.ts";
import type { ReportFiles } from "./write.ts";

/** What the study report is built from. */
export interface StudyReportInput {
  name: string;
  description: string;
  /** Each model's architecture, recipe, epochs and (when known) the split it trained on. */
  models: { name: string; architecture: string; recipe: string; epochs: number; split?: string }[];
  seeds: number[];
  /** Training overrides (limit, epochs) as stated in the study file. */
  training: Record<string, unknown>;
  /** Evaluation suite, test sets and item limit. */
  evaluation: { suite: string; limit?: number; seed: number };
  stats: StudyStatistics;
  /** Cells that are not done (failed or pending), listed in the report. */
  missing?: { id: string; state: string; reason?: string }[];
  /**
   * The study's contamination check (`src/evaluate/study_contamination.ts`): overlap per model
   * × test set and the policy; absent when no cell recorded one.
   */
  contamination?: ContaminationSummary;
  /** Per test set cut by `exclude`, the positions of the scored items among those evaluated. */
  scoredItems?: Record<string, IdSet>;
}

/**
 * The study's charts: per test set, the seed strip plot, P(A < B) matrix, per-class bands,
 * variance decomposition and (when the suite has sweeps or corruptions) degradation curves.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { studyFigures } from "./study_report.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2], b: [0.3, 0.2] }), { replicates: 100 });
 * strictEqual(studyFigures(stats).length, 5);
 * ```
 */
export function studyFigures(stats: StudyStatistics): ReportFigure[] {
  return stats.testSets.flatMap((set) => {
    const s = slug(set.name);
    const figures: ReportFigure[] = [
      {
        name: `seeds-${s}`,
        role: "seed-strip",
        testSet: set.name,
        caption: `Clean misclassification of every seed on ${set.name}, with the mean over ` +
          `seeds and its 95% t-interval.`,
        spec: seedStripSpec(stats, set.name),
      },
    ];
    if (stats.arms.length > 1) {
      figures.push({
        name: `p-better-${s}`,
        role: "p-better",
        testSet: set.name,
        caption: `P(row model has lower clean error than column model) on ${set.name}, from ` +
          `the two-level paired bootstrap (seeds, then test items).`,
        spec: pBetterMatrixSpec(stats, set.name),
      });
    }
    figures.push(
      {
        name: `per-class-${s}`,
        role: "seed-per-class",
        testSet: set.name,
        caption: `Per-class misclassification on ${set.name}: mean over seeds, band from the ` +
          `best to the worst seed.`,
        spec: perClassSeedSpec(stats, set.name),
      },
      {
        name: `variance-${s}`,
        role: "variance",
        testSet: set.name,
        caption: `Variance of one run's error on ${set.name}: between training seeds vs the ` +
          `binomial variance of sampling the test items.`,
        spec: varianceDecompositionSpec(stats, set.name),
      },
    );
    if (stats.conditions.some((c) => c.kind !== "clean")) {
      figures.push({
        name: `degradation-${s}`,
        role: "seed-degradation",
        testSet: set.name,
        caption: `Misclassification vs sweep level / corruption severity on ${set.name}: mean ` +
          `over seeds with its 95% t-interval.`,
        spec: seedDegradationSpec(stats, set.name),
      });
    }
    return figures;
  });
}

const pct = (v: number | null | undefined) => percent(v, 2);
const signedPct = (v: number) => `${v >= 0 ? "+" : "−"}${percent(Math.abs(v), 2)}`;

function summaryTable(stats: StudyStatistics, testSet: string): Block {
  const rows = stats.perArm.filter((s) =>
    s.testSet === testSet && s.kind === "clean" && s.class === null
  );
  const ensembles = stats.ensembles.filter((e) => e.testSet === testSet);
  return table(
    [
      "model",
      "per-seed errors",
      "mean [95% t-interval]",
      "between-seed SD",
      "seed share of variance",
      "seed ensemble [95% Wilson]",
    ],
    rows.map((s) => {
      const e = ensembles.find((x) => x.arm === s.arm);
      return [
        s.arm,
        s.errors.map((x, i) => `${s.seeds[i]}: ${pct(x)}`).join(", "),
        rateWithInterval(s.summary.mean, rateInterval(s.summary)),
        pct(s.summary.sd),
        s.decomposition.seedShare === null ? "—" : percent(s.decomposition.seedShare, 0),
        e ? rateWithInterval(e.error, e.ci) : "—",
      ];
    }),
    ["left", "left", "right", "right", "right", "right"],
  );
}

function pairTable(stats: StudyStatistics, testSet: string): Block | null {
  const rows = stats.pairs.filter((x) =>
    x.testSet === testSet && x.kind === "clean" && x.class === null
  );
  if (rows.length === 0) return null;
  return table(
    ["A", "B", "mean error A − B [95% bootstrap]", "P(A < B)", "Welch p", "Welch p (Holm)"],
    rows.map((x) => [
      x.a,
      x.b,
      `${signedPct(x.bootstrap.difference)} [${(100 * x.bootstrap.ci.lower).toFixed(2)}, ${
        (100 * x.bootstrap.ci.upper).toFixed(2)
      }]`,
      x.bootstrap.pBetter.toFixed(3),
      x.welch.p === null ? "—" : pValue(x.welch.p),
      x.welchHolm === null ? "—" : pValue(x.welchHolm),
    ]),
    ["left", "left", "right", "right", "right", "right"],
  );
}

function conditionTable(stats: StudyStatistics, testSet: string): Block | null {
  const rows = stats.perArm.filter((s) =>
    s.testSet === testSet && s.kind !== "clean" && s.class === null
  );
  if (rows.length === 0) return null;
  return table(
    ["condition", "level", "model", "mean [95% t]", "between-seed SD"],
    rows.map((s) => [
      `${s.kind} ${factorName(s.factor)}`,
      String(s.level),
      s.arm,
      rateWithInterval(s.summary.mean, rateInterval(s.summary)),
      pct(s.summary.sd),
    ]),
    ["left", "right", "left", "right", "right"],
  );
}

function mcnemarTable(stats: StudyStatistics, testSet: string): Block | null {
  const rows = stats.mcnemar.filter((m) => m.testSet === testSet);
  if (rows.length === 0) return null;
  return table(
    ["A", "B", "seed", "only A wrong", "only B wrong", "McNemar mid-p"],
    rows.map((m) => [
      m.a,
      m.b,
      String(m.seed),
      String(m.onlyA),
      String(m.onlyB),
      pValue(m.pMid),
    ]),
    ["left", "left", "right", "right", "right", "right"],
  );
}

/**
 * The study report's blocks (report.md and the first HTML section).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { toMarkdown } from "./document.ts";
 * import { studyFigures, studyReportBlocks } from "./study_report.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2], b: [0.3, 0.2] }), { replicates: 100 });
 * const input = { name: "demo", description: "", models: [], seeds: [1, 2], training: {},
 *   evaluation: { suite: "quick", seed: 0 }, stats };
 * ok(toMarkdown(studyReportBlocks(input, studyFigures(stats), {})).includes("P(A < B)"));
 * ```
 */
export function studyReportBlocks(
  input: StudyReportInput,
  figures: ReportFigure[],
  cards: Record<string, string>,
): Block[] {
  const { stats } = input;
  const blocks: Block[] = [
    h(1, `Study: ${input.name}`),
  ];
  if (input.description) blocks.push(p(input.description));
  blocks.push(
    p(
      `${stats.arms.length} models × ${input.seeds.length} training seeds ` +
        `(${input.seeds.join(", ")}); every cell is one training run and one evaluation ` +
        `(suite \`${input.evaluation.suite}\`${
          input.evaluation.limit ? `, first ${input.evaluation.limit} items per test set` : ""
        }). Every number below counts **training randomness** (between seeds) as well as ` +
        `the sampling of test items; single-run intervals cover the latter only.`,
    ),
    list(stats.arms.map((a) => {
      const m = input.models.find((x) => x.name === a.name);
      const card = cards[a.name] ? ` ([card](${cards[a.name]}))` : "";
      return `\`${a.name}\`: architecture \`${a.architecture}\`, recipe \`${a.recipe}\`` +
        `${m ? `, ${m.epochs} epochs` : ""}${m?.split ? `, split ${m.split}` : ""}, seeds ` +
        `${a.seeds.join(", ")}${card}`;
    })),
  );
  if (Object.keys(input.training).length > 0) {
    blocks.push(
      p(
        `Training overrides: ${
          Object.entries(input.training).map(([k, v]) => `${k} = ${v}`).join(", ")
        }.`,
      ),
    );
  }
  const overlaps = contaminationSummaryItems({ contamination: input.contamination });
  if (overlaps.length > 0) blocks.push(h(2, "Contamination check"), list(overlaps));
  if (input.missing && input.missing.length > 0) {
    blocks.push(
      h(2, "Cells not included"),
      list(input.missing.map((m) => `\`${m.id}\`: ${m.state}${m.reason ? ` (${m.reason})` : ""}`)),
    );
  }
  blocks.push(
    h(2, "Ranking and selection (means over seeds)"),
    p(
      `Models are ranked by the **mean clean error over seeds**; models sharing a letter do ` +
        `not differ significantly (Welch's test on the per-seed errors, Holm-adjusted p ≥ ` +
        `0.05). The minimax selection takes each model's worst mean error over the test sets.`,
    ),
  );
  for (const r of stats.ranking) {
    blocks.push(
      h(3, r.testSet),
      table(
        ["rank", "model", "mean error", "letters"],
        r.arms.map((a, i) => [String(i + 1), a, pct(r.means[i]), r.letters[i]]),
        ["right", "left", "right", "left"],
      ),
    );
  }
  blocks.push(
    table(
      ["model", ...stats.minimax.testSets.map((t) => `mean error ${t}`), "worst"],
      stats.minimax.entries.map((e) => [
        e.model + (e.model === stats.minimax.selected ? " (selected)" : ""),
        ...stats.minimax.testSets.map((t) => pct(e.errors[t])),
        pct(e.worst),
      ]),
    ),
    p(`Minimax selection on the means over seeds: **${stats.minimax.selected}**.`),
  );
  for (const set of stats.testSets) {
    const own = figures.filter((f) => f.name.endsWith(`-${slug(set.name)}`));
    blocks.push(
      h(2, `${set.name} (${set.count} items)`),
      ...contaminationWarning({ contamination: input.contamination }, set.name),
      h(3, "Per model"),
      summaryTable(stats, set.name),
      p(
        `t-intervals are cut to [0, 100%] for display (metrics.csv keeps them whole). ` +
          `Seed share of variance: between-seed variance / (between-seed variance + one run's ` +
          `binomial test variance). Seed ensemble: the arg-max of the averaged class ` +
          `probabilities of all seeds; the gap between it and the mean single seed is ` +
          `variance an ensemble removes.`,
      ),
    );
    const pairs = pairTable(stats, set.name);
    if (pairs) {
      blocks.push(
        h(3, "Pairwise comparisons"),
        p(
          `Difference in mean clean error with a 95% percentile interval and P(A < B) from a ` +
            `two-level paired bootstrap (${stats.bootstrap.replicates} replicates, seed ` +
            `${stats.bootstrap.seed}: seeds of each model resampled, then test items shared by ` +
            `both); Welch's t-test on the per-seed errors, Holm-adjusted across pairs.`,
        ),
        pairs,
      );
    }
    for (const f of own) blocks.push(figure(f.name, f.caption));
    const conditions = conditionTable(stats, set.name);
    if (conditions) blocks.push(h(3, "Sweeps and corruptions (means over seeds)"), conditions);
    const mcnemar = mcnemarTable(stats, set.name);
    if (mcnemar) {
      blocks.push(
        h(3, "Secondary: single-run McNemar tests per seed pair"),
        p(
          `Each row compares one seed of A with the same seed of B on the clean items: the ` +
            `classic single-run test, shown to make visible how much its verdict moves with ` +
            `the seed.`,
        ),
        mcnemar,
      );
    }
  }
  return blocks;
}

/**
 * The model card of one model of the study, stating its between-seed spread.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { toMarkdown } from "./document.ts";
 * import { studyCardBlocks } from "./study_report.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2] }), { replicates: 100 });
 * const input = { name: "demo", description: "", models: [], seeds: [1, 2], training: {},
 *   evaluation: { suite: "quick", seed: 0 }, stats };
 * ok(toMarkdown(studyCardBlocks(input, "a")).includes("between-seed"));
 * ```
 */
export function studyCardBlocks(input: StudyReportInput, arm: string): Block[] {
  const { stats } = input;
  const info = stats.arms.find((a) => a.name === arm)!;
  const model = input.models.find((m) => m.name === arm);
  const rows = stats.perArm.filter((s) => s.arm === arm && s.kind === "clean" && s.class === null);
  const blocks: Block[] = [
    h(1, `Model card: ${arm} (study ${input.name})`),
    list([
      `Architecture: \`${info.architecture}\``,
      `Training recipe: \`${info.recipe}\`${model ? `, ${model.epochs} epochs` : ""}${
        model?.split ? `, split ${model.split}` : ""
      }`,
      `Training seeds: ${info.seeds.join(", ")} (${info.seeds.length} independently trained runs)`,
    ]),
    h(2, "Quantitative analysis"),
    table(
      ["test set", "mean error [95% t over seeds]", "between-seed SD", "range over seeds"],
      rows.map((s) => [
        s.testSet,
        rateWithInterval(s.summary.mean, rateInterval(s.summary)),
        pct(s.summary.sd),
        `${pct(s.summary.min)} – ${pct(s.summary.max)}`,
      ]),
      ["left", "right", "right", "right"],
    ),
    p(
      rows.map((s) =>
        `On ${s.testSet} a single training run of this recipe lands anywhere from ` +
        `${pct(s.summary.min)} to ${pct(s.summary.max)} (between-seed SD ${pct(s.summary.sd)}); ` +
        `the between-seed variance is ${
          s.decomposition.seedShare === null ? "—" : percent(s.decomposition.seedShare, 0)
        } of a single run's total (seeds + test sampling).`
      ).join(" "),
    ),
    h(2, "Caveats"),
    list([
      `Intervals here cover **both** the variation across training seeds (t-interval over ` +
      `${info.seeds.length} seeds) and, in the pairwise comparisons, the sampling of test items; ` +
      `with few seeds the t-interval is wide by design.`,
      `Seeds change the initial weights, shuffling, augmentation and dropout; data splits are ` +
      `fixed by the recipe.`,
    ]),
    ...contaminationCardBlocks({ contamination: input.contamination }, arm, undefined),
  ];
  return blocks;
}

/** Column names of the study's `metrics.csv`, in order. */
export const STUDY_METRIC_COLUMNS = [
  "model",
  "architecture",
  "recipe",
  "versus",
  "test_set",
  "kind",
  "factor",
  "level",
  "class",
  "metric",
  "seed",
  "statistic",
  "value",
  "lower",
  "upper",
  "n",
  "contamination",
  "overlap",
] as const;

type MetricRow =
  & Record<
    Exclude<(typeof STUDY_METRIC_COLUMNS)[number], "contamination" | "overlap">,
    string | number | null
  >
  & { contamination?: string | null; overlap?: number | null };

/**
 * The tidy `metrics.csv` of a study: per-seed rows (`seed` set, `statistic` = `seed`) and
 * across-seed rows (`seed` blank; `statistic` = `mean` with the t-interval in lower/upper,
 * `sd`, `between_seed_variance`, `test_sampling_variance`, `seed_share`, `ensemble` with its
 * Wilson interval, and per pair `difference` (bootstrap interval), `p_better`, `welch_p`,
 * `welch_p_holm`, plus per seed pair `mcnemar_p_mid`). With a contamination check, every row
 * names the policy (`contamination`) and how many of its items the model trained or validated
 * on (`overlap`, 0 unless the policy is `report`), and `factor = contamination` rows give each
 * model × test set's `training_overlap` and `near_duplicates` (as the comparison's
 * metrics.csv does).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { syntheticStudyRuns } from "../evaluate/study_testing.ts";
 * import { studyMetricsCsv } from "./study_report.ts";
 * const stats = studyStatistics(syntheticStudyRuns({ a: [0.1, 0.2], b: [0.3, 0.2] }), { replicates: 100 });
 * const csv = studyMetricsCsv(stats);
 * ok(csv.startsWith("model,architecture,recipe,versus,test_set"));
 * ok(csv.includes(",p_better,"));
 * ```
 */
export function studyMetricsCsv(
  stats: StudyStatistics,
  contamination?: ContaminationSummary,
): string {
  const arm = (name: string) => stats.arms.find((a) => a.name === name)!;
  const rows: MetricRow[] = [];
  const base = (
    name: string,
    s: { testSet: string; kind: string; factor: string; level: number; class: number | null },
  ) => ({
    model: name,
    architecture: arm(name).architecture,
    recipe: arm(name).recipe,
    versus: null,
    test_set: s.testSet,
    kind: s.kind,
    factor: s.factor,
    level: s.level,
    class: s.class === null ? null : String(s.class),
    metric: "misclassification",
  });
  for (const s of stats.perArm) {
    const b = base(s.arm, s);
    s.seeds.forEach((seed, i) => {
      const ci = wilsonInterval(Math.round(s.errors[i] * s.n), s.n);
      rows.push({
        ...b,
        seed,
        statistic: "seed",
        value: s.errors[i],
        lower: ci?.lower ?? null,
        upper: ci?.upper ?? null,
        n: s.n,
      });
    });
    const m = s.summary;
    const across = (
      statistic: string,
      value: number | null,
      lower: number | null = null,
      upper: number | null = null,
      n = m.n,
    ) => rows.push({ ...b, seed: null, statistic, value, lower, upper, n });
    across("mean", m.mean, m.ci?.lower ?? null, m.ci?.upper ?? null);
    across("sd", m.sd);
    across("between_seed_variance", s.decomposition.betweenSeed);
    across("test_sampling_variance", s.decomposition.testSampling, null, null, s.n);
    across("seed_share", s.decomposition.seedShare);
  }
  for (const e of stats.ensembles) {
    rows.push({
      ...base(e.arm, { testSet: e.testSet, kind: "clean", factor: "clean", level: 0, class: null }),
      seed: null,
      statistic: "ensemble",
      value: e.error,
      lower: e.ci?.lower ?? null,
      upper: e.ci?.upper ?? null,
      n: e.n,
    });
  }
  for (const x of stats.pairs) {
    const b = { ...base(x.a, x), versus: x.b, metric: "misclassification_difference", seed: null };
    const n = x.bootstrap.replicates;
    rows.push({
      ...b,
      statistic: "difference",
      value: x.bootstrap.difference,
      lower: x.bootstrap.ci.lower,
      upper: x.bootstrap.ci.upper,
      n,
    });
    rows.push({
      ...b,
      statistic: "p_better",
      value: x.bootstrap.pBetter,
      lower: null,
      upper: null,
      n,
    });
    rows.push({ ...b, statistic: "welch_p", value: x.welch.p, lower: null, upper: null, n: null });
    rows.push({
      ...b,
      statistic: "welch_p_holm",
      value: x.welchHolm,
      lower: null,
      upper: null,
      n: null,
    });
  }
  for (const m of stats.mcnemar) {
    rows.push({
      ...base(m.a, { testSet: m.testSet, kind: "clean", factor: "clean", level: 0, class: null }),
      versus: m.b,
      metric: "misclassification_difference",
      seed: m.seed,
      statistic: "mcnemar_p_mid",
      value: m.pMid,
      lower: null,
      upper: null,
      n: m.onlyA + m.onlyB,
    });
  }
  for (const o of contamination?.overlaps ?? []) {
    const b = {
      ...base(o.model, {
        testSet: o.testSet,
        kind: "contamination",
        factor: "contamination",
        level: 0,
        class: null,
      }),
      versus: null,
      seed: null,
      lower: null,
      upper: null,
      n: o.items,
    };
    rows.push({
      ...b,
      metric: "training_overlap",
      statistic: "max_over_seeds",
      value: o.checked ? o.overlap : null,
    });
    rows.push({
      ...b,
      metric: "near_duplicates",
      statistic: "max_over_seeds",
      value: o.nearDuplicates,
    });
  }
  for (const r of rows) {
    r.contamination = contamination?.policy ?? null;
    r.overlap = contamination
      ? scoredOverlap(contamination, String(r.model), String(r.test_set))
      : null;
  }
  return [
    STUDY_METRIC_COLUMNS.join(","),
    ...rows.map((r) => STUDY_METRIC_COLUMNS.map((c) => csvField(r[c] ?? null)).join(",")),
  ].join("\n") + "\n";
}

/**
 * Builds every file of the study report in memory: `report.md`, `card-<model>.md`,
 * `report.html`, `figures/*.svg|png`, `specs/*.vl.json`, `metrics.csv`, `statistics.json`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { studyStatistics } from "../evaluate/study_stats.ts";
 * import { parseStudy } from "../pipeline/study/plan.ts";
 * import { readStudyRuns } from "../pipeline/study/report.ts";
 * import { runStudyPlan } from "../pipeline/study/study.ts";
 * import { buildStudyReport } from "./study_report.ts";
 * const plan = parseStudy("name: t\nmodels: [logistic-regression]\nseeds: 1\n" +
 *   "train: {epochs: 1, limit: 100}\nevaluation: {suite: quick, datasets: [mnist], limit: 50}\n", "t");
 * const out = await Deno.makeTempDir();
 * await runStudyPlan(plan, { out });
 * const files = await buildStudyReport({
 *   name: plan.name, description: "", seeds: plan.seeds, training: {}, evaluation: plan.evaluation,
 *   models: [{ name: "logistic-regression", architecture: "logistic-regression",
 *     recipe: plan.models[0].recipe, epochs: 1 }],
 *   stats: studyStatistics(await readStudyRuns(out), plan.bootstrap),
 * });
 * ok(["report.md", "report.html", "metrics.csv", "statistics.json"].every((f) => files.has(f)));
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function buildStudyReport(input: StudyReportInput): Promise<ReportFiles> {
  const figures = studyFigures(input.stats);
  const cards = Object.fromEntries(
    input.stats.arms.map((a) => [a.name, `card-${slug(a.name)}.md`]),
  );
  const files: ReportFiles = new Map();
  const main = studyReportBlocks(input, figures, cards);
  files.set("report.md", toMarkdown(main));
  const sections = [{ id: "study", title: "Study", blocks: main }];
  for (const a of input.stats.arms) {
    const blocks = studyCardBlocks(input, a.name);
    files.set(cards[a.name], toMarkdown(blocks));
    sections.push({ id: `card-${slug(a.name)}`, title: `Card: ${a.name}`, blocks });
  }
  const specs = await addFigureFiles(files, figures);
  files.set(
    "report.html",
    reportHtml(`digitkit study: ${input.name}`, sections, specs, await readVegaLibraries()),
  );
  files.set("metrics.csv", studyMetricsCsv(input.stats, input.contamination));
  const contamination = input.contamination &&
    { ...input.contamination, scoredItems: input.scoredItems ?? {} };
  files.set("statistics.json", JSON.stringify({ ...input.stats, contamination }) + "\n");
  return files;
}
