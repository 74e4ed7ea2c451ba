"""Reference numbers from SciPy, statsmodels and NumPy for src/evaluate/seed_stats_crosscheck_test.ts.

Reads a JSON request on stdin and writes, computed independently with the reference libraries,
the per-seed statistics of a multi-seed study as JSON on stdout. Run with a Python that has
numpy, scipy and statsmodels (the kit's venv: DIGITKIT_PYTHON):

    $DIGITKIT_PYTHON tools/py/seed_stats_crosscheck.py < request.json

Request: {"pairs": [{"a": [[0/1 per item] per seed], "b": [...]}, ...],
          "bootstrap": {"a": [...], "b": [...], "replicates": R, "seed": S}}
Response: {"pairs": [{"errorsA", "errorsB", "meanA", "meanB", "sdA", "sdB", "ciA", "ciB",
                      "welchT", "welchDf", "welchP"}],
           "holm": [...], "bootstrap": {"difference", "pBetter", "lower", "upper", "se"}}
"""
import json
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests


def summary(errors):
    n = len(errors)
    mean = float(np.mean(errors))
    sd = float(np.std(errors, ddof=1))
    lower, upper = stats.t.interval(0.95, n - 1, loc=mean, scale=stats.sem(errors))
    return mean, sd, [float(lower), float(upper)]


def welch_df(a, b):
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    return float((va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)))


def two_level_bootstrap(a, b, replicates, seed):
    """Resample seeds of A and of B, then items shared by both; independent of the kit's code."""
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n = a.shape[1]
    diffs = np.empty(replicates)
    chunk = 500
    for start in range(0, replicates, chunk):
        r = min(chunk, replicates - start)
        weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(r)])
        sa = rng.integers(0, a.shape[0], (r, a.shape[0]))
        sb = rng.integers(0, b.shape[0], (r, b.shape[0]))
        per_seed_a = weights @ a.T  # (r, seeds of A): weighted mistakes of each seed
        per_seed_b = weights @ b.T
        err_a = np.take_along_axis(per_seed_a, sa, axis=1).sum(axis=1) / (a.shape[0] * n)
        err_b = np.take_along_axis(per_seed_b, sb, axis=1).sum(axis=1) / (b.shape[0] * n)
        diffs[start:start + r] = err_a - err_b
    return {
        "difference": float(a.mean() - b.mean()),
        "pBetter": float(np.mean(diffs < 0) + 0.5 * np.mean(diffs == 0)),
        "lower": float(np.quantile(diffs, 0.025)),
        "upper": float(np.quantile(diffs, 0.975)),
        "se": float(np.std(diffs, ddof=1)),
    }


def main() -> None:
    request = json.load(sys.stdin)
    pairs = []
    for pair in request["pairs"]:
        ea = np.asarray(pair["a"], dtype=np.float64).mean(axis=1)
        eb = np.asarray(pair["b"], dtype=np.float64).mean(axis=1)
        mean_a, sd_a, ci_a = summary(ea)
        mean_b, sd_b, ci_b = summary(eb)
        welch = stats.ttest_ind(ea, eb, equal_var=False)
        pairs.append({
            "errorsA": ea.tolist(), "errorsB": eb.tolist(),
            "meanA": mean_a, "meanB": mean_b, "sdA": sd_a, "sdB": sd_b,
            "ciA": ci_a, "ciB": ci_b,
            "welchT": float(welch.statistic), "welchDf": welch_df(ea, eb),
            "welchP": float(welch.pvalue),
        })
    holm = multipletests([p["welchP"] for p in pairs], method="holm")[1].tolist()
    boot = request["bootstrap"]
    json.dump({
        "pairs": pairs,
        "holm": holm,
        "bootstrap": two_level_bootstrap(boot["a"], boot["b"], boot["replicates"], boot["seed"]),
    }, sys.stdout)


if __name__ == "__main__":
    main()
