#!/usr/bin/env python3
"""Which utterance functionals should the presets' functionals classifier use? A choice made on validation
speakers only, with reference tools (openSMILE, librosa, scikit-learn), before anything is built in Swift.

Candidates (every utterance: 16 kHz mono, silence trimmed as the presets do: librosa.effects.trim, top_db 40,
frame 1024, hop 256):
  egemaps            openSMILE eGeMAPS v02 functionals (88), what the presets use today
  egemaps+mfcc       plus cepstral statistics: c0..c12 of the 30-band log-mel (the presets' log-mel: 512-point
                     FFT, 25 ms Hann window, 10 ms hop, Slaney mel, power, ln(x + 1e-6); DCT-II, orthonormal),
                     each coefficient's mean and standard deviation over frames, and the standard deviation of
                     its first difference over frames (39 more)
  egemaps+logmel     plus the same three statistics of the 30 log-mel bands themselves (90 more)
Classifier: multinomial logistic regression, class weights, C from 0.01, 0.1, 1, 10 by the validation speaker's UA
(ties: smaller C); standardised on the training speakers (track I), or per speaker first (track S).

The rule, fixed before the run: the candidate with the highest mean validation UA over the four corpus-tracks
(EmoDB and nEMO, tracks I and S) replaces eGeMAPS only if it is ahead by at least 0.5 points on that mean and is
not behind eGeMAPS on more than one of the four. Test UA is printed for the record, never used to choose.

usage: python3 functionals_choice.py CACHE_DIR emodb=/path/to/emodb nemo=/path/to/nEMO
(each corpus folder holds manifest.csv with path, speaker, emotion; nEMO's from
../shared/bench/accuracy/nemo_manifest.py)
"""
import csv
import os
import sys
import time

import numpy as np

CLASSES = ['neutral', 'happy', 'sad', 'angry']
GRID = [0.01, 0.1, 1, 10]


def extract(root, cache):
    if os.path.exists(cache):
        z = np.load(cache)
        return {k: z[k] for k in z.files}
    import librosa
    import opensmile
    import scipy.fft
    smile = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                            feature_level=opensmile.FeatureLevel.Functionals)
    rows = [r for r in csv.DictReader(open(os.path.join(root, 'manifest.csv'))) if r['emotion'] in CLASSES]
    eg, mf, lm, y, spk = [], [], [], [], []
    t0 = time.time()
    for i, r in enumerate(rows):
        x, _ = librosa.load(os.path.join(root, r['path']), sr=16000, mono=True)
        x, _ = librosa.effects.trim(x, top_db=40, frame_length=1024, hop_length=256)
        eg.append(smile.process_signal(x, 16000).values[0])
        mel = librosa.feature.melspectrogram(y=x, sr=16000, n_fft=512, win_length=400, hop_length=160,
                                             n_mels=30, power=2.0, center=True, pad_mode='constant')
        logmel = np.log(mel + 1e-6)                                   # (30, T)
        ceps = scipy.fft.dct(logmel, type=2, axis=0, norm='ortho')[:13]  # (13, T)
        stats = lambda m: np.concatenate([m.mean(1), m.std(1), np.diff(m, axis=1).std(1)])
        mf.append(stats(ceps))
        lm.append(stats(logmel))
        y.append(CLASSES.index(r['emotion']))
        spk.append(r['speaker'])
        if i % 500 == 0:
            print(f'  {root}: {i}/{len(rows)} ({time.time() - t0:.0f} s)', flush=True)
    out = dict(egemaps=np.array(eg), mfcc=np.array(mf), logmel=np.array(lm), y=np.array(y), spk=np.array(spk))
    np.savez(cache, **out)
    return out


def folds(spk):
    speakers = sorted(set(spk))
    for k, s in enumerate(speakers):
        v = speakers[(k + 1) % len(speakers)]
        yield (np.where((spk != s) & (spk != v))[0], np.where(spk == v)[0], np.where(spk == s)[0])


def ua(y, p):
    return float(np.mean([np.mean(p[y == c] == c) for c in range(len(CLASSES)) if np.any(y == c)]))


def per_speaker(X, spk):
    Z = np.empty_like(X)
    for s in set(spk):
        m = spk == s
        sd = X[m].std(0)
        Z[m] = (X[m] - X[m].mean(0)) / np.where(sd > 1e-8, sd, 1.0)
    return Z


def evaluate(X, y, spk, speaker_track):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    if speaker_track:
        X = per_speaker(X, spk)
    val, test = [], []
    for tr, va, te in folds(spk):
        sc = StandardScaler().fit(X[tr])
        make = lambda C: LogisticRegression(C=C, class_weight='balanced', max_iter=5000).fit(sc.transform(X[tr]), y[tr])
        scores = {C: ua(y[va], make(C).predict(sc.transform(X[va]))) for C in GRID}
        best = max(GRID, key=lambda C: (scores[C], -C))
        val.append(scores[best])
        test.append(ua(y[te], make(best).predict(sc.transform(X[te]))))
    return val, test


def main():
    cache_dir = sys.argv[1]
    os.makedirs(cache_dir, exist_ok=True)
    corpora = dict(a.split('=', 1) for a in sys.argv[2:])
    candidates = {'egemaps': ['egemaps'], 'egemaps+mfcc': ['egemaps', 'mfcc'], 'egemaps+logmel': ['egemaps', 'logmel']}
    table = {}
    for corpus, root in corpora.items():
        d = extract(root, os.path.join(cache_dir, f'{corpus}_functionals_choice.npz'))
        for name, parts in candidates.items():
            X = np.concatenate([d[p] for p in parts], axis=1).astype(np.float64)
            for track in ('I', 'S'):
                val, test = evaluate(X, d['y'], d['spk'], track == 'S')
                table[(name, corpus, track)] = (val, test)
                print(f'{corpus} track {track} {name:15s} ({X.shape[1]} features): validation UA '
                      f'{100 * np.mean(val):.2f} ± {100 * np.std(val, ddof=1):.2f}, test UA '
                      f'{100 * np.mean(test):.2f} ± {100 * np.std(test, ddof=1):.2f}', flush=True)
    keys = [(c, t) for c in corpora for t in ('I', 'S')]
    base = [np.mean(table[('egemaps',) + k][0]) for k in keys]
    print('\nmean validation UA over ' + ', '.join(f'{c} {t}' for c, t in keys))
    for name in candidates:
        vals = [np.mean(table[(name,) + k][0]) for k in keys]
        behind = sum(v < b for v, b in zip(vals, base))
        print(f'  {name:15s} {100 * np.mean(vals):.2f}  (behind egemaps on {behind} of {len(keys)})')


if __name__ == '__main__':
    main()
