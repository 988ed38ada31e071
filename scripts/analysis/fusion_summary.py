#!/usr/bin/env python3
"""Every part of a cross-validation run with an ensemble and/or late fusion (`ser-cli cv --ensemble N --fusion late`,
`--preset best-*`), from the folds' result.json metadata: UA mean ± sample std over folds (population std in brackets)
of the combined model (what the run reports), the networks' mean, each network alone, the functionals part alone (the
argmax of its classifiers' mean posteriors: an SVM's Platt probabilities, a logistic regression's softmax), and for the record what the fusion weight chosen on the validation speaker would have given
(the weight of the smallest validation NLL, and of the best validation UA), read from `*_by_weight`; last, the
combined model's UA on the validation speakers (what a choice between recipes is made on).

usage: python3 scripts/analysis/fusion_summary.py RUN_FOLDER [RUN_FOLDER ...]
"""
import glob
import json
import os
import statistics
import sys

GRID = [i / 10 for i in range(11)]


def fmt(values):
    m, s = statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0
    p = statistics.pstdev(values)
    return f"{100 * m:.2f} ± {100 * s:.2f} ({100 * p:.2f})"


def summary(folder):
    rows = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(folder, "fold*", "result.json")))]
    if not rows:
        sys.exit(f"{folder}: no fold results")
    parts = {"combined (reported)": [r["test"]["unweightedAccuracy"] for r in rows]}
    m0 = rows[0]["metadata"]
    if "test_network_ua" in m0:
        parts["networks' mean"] = [float(r["metadata"]["test_network_ua"]) for r in rows]
        members = [[float(x) for x in r["metadata"]["test_member_ua"].split(",")] for r in rows]
        for i in range(len(members[0])):
            parts[f"network {i + 1} alone"] = [m[i] for m in members]
    if "test_functionals_ua" in m0:
        parts["functionals part alone (argmax)"] = [float(r["metadata"]["test_functionals_ua"]) for r in rows]
    if "test_ua_by_weight" in m0:
        test = [[float(x) for x in r["metadata"]["test_ua_by_weight"].split(",")] for r in rows]
        vnll = [[float(x) for x in r["metadata"]["validation_nll_by_weight"].split(",")] for r in rows]
        vua = [[float(x) for x in r["metadata"]["validation_ua_by_weight"].split(",")] for r in rows]
        by_nll = [min(range(11), key=lambda j: (v[j], abs(GRID[j] - 0.5))) for v in vnll]
        by_ua = [min(range(11), key=lambda j: (-u[j], n[j], abs(GRID[j] - 0.5))) for u, n in zip(vua, vnll)]
        parts["weight by validation NLL"] = [t[j] for t, j in zip(test, by_nll)]
        parts["weight by validation UA"] = [t[j] for t, j in zip(test, by_ua)]
        print(f"  weights by validation NLL: {[GRID[j] for j in by_nll]}; by validation UA: {[GRID[j] for j in by_ua]}")
    wa = [r["test"]["weightedAccuracy"] for r in rows]
    confusion = None
    for r in rows:
        c = r["test"]["confusion"]
        confusion = c if confusion is None else [[a + b for a, b in zip(x, y)] for x, y in zip(confusion, c)]
    pooled = statistics.mean(confusion[i][i] / sum(confusion[i]) for i in range(len(confusion)) if sum(confusion[i]))
    seconds = sum(float(r["metadata"].get("seconds", 0)) for r in rows)
    print(f"{folder}: {len(rows)} folds; combined WA {fmt(wa)}, pooled UA {100 * pooled:.2f}; fold seconds summed {seconds:.0f}")
    print("  per-fold combined UA: " + ", ".join(f"{100 * r['test']['unweightedAccuracy']:.1f}" for r in rows))
    for name, values in parts.items():
        print(f"  {name:36s} UA {fmt(values)}")
    # The validation speakers' view of the combined model (what choices between recipes are made on).
    validation = [r["validation"]["unweightedAccuracy"] for r in rows if r.get("validation")]
    if validation:
        print(f"  {'combined, validation speakers':36s} UA {fmt(validation)}")


for folder in sys.argv[1:]:
    summary(folder)
