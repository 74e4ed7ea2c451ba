"""Reference numbers from scikit-learn, statsmodels and scipy for src/evaluate/crosscheck_test.ts.

Reads a JSON request on stdin and writes the same quantities, computed by the reference
libraries, as JSON on stdout. Run with the project's Python (`.tools/venv`, pinned in
tools/py/requirements.txt):

    .tools/venv/bin/python3 tools/py/eval_crosscheck.py < request.json

Request: {"classCount": K, "labels": [...], "predicted": [...],
          "wilson": [[k, n], ...], "mcnemar": [[b, c], ...], "holm": [p, ...]}
"""
import json
import sys

import numpy as np
from scipy.stats import binom
from sklearn.metrics import classification_report, confusion_matrix
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def main() -> None:
    request = json.load(sys.stdin)
    labels = list(range(request["classCount"]))
    y_true = np.array(request["labels"])
    y_pred = np.array(request["predicted"])
    report = classification_report(
        y_true, y_pred, labels=labels, output_dict=True, zero_division=0
    )
    wilson = [list(proportion_confint(k, n, alpha=0.05, method="wilson")) for k, n in request["wilson"]]
    # Only the discordant cells matter to the exact test; the concordant ones are arbitrary.
    exact = [mcnemar([[7, b], [c, 3]], exact=True).pvalue for b, c in request["mcnemar"]]
    # Mid-p (Fagerland, Lydersen & Laake 2013): 2·P(X ≤ k) − P(X = k), X ~ Bin(b + c, ½).
    mid = [
        min(1.0, 2 * binom.cdf(min(b, c), b + c, 0.5) - binom.pmf(min(b, c), b + c, 0.5))
        for b, c in request["mcnemar"]
    ]
    holm = multipletests(request["holm"], method="holm")[1].tolist() if request["holm"] else []
    json.dump(
        {
            "report": report,
            "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
            "wilson": wilson,
            "mcnemarExact": exact,
            "mcnemarMid": [float(p) for p in mid],
            "holm": holm,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
