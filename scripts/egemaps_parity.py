#!/usr/bin/env python3
"""eGeMAPS v02 parity and speed: SwiftSER (`ser-cli features --kind egemaps`) against opensmile-python.

Runs both on every .wav file of a folder (default: the 535 EmoDB files in /work/shared/data/emodb/wav),
then prints, per functional, the Pearson correlation across files between the two implementations and the
median relative difference, how many of the 88 reach r >= 0.99 and r >= 0.95, the worst features, and the
wall time of each (the speed ratio: opensmile-python time / SwiftSER time, both including file reading,
SwiftSER's including process start-up). Not a unit test: it needs the corpus and takes a few minutes.

    python3 scripts/egemaps_parity.py [--input DIR] [--cli .build/release/ser-cli] [--markdown OUT.md]

Needs numpy, pandas and opensmile (Tests/Fixtures/requirements.txt pins opensmile==2.6.0). Build the CLI
first: swift build -c release --product ser-cli
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import opensmile
import pandas as pd


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", default="/work/shared/data/emodb/wav", help="folder of .wav files")
    parser.add_argument("--cli", default=os.path.join(root, ".build", "release", "ser-cli"), help="ser-cli binary")
    parser.add_argument("--markdown", help="also write the per-feature table as Markdown to this file")
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.input, "*.wav")))
    if not files:
        sys.exit(f"no .wav files in {args.input}")
    if not os.path.exists(args.cli):
        sys.exit(f"{args.cli} not found; build it with: swift build -c release --product ser-cli")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "egemaps.csv")
        start = time.perf_counter()
        subprocess.run([args.cli, "features", "--kind", "egemaps", "--input", args.input, "--output", out],
                       check=True)
        swift_seconds = time.perf_counter() - start
        mine = pd.read_csv(out).set_index("file")

    smile = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                            feature_level=opensmile.FeatureLevel.Functionals)
    start = time.perf_counter()
    rows = [smile.process_file(f).values[0] for f in files]
    smile_seconds = time.perf_counter() - start
    ref = pd.DataFrame(rows, index=[os.path.basename(f) for f in files], columns=smile.feature_names)

    names = list(smile.feature_names)
    if list(mine.columns) != names:
        sys.exit("column names differ from opensmile's")
    common = [f for f in ref.index if f in mine.index]
    a, b = mine.loc[common, names].values.astype(float), ref.loc[common, names].values.astype(float)
    ok = np.isfinite(b).all(axis=1)  # opensmile gives NaN rows for very short files
    a, b = a[ok], b[ok]

    table = []
    for j, name in enumerate(names):
        x, y = a[:, j], b[:, j]
        if x.std() == 0 or y.std() == 0:
            r = 1.0 if np.allclose(x, y) else float("nan")
        else:
            r = float(np.corrcoef(x, y)[0, 1])
        rel = np.median(np.abs(x - y) / np.maximum(np.abs(y), 1e-9))
        table.append((name, r, rel))

    rs = np.array([t[1] for t in table])
    n99, n95 = int(np.sum(rs >= 0.99)), int(np.sum(rs >= 0.95))
    lines = ["| functional | Pearson r | median relative difference |", "| --- | --- | --- |"]
    lines += [f"| {n} | {r:.5f} | {d:.2e} |" for n, r, d in table]
    print("\n".join(lines))
    print()
    print(f"files compared: {len(a)} of {len(files)} (opensmile-python gives NaN for {int((~ok).sum())})")
    print(f"functionals with r >= 0.99: {n99} of 88 (goal >= 80); with r >= 0.95: {n95} of 88 (goal 88)")
    worst = sorted(table, key=lambda t: (t[1] if np.isfinite(t[1]) else -1))[:8]
    print("worst: " + "; ".join(f"{n} r={r:.4f}" for n, r, _ in worst))
    print(f"time: SwiftSER {swift_seconds:.1f} s, opensmile-python {smile_seconds:.1f} s, "
          f"speed ratio {smile_seconds / swift_seconds:.2f}x (goal >= 2x)")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
