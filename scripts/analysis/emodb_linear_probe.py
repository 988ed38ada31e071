"""Linear probe behind the feature-normalisation choice (Docs/Training.md, "Feature normalisation").

Utterance statistics of the 30-band log-mel (librosa, 16 kHz, 25 ms / 10 ms, Slaney; frames more than
40 dB below the utterance's loudest dropped): per-band mean, sd, delta sd, 10th and 90th percentiles.
Logistic regression (class-balanced), leave one speaker out on EmoDB's 4 classes; UA mean ± sd over
speakers, for the raw statistics, a gain-invariant version (the mean over bands removed: spectral
shape kept, like FeatureNormalization.level) and a per-band normalised version (no band means: like
FeatureNormalization.utterance), each without and with per-speaker standardisation.

    /path/to/venv/bin/python scripts/analysis/emodb_linear_probe.py ../shared/data/emodb/manifest-4class.csv

The manifest is `ser-cli prepare --corpus emodb --classes neutral,happy,sad,angry` output (columns path,
label, speaker). Packages: librosa, numpy, scikit-learn (Tests/Fixtures/requirements.txt pins).
"""
import csv
import sys

import librosa
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.preprocessing import StandardScaler

CLASSES = ["neutral", "happy", "sad", "angry"]


def statistics(path):
    w, _ = librosa.load(path, sr=16000)
    m = librosa.feature.melspectrogram(y=w, sr=16000, n_fft=512, win_length=400, hop_length=160, n_mels=30)
    l = np.log(m + 1e-6)
    e = l.mean(0)
    l = l[:, e > e.max() - np.log(1e4)]
    d = librosa.feature.delta(l)
    p10, p90 = np.percentile(l, [10, 90], axis=1)
    return l.mean(1), l.std(1), d.std(1), p10, p90


def probe(x, y, speakers, speaker_norm):
    x = x.copy()
    if speaker_norm:
        for s in set(speakers):
            i = speakers == s
            x[i] = (x[i] - x[i].mean(0)) / (x[i].std(0) + 1e-8)
    uas = []
    for s in sorted(set(speakers)):
        train, test = speakers != s, speakers == s
        scaler = StandardScaler().fit(x[train])
        clf = LogisticRegression(C=0.1, max_iter=3000, class_weight="balanced").fit(scaler.transform(x[train]), y[train])
        uas.append(recall_score(y[test], clf.predict(scaler.transform(x[test])), average="macro"))
    return 100 * np.mean(uas), 100 * np.std(uas, ddof=1)


def main():
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["label"] in CLASSES]
    stats = [statistics(r["path"]) for r in rows]
    y = np.array([CLASSES.index(r["label"]) for r in rows])
    speakers = np.array([r["speaker"] for r in rows])
    mean, sd, dsd, p10, p90 = (np.array(a) for a in zip(*stats))
    level = mean.mean(1, keepdims=True)
    variants = {
        "raw statistics": np.concatenate([mean, sd, dsd, p10, p90], 1),
        "gain-invariant (spectral shape kept)": np.concatenate([mean - level, sd, dsd, p10 - level, p90 - level], 1),
        "per-band normalised (no band means)": np.concatenate([sd, dsd, p90 - p10], 1),
    }
    for name, x in variants.items():
        a, b = probe(x, y, speakers, False), probe(x, y, speakers, True)
        print(f"{name:40s} UA {a[0]:.1f} ± {a[1]:.1f}   with speaker standardisation {b[0]:.1f} ± {b[1]:.1f}")


if __name__ == "__main__":
    main()
