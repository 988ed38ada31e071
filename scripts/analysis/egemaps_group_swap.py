"""Which eGeMAPS functionals make SwiftSER's classifier results differ from openSMILE's (diagnosis).

Takes two 88-functional CSVs of the same files (first column `file`, then opensmile's names: SwiftSER's
`ser-cli features --kind egemaps` output and opensmile-python's eGeMAPSv02 Functionals), and runs the
anchors' protocol (shared/bench/accuracy/egemaps_svm.py and egemaps_spknorm.py: EmoDB 4 classes, leave one
speaker out, validation on the next speaker, StandardScaler + SVC RBF gamma=scale, balanced, C in
{0.1, 1, 10}) on SwiftSER's table with one group of columns at a time taken from openSMILE's, and on
openSMILE's table with one group taken from SwiftSER's. A group whose swap moves the per-fold UA is where
the feature differences that matter are. Diagnosis only: nothing may be chosen by these numbers.

    /work/venv/bin/python scripts/analysis/egemaps_group_swap.py swift.csv opensmile.csv \
        [--manifest ../shared/data/emodb/manifest.csv] [--speaker-normalization]

The manifest is the shared EmoDB one (columns path, speaker, emotion). Packages: numpy, pandas,
scikit-learn (Tests/Fixtures/requirements.txt pins).
"""
import argparse

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

CLASSES = ["neutral", "happy", "sad", "angry"]


def group(name):
    """The functional group of an eGeMAPS v02 name."""
    if name.startswith("F0"):
        return "F0"
    if name.startswith("loudness_"):
        return "loudness"
    if "UV_" in name:
        return "unvoiced spectral"
    if "frequency" in name:
        return "formant frequency"
    if "bandwidth" in name:
        return "formant bandwidth"
    if "amplitude" in name:
        return "formant amplitude"
    if name.startswith(("jitter", "shimmer", "HNR", "logRel")):
        return "voice quality"
    if "V_" in name:
        return "voiced spectral"
    if name.startswith(("spectralFlux_", "mfcc")):
        return "flux and MFCC"
    return "temporal and level"


def speaker_standardise(x, speakers):
    z = np.empty_like(x)
    for s in set(speakers):
        m = speakers == s
        mu, sd = x[m].mean(0), x[m].std(0)
        z[m] = (x[m] - mu) / np.where(sd > 1e-8, sd, 1.0)
    return z


def unweighted_accuracy(y, p):
    return float(np.mean([np.mean(p[y == c] == c) for c in range(len(CLASSES)) if np.any(y == c)]))


def cross_validate(x, y, speakers):
    """Per-fold test UA (folds: test speaker i, validation speaker i+1, sorted ids)."""
    ids = sorted(set(speakers))
    uas = []
    for k, test in enumerate(ids):
        val = ids[(k + 1) % len(ids)]
        tr = ~np.isin(speakers, [test, val])
        va, te = speakers == val, speakers == test
        scaler = StandardScaler().fit(x[tr])
        xtr, xva, xte = scaler.transform(x[tr]), scaler.transform(x[va]), scaler.transform(x[te])

        def make(c):
            return SVC(C=c, kernel="rbf", gamma="scale", class_weight="balanced").fit(xtr, y[tr])

        scores = {c: unweighted_accuracy(y[va], make(c).predict(xva)) for c in (0.1, 1, 10)}
        best = max(scores, key=lambda c: (scores[c], -c))
        uas.append(unweighted_accuracy(y[te], make(best).predict(xte)))
    return np.array(uas)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("swift")
    parser.add_argument("opensmile")
    parser.add_argument("--manifest", default="/work/shared/data/emodb/manifest.csv")
    parser.add_argument("--speaker-normalization", action="store_true")
    args = parser.parse_args()

    manifest = pd.read_csv(args.manifest, dtype={"speaker": str})
    manifest = manifest[manifest.emotion.isin(CLASSES)]
    files = manifest.path.str.split("/").str[-1].values
    y = manifest.emotion.map(CLASSES.index).values
    speakers = manifest.speaker.values
    swift = pd.read_csv(args.swift).set_index("file")
    smile = pd.read_csv(args.opensmile).set_index("file")
    names = list(smile.columns)
    if list(swift.columns) != names:
        raise SystemExit(f"{args.swift}: columns differ from {args.opensmile}'s")
    missing = [f for f in files if f not in swift.index or f not in smile.index]
    if missing:
        raise SystemExit(f"{len(missing)} manifest files lack a row, first {missing[0]}")
    a, b = swift.loc[files, names].values.astype(float), smile.loc[files, names].values.astype(float)
    groups = np.array([group(n) for n in names])

    def run(label, x):
        if args.speaker_normalization:
            x = speaker_standardise(x, speakers)
        u = 100 * cross_validate(x, y, speakers)
        print(f"{label:45s} {u.mean():6.2f} ± {u.std(ddof=1):5.2f}  " + " ".join(f"{v:5.1f}" for v in u), flush=True)

    run("SwiftSER", a)
    run("openSMILE", b)
    for g in dict.fromkeys(groups):
        x = a.copy()
        x[:, groups == g] = b[:, groups == g]
        run(f"SwiftSER with openSMILE's {g}", x)
    for g in dict.fromkeys(groups):
        x = b.copy()
        x[:, groups == g] = a[:, groups == g]
        run(f"openSMILE with SwiftSER's {g}", x)


if __name__ == "__main__":
    main()
