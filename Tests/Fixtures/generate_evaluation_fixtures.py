#!/usr/bin/env python3
"""scikit-learn / NumPy references for SERTraining's ClassificationReport and the fold merge.

Writes Tests/Fixtures/evaluation/evaluation.json with
  * cases: random utterance-level predictions (true and predicted class indices) over K classes, some with a
    class that is never predicted and some with a class absent from the truth, and sklearn's
      confusion_matrix(labels=range(K)), accuracy_score (WA), balanced_accuracy_score (UA: mean recall over
      the classes present in the truth), precision_recall_fscore_support(labels=range(K), zero_division=nan)
    (undefined values written as null).
  * folds: per-fold predictions; per-fold UA and WA from sklearn, their mean and sample standard deviation
    (numpy std with ddof=1), and the pooled (all folds together) UA and WA.
Run: /work/venv/bin/python Tests/Fixtures/generate_evaluation_fixtures.py   (versions: requirements.txt)
"""
import json
import math
import os
import warnings

import numpy as np
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, confusion_matrix,
                             precision_recall_fscore_support)

warnings.filterwarnings("ignore")  # sklearn warns about undefined metrics and classes missing from y_true
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "evaluation", "evaluation.json")
rng = np.random.default_rng(2024)


def nan_to_none(values):
    return [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def predictions(n, k, skill, never_predicted=None, absent_from_truth=None):
    truth_classes = [c for c in range(k) if c != absent_from_truth]
    y = rng.choice(truth_classes, size=n, p=np.linspace(1, 2, len(truth_classes)) / np.linspace(1, 2, len(truth_classes)).sum())
    p = y.copy()
    wrong = rng.random(n) > skill
    p[wrong] = rng.integers(0, k, size=int(wrong.sum()))
    if never_predicted is not None:
        others = [c for c in range(k) if c != never_predicted]
        p = np.array([q if q != never_predicted else others[i % len(others)] for i, q in enumerate(p)])
    return [int(v) for v in y], [int(v) for v in p]


def case(name, k, y, p):
    labels = list(range(k))
    prec, rec, f1, sup = precision_recall_fscore_support(y, p, labels=labels, zero_division=np.nan)
    return {
        "name": name, "classes": k, "truth": y, "predicted": p,
        "confusion": confusion_matrix(y, p, labels=labels).tolist(),
        "wa": float(accuracy_score(y, p)),
        "ua": float(balanced_accuracy_score(y, p)),
        "precision": nan_to_none(prec), "recall": nan_to_none(rec), "f1": nan_to_none(f1),
        "support": [int(s) for s in sup],
    }


cases = []
for i, (n, k, skill) in enumerate([(60, 4, 0.6), (200, 4, 0.45), (37, 3, 0.8), (150, 7, 0.5)]):
    y, p = predictions(n, k, skill)
    cases.append(case(f"random-{i}", k, y, p))
y, p = predictions(80, 4, 0.5, never_predicted=2)
cases.append(case("never-predicted", 4, y, p))
y, p = predictions(90, 4, 0.5, absent_from_truth=3)
cases.append(case("absent-from-truth", 4, y, p))
y, p = predictions(70, 5, 0.4, never_predicted=1, absent_from_truth=4)
cases.append(case("never-predicted-and-absent", 5, y, p))

folds = []
for f in range(6):
    y, p = predictions(int(rng.integers(20, 60)), 4, 0.3 + 0.1 * f)
    folds.append({"truth": y, "predicted": p, "ua": float(balanced_accuracy_score(y, p)),
                  "wa": float(accuracy_score(y, p))})
uas = np.array([f["ua"] for f in folds])
was = np.array([f["wa"] for f in folds])
all_y = sum((f["truth"] for f in folds), [])
all_p = sum((f["predicted"] for f in folds), [])
merge = {
    "classes": 4, "folds": folds,
    "ua_mean": float(uas.mean()), "ua_std": float(uas.std(ddof=1)),
    "wa_mean": float(was.mean()), "wa_std": float(was.std(ddof=1)),
    "pooled_ua": float(balanced_accuracy_score(all_y, all_p)), "pooled_wa": float(accuracy_score(all_y, all_p)),
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as fh:
    json.dump({"cases": cases, "merge": merge}, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {OUT}: {len(cases)} cases, {len(folds)} folds")
