/**
 * Cross-checks the seed statistics against SciPy/statsmodels/NumPy on the same per-seed
 * predictions: means, SDs, t-intervals, Welch t/df/p and Holm to ~1e-10; the two-level paired
 * bootstrap against an independent NumPy implementation, both with 20,000 replicates, within
 * four Monte-Carlo standard errors. Python is the kit's venv (`.tools/venv`, or `DIGITKIT_PYTHON`); without numpy, scipy and
 * statsmodels the test fails with the install command.
 */
import assert from "node:assert/strict";
import { Random } from "../util/random.ts";
import { seedSummary, twoLevelBootstrap, welchTest } from "./seed_stats.ts";
import { holm } from "./stats.ts";
import { requirePython } from "../../tools/provision/python.ts";
const SCRIPT = new URL("../../tools/py/seed_stats_crosscheck.py", import.meta.url).pathname;

/** Per-seed 0/1 mistakes: seed s misclassifies each item with probability base + spread·z_s. */
function seeds(random: Random, count: number, items: number, base: number, spread: number) {
  return Array.from({ length: count }, () => {
    const rate = Math.max(0.001, base + spread * random.normal());
    return Uint8Array.from({ length: items }, () => (random.next() < rate ? 1 : 0));
  });
}

async function reference(request: unknown) {
  const PYTHON = requirePython(["numpy", "scipy", "statsmodels"]);
  let child;
  try {
    child = new Deno.Command(PYTHON, {
      args: [SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new Error(`cannot start ${PYTHON} (set DIGITKIT_PYTHON to the kit's venv): ${error}`);
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request)));
  await writer.close();
  const output = await child.output();
  assert.ok(
    output.success,
    `${PYTHON} ${SCRIPT} failed (needs numpy, scipy, statsmodels: set DIGITKIT_PYTHON to the ` +
      `venv's python): ${new TextDecoder().decode(output.stderr).trim().split("\n").at(-1)}`,
  );
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

function near(actual: number, expected: number, what: string, tolerance = 1e-10) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: expected ${expected}, got ${actual} (tolerance ${tolerance})`,
  );
}

const errorsOf = (wrong: Uint8Array[]) => wrong.map((w) => w.reduce((s, v) => s + v, 0) / w.length);

Deno.test("seed summaries, Welch and Holm equal SciPy/statsmodels; the two-level bootstrap agrees with NumPy within Monte-Carlo error", async () => {
  const random = new Random(20261202);
  const pairs = [
    { a: seeds(random, 3, 1000, 0.05, 0.01), b: seeds(random, 5, 1000, 0.08, 0.02) },
    { a: seeds(random, 4, 800, 0.02, 0.004), b: seeds(random, 4, 800, 0.021, 0.004) },
    { a: seeds(random, 5, 1200, 0.1, 0.03), b: seeds(random, 2, 1200, 0.12, 0.01) },
    { a: seeds(random, 6, 500, 0.3, 0.05), b: seeds(random, 3, 500, 0.2, 0.05) },
  ];
  const boot = { a: seeds(random, 5, 2000, 0.05, 0.005), b: seeds(random, 5, 2000, 0.056, 0.005) };
  const replicates = 20000;
  const ref = await reference({
    pairs: pairs.map((p) => ({ a: p.a.map((w) => [...w]), b: p.b.map((w) => [...w]) })),
    bootstrap: { a: boot.a.map((w) => [...w]), b: boot.b.map((w) => [...w]), replicates, seed: 7 },
  });
  const welchP: number[] = [];
  pairs.forEach((pair, k) => {
    const r = ref.pairs[k];
    const ea = errorsOf(pair.a), eb = errorsOf(pair.b);
    ea.forEach((e, i) => near(e, r.errorsA[i], `pair ${k} error A seed ${i}`, 1e-15));
    for (const [side, errors] of [["A", ea], ["B", eb]] as const) {
      const s = seedSummary(errors);
      near(s.mean, r[`mean${side}`], `pair ${k} mean ${side}`, 1e-15);
      near(s.sd!, r[`sd${side}`], `pair ${k} sd ${side}`, 1e-14);
      near(s.ci!.lower, r[`ci${side}`][0], `pair ${k} t-interval lower ${side}`, 1e-12);
      near(s.ci!.upper, r[`ci${side}`][1], `pair ${k} t-interval upper ${side}`, 1e-12);
    }
    const w = welchTest(ea, eb);
    near(w.t!, r.welchT, `pair ${k} Welch t`, 1e-10);
    near(w.df!, r.welchDf, `pair ${k} Welch df`, 1e-9);
    near(w.p!, r.welchP, `pair ${k} Welch p`, 1e-10);
    welchP.push(w.p!);
  });
  holm(welchP).forEach((p, i) => near(p, ref.holm[i], `Holm ${i}`, 1e-12));

  const ours = twoLevelBootstrap(
    { name: "a", wrong: boot.a },
    { name: "b", wrong: boot.b },
    { replicates, seed: 7 },
  );
  const numpy = ref.bootstrap;
  near(ours.difference, numpy.difference, "bootstrap point difference", 1e-15);
  // Two independent Monte-Carlo estimates: their difference has SE √(SE₁² + SE₂²).
  const p = numpy.pBetter;
  const pTolerance = 4 * Math.sqrt(2 * p * (1 - p) / replicates);
  near(ours.pBetter, p, "P(A < B)", pTolerance);
  // A percentile's MC SE ≈ √(q(1 − q)/R) / density at the percentile (normal approximation).
  const density = Math.exp(-0.5 * 1.96 ** 2) / Math.sqrt(2 * Math.PI) / numpy.se;
  const qTolerance = 4 * Math.sqrt(2 * 0.025 * 0.975 / replicates) / density;
  near(ours.ci.lower, numpy.lower, "bootstrap 2.5% point", qTolerance);
  near(ours.ci.upper, numpy.upper, "bootstrap 97.5% point", qTolerance);
  near(ours.se, numpy.se, "bootstrap SE", 4 * numpy.se / Math.sqrt(replicates));
  console.log(
    `P(A<B) ours ${ours.pBetter.toFixed(4)} numpy ${p.toFixed(4)} (±${pTolerance.toFixed(4)}); ` +
      `interval ours [${ours.ci.lower.toFixed(5)}, ${ours.ci.upper.toFixed(5)}] numpy ` +
      `[${numpy.lower.toFixed(5)}, ${numpy.upper.toFixed(5)}] (±${qTolerance.toFixed(5)})`,
  );
});
