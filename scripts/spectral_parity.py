#!/usr/bin/env python3
"""Worst absolute log-mel error of `ser-cli features --kind logmel` against librosa (and torchaudio for the HTK
setting) on every WAV file of a folder (default: ../shared/data/emodb/wav). Not run in CI.

Settings compared (natural log of mel power + floor, [frames, bands]):
  paper            SwiftSER defaults = librosa.feature.melspectrogram defaults at 16 kHz, 25 ms / 10 ms, n_fft 512,
                   30 Slaney bands, center with zero padding; floor 1e-6.
  paper_floor1e-10 the same with floor 1e-10 (the floor /work/shared/bench/features.py uses).
  htk_torchaudio   torchaudio.transforms.MelSpectrogram(mel_scale="htk") defaults (norm None, reflect padding),
                   floor 1e-6, against torchaudio.
Each setting is also computed by librosa in float64 (signal, FFT and filterbank), and the worst error of ours and of
the reference against it is printed: it shows which side a discrepancy comes from. Files not at 16 kHz are resampled by ser-cli (libsamplerate) and by librosa (soxr_hq), which would differ; the
script reports them separately (EmoDB is all 16 kHz).

Usage: /work/venv/bin/python scripts/spectral_parity.py [--cli .build/release/ser-cli] [--data DIR] [--out FILE.json]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import librosa
import soundfile as sf
import torch
import torchaudio

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SR = 16000

CONFIGS = {
    "paper": ({"logFloor": 1e-6}, "librosa"),
    "paper_floor1e-10": ({"logFloor": 1e-10}, "librosa"),
    "htk_torchaudio": ({"logFloor": 1e-6, "melScale": "htk", "normalization": "none", "padding": "reflect"},
                       "torchaudio"),
}
TA_HTK = torchaudio.transforms.MelSpectrogram(sample_rate=SR, n_fft=512, win_length=400, hop_length=160, n_mels=30,
                                              mel_scale="htk")


def librosa_logmel(y, cfg, dtype):
    htk = cfg.get("melScale") == "htk"
    S = librosa.feature.melspectrogram(y=y.astype(dtype), sr=SR, n_fft=512, hop_length=160, win_length=400,
                                       window="hann", center=True, pad_mode=cfg.get("padding", "constant"), power=2.0,
                                       n_mels=30, htk=htk, norm=None if cfg.get("normalization") == "none" else "slaney",
                                       dtype=dtype)
    return np.log(S + cfg["logFloor"]).T


def reference(y, name):
    """(the reference's output, a float64 librosa computation of the same settings)."""
    cfg, ref_name = CONFIGS[name]
    exact = librosa_logmel(y, cfg, np.float64)
    if ref_name == "librosa":
        return librosa_logmel(y, cfg, np.float32), exact
    with torch.inference_mode():
        return torch.log(TA_HTK(torch.from_numpy(y)) + cfg["logFloor"]).numpy().T, exact


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(ROOT, ".build", "release", "ser-cli"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "emodb", "wav"))
    ap.add_argument("--out")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.data, "*.wav")))
    if not files:
        sys.exit(f"no .wav files in {a.data}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (cfg, ref_name) in CONFIGS.items():
            cfg_path = os.path.join(tmp, f"{name}.json")
            with open(cfg_path, "w") as f:
                json.dump(cfg, f)
            worst = {"abs": 0.0}
            worst_exact, worst_ref_exact = 0.0, 0.0
            total, count, resampled = 0.0, 0, []
            for path in files:
                y, sr = sf.read(path, dtype="float32", always_2d=True)
                y = y.mean(axis=1).astype(np.float32)
                if sr != SR:
                    resampled.append(os.path.basename(path))
                    continue
                out = os.path.join(tmp, "out.npy")
                subprocess.run([a.cli, "features", "--kind", "logmel", "--input", path, "--output", out,
                                "--config", cfg_path], check=True)
                ours = np.load(out)
                ref, exact = reference(y, name)
                if ours.shape != ref.shape:
                    sys.exit(f"{path}: shape {ours.shape} vs reference {ref.shape}")
                err = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
                worst_exact = max(worst_exact, float(np.abs(ours - exact).max()))
                worst_ref_exact = max(worst_ref_exact, float(np.abs(ref - exact).max()))
                total += err.sum()
                count += err.size
                i = np.unravel_index(np.argmax(err), err.shape)
                if err[i] > worst["abs"]:
                    worst = {"abs": float(err[i]), "file": os.path.basename(path), "frame": int(i[0]),
                             "band": int(i[1]), "reference_value": float(ref[i]), "ours": float(ours[i])}
            results[name] = {"reference": ref_name, "settings": cfg, "files": len(files) - len(resampled),
                             "values": count, "worst": worst, "mean_abs": total / max(count, 1),
                             "worst_ours_vs_float64": worst_exact, "worst_reference_vs_float64": worst_ref_exact,
                             "skipped_not_16k": resampled}
            print(f"{name:18s} vs {ref_name:10s} files {results[name]['files']:4d}  worst |error| {worst['abs']:.3g} "
                  f"(file {worst.get('file')}, frame {worst.get('frame')}, band {worst.get('band')}, "
                  f"reference {worst.get('reference_value', 0):.3f})  mean |error| {results[name]['mean_abs']:.3g};  "
                  f"vs float64 librosa: ours {worst_exact:.3g}, {ref_name} {worst_ref_exact:.3g}",
                  flush=True)
    report = {"versions": {"librosa": librosa.__version__, "torchaudio": torchaudio.__version__,
                           "numpy": np.__version__}, "data": os.path.abspath(a.data), "results": results}
    if a.out:
        with open(a.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
