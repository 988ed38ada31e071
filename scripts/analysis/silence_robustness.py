#!/usr/bin/env python3
"""How a cross-validation run's fold models cope with silence around the speech: each fold's model is evaluated on
its test speaker's files as they are, and on copies padded with 1-2 s (uniform, seeded) of -60 dBFS white noise
before and after, the noise also added under the speech (real recordings: room noise, a second or more of silence
before and after the speech; EmoDB is tightly trimmed). Prints UA per fold and mean ± sample std for both.

usage: python3 scripts/analysis/silence_robustness.py SER_CLI MANIFEST PADDED_FOLDER RUN_FOLDER [RUN_FOLDER ...]
  MANIFEST: the run's manifest (path,label,speaker,...); PADDED_FOLDER: where the padded copies are written (once).
Needs numpy and soundfile (Tests/Fixtures/requirements.txt).
"""
import csv
import glob
import json
import os
import statistics
import subprocess
import sys

import numpy as np
import soundfile as sf

cli, manifest, padded_dir, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = list(csv.DictReader(open(manifest)))
base = os.path.dirname(os.path.abspath(manifest))
os.makedirs(padded_dir, exist_ok=True)
rng = np.random.default_rng(0)
padded_rows = []
for r in rows:
    src = r["path"] if os.path.isabs(r["path"]) else os.path.join(base, r["path"])
    dst = os.path.join(padded_dir, os.path.basename(src))
    pre, post = rng.uniform(1.0, 2.0), rng.uniform(1.0, 2.0)
    if not os.path.exists(dst):
        x, rate = sf.read(src, dtype="float32")
        if x.ndim > 1:
            x = x.mean(axis=1)
        noise = lambda n: (rng.standard_normal(n) * 10 ** (-60 / 20)).astype("float32")
        y = np.concatenate([noise(int(pre * rate)), x + noise(len(x)), noise(int(post * rate))])
        sf.write(dst, y, rate, subtype="PCM_16")
    padded_rows.append(dict(r, path=dst))


def evaluate(run, fold_dir, speaker, table, tag):
    path = f"/tmp/silence-robustness-{tag}-{speaker}.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0]))
        w.writeheader()
        for r in table:
            if r["speaker"] == speaker:
                w.writerow(dict(r, path=r["path"] if os.path.isabs(r["path"]) else os.path.join(base, r["path"])))
    out = subprocess.run([cli, "evaluate", "--run", fold_dir, "--manifest", path, "--json", "--quiet"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["report"]["unweightedAccuracy"]


for run in runs:
    plain, noisy = [], []
    for fold_dir in sorted(glob.glob(os.path.join(run, "fold*"))):
        result = json.load(open(os.path.join(fold_dir, "result.json")))
        speaker = result["testSpeakers"][0]
        plain.append(evaluate(run, fold_dir, speaker, rows, "plain"))
        noisy.append(evaluate(run, fold_dir, speaker, padded_rows, "padded"))
        print(f"{os.path.basename(fold_dir)}: UA {100 * plain[-1]:.1f} as recorded, {100 * noisy[-1]:.1f} padded", flush=True)
    f = lambda v: f"{100 * statistics.mean(v):.2f} ± {100 * statistics.stdev(v):.2f}"
    print(f"{run}: as recorded {f(plain)}; padded with silence and -60 dBFS noise {f(noisy)}")
