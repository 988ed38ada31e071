#!/usr/bin/env python3
"""eGeMAPS v02 fixtures: short synthetic sounds and what openSMILE itself computes for them.

Writes into Tests/Fixtures/egemaps/:
  * WAV files (mono, 16-bit PCM, each under 1 s): synthetic sounds made here with NumPy and SciPy
    (a male /a/ with known jitter and shimmer, a female /i/ with an F0 glide and loudness modulation,
    a vowel-noise-vowel sequence, a vowel at 22.05 kHz, white noise, digital silence);
  * <name>_lld.npy: opensmile-python's LowLevelDescriptors for the file, float32 [frames, 25] in
    `opensmile.FeatureSet.eGeMAPSv02` column order;
  * expected.json: per file the 88 Functionals (same order as their names, also stored), the sample
    rate and sample count, and the versions used.

Oracle: opensmile-python 2.6.0 (bundled SMILExtract, openSMILE 3), `FeatureSet.eGeMAPSv02`; NumPy, SciPy
and soundfile as pinned in requirements.txt. Run from anywhere:  python3 Tests/Fixtures/generate_egemaps.py
The sounds are deterministic (fixed seeds).
"""
import json
import os

import numpy as np
import opensmile
import scipy
import scipy.signal
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "egemaps")


def glottal_train(f0_track, fs, jitter=0.0, shimmer=0.0, seed=0):
    """Impulse train with one Rosenberg-like pulse per period; per-period relative jitter / shimmer (std)."""
    rng = np.random.default_rng(seed)
    n = len(f0_track)
    x = np.zeros(n)
    t = 0.0
    while True:
        i = int(t)
        if i >= n:
            break
        period = fs / f0_track[i] * (1.0 + jitter * rng.standard_normal())
        amp = 1.0 + shimmer * rng.standard_normal()
        length = max(int(period * 0.6), 4)
        pulse = np.sin(np.linspace(0, np.pi, length)) ** 2
        end = min(i + length, n)
        x[i:end] += amp * pulse[: end - i]
        t += period
    return np.diff(x, prepend=0.0)  # differentiated glottal flow


def formant_filter(x, fs, formants):
    y = x
    for f, bw in formants:
        r = np.exp(-np.pi * bw / fs)
        a = [1.0, -2.0 * r * np.cos(2 * np.pi * f / fs), r * r]
        y = scipy.signal.lfilter([1.0 - r], a, y)
    return y


def normalise(x, peak):
    return x / np.max(np.abs(x)) * peak


def vowel(fs, seconds, f0_start, f0_end, formants, jitter=0.0, shimmer=0.0, seed=0, peak=0.5, am=0.0):
    n = int(seconds * fs)
    f0 = np.linspace(f0_start, f0_end, n)
    x = formant_filter(glottal_train(f0, fs, jitter, shimmer, seed), fs, formants)
    if am > 0:
        x *= 1.0 + am * np.sin(2 * np.pi * 3.0 * np.arange(n) / fs)
    ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.01 * fs))
    return normalise(x * ramp, peak)


def pad(x, fs, before, after, noise=0.0, seed=1):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.zeros(int(before * fs)), x, np.zeros(int(after * fs))])
    return y + noise * rng.standard_normal(len(y))


def sounds():
    fs = 16000
    male_a = [(700, 80), (1220, 90), (2600, 120)]
    female_i = [(310, 60), (2300, 100), (3000, 150)]
    out = {}
    out["male_a_jitter"] = (pad(vowel(fs, 0.5, 118, 126, male_a, jitter=0.01, shimmer=0.06, seed=3), fs, 0.12, 0.12,
                                noise=3e-4), fs)
    out["female_i_glide"] = (pad(vowel(fs, 0.55, 210, 255, female_i, am=0.4, seed=4), fs, 0.1, 0.1, noise=3e-4), fs)
    rng = np.random.default_rng(5)
    burst = 0.08 * rng.standard_normal(int(0.12 * fs))
    seq = np.concatenate([vowel(fs, 0.25, 150, 140, male_a, seed=6), burst, vowel(fs, 0.25, 160, 175, female_i, seed=7)])
    out["vowel_noise_vowel"] = (pad(seq, fs, 0.08, 0.08, noise=3e-4), fs)
    fs2 = 22050
    out["vowel_o_22k"] = (pad(vowel(fs2, 0.45, 135, 120, [(500, 70), (900, 80), (2500, 120)], jitter=0.005,
                                    seed=8), fs2, 0.1, 0.1, noise=3e-4), fs2)
    out["white_noise"] = (0.1 * np.random.default_rng(9).standard_normal(int(0.4 * fs)), fs)
    out["silence"] = (np.zeros(int(0.3 * fs)), fs)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    lld = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                          feature_level=opensmile.FeatureLevel.LowLevelDescriptors)
    func = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                           feature_level=opensmile.FeatureLevel.Functionals)
    expected = {
        "opensmile": opensmile.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "lowLevelDescriptorNames": list(lld.feature_names),
        "functionalNames": list(func.feature_names),
        "files": {},
    }
    for name, (x, fs) in sounds().items():
        path = os.path.join(OUT, name + ".wav")
        sf.write(path, np.clip(x, -1, 1), fs, subtype="PCM_16")
        table = np.ascontiguousarray(lld.process_file(path).values.astype(np.float32))
        np.save(os.path.join(OUT, name + "_lld.npy"), table)
        values = func.process_file(path).values[0].astype(float)
        info = sf.info(path)
        expected["files"][name] = {
            "sampleRate": fs,
            "sampleCount": int(info.frames),
            "lowLevelDescriptorRows": int(table.shape[0]),
            "functionals": [float(v) for v in values],
        }
        print(f"{name}: {info.frames} samples at {fs} Hz, LLD {table.shape}")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
