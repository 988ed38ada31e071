#!/usr/bin/env python3
"""librosa / torchaudio references for SERFeatures' STFT, mel filterbanks and log-mel.

Signals (stored as float16 so Swift reads exactly the samples the references used; the references run on the
float32 version of those values):
signals.safetensors, float16 tensors:
  chirp  1 s at 16 kHz: 0.5-amplitude linear chirp 80 Hz -> 7.5 kHz plus 0.05 white noise.
  quiet  0.5 s: three tones (220, 1330, 5100 Hz) at 1e-3 plus 1e-4 noise (exercises the log floor).
Outputs (float32 .npy, frame-major [frames, channels] like SERFeatures; librosa's [channels, frames] transposed):
  stft_<case>.npy       power/magnitude spectrogram of the first 1234 samples of the chirp (see STFT_CASES).
  logmel_<case>.npy     [2 or 1, frames, bands] log-mel of both signals (quiet zero-padded to 1 s) or the chirp from
                        librosa.feature.melspectrogram, natural log(S + floor) (see LOGMEL_CASES).
  torchaudio_htk.npy    [2, frames, 30] log(torchaudio MelSpectrogram(mel_scale="htk") + 1e-6).
  spectral.json         settings and shapes of everything, and the filterbanks: librosa.filters.mel and torchaudio
                        melscale_fbanks for several settings, plus a NumPy frequency-warped filterbank (paper Eq. 1
                        applied to librosa's mel points) for two alphas, stored sparsely (per band: first non-zero
                        bin, offset and count of its weights in filterbank_values.npy).
Run: /work/venv/bin/python Tests/Fixtures/generate_spectral_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import librosa
import torch
import torchaudio
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spectral")
SR = 16000
rng = np.random.default_rng(1980)


def f16_signal(x):
    """Rounds to float16 (what is stored) and returns (stored float16, float32 used by the references)."""
    h = np.asarray(x, dtype=np.float16)
    return h, h.astype(np.float32)


t = np.arange(SR) / SR
chirp = 0.5 * np.sin(2 * np.pi * (80 * t + 0.5 * (7500 - 80) * t ** 2)) + 0.05 * rng.standard_normal(SR)
chirp16, chirp32 = f16_signal(chirp)
tq = np.arange(SR // 2) / SR
quiet = 1e-3 * (np.sin(2 * np.pi * 220 * tq) + np.sin(2 * np.pi * 1330 * tq + 1) + 0.5 * np.sin(2 * np.pi * 5100 * tq)) \
    + 1e-4 * rng.standard_normal(SR // 2)
quiet16, quiet32 = f16_signal(quiet)

os.makedirs(OUT, exist_ok=True)
save_file({"chirp": chirp16, "quiet": quiet16}, os.path.join(OUT, "signals.safetensors"))
meta = {"versions": {"librosa": librosa.__version__, "torch": torch.__version__, "torchaudio": torchaudio.__version__,
                     "numpy": np.__version__},
        "stft": [], "logmel": [], "torchaudio_htk": {}}

# ---- STFT ------------------------------------------------------------------------------------------------
SHORT = chirp32[:1234]
STFT_CASES = [
    dict(name="hann_center_constant", window="hann", win_length=400, hop_length=160, n_fft=512, center=True,
         pad_mode="constant", power=2),
    dict(name="hann_center_reflect", window="hann", win_length=400, hop_length=160, n_fft=512, center=True,
         pad_mode="reflect", power=2),
    dict(name="hamming_nocenter", window="hamming", win_length=320, hop_length=100, n_fft=512, center=False,
         pad_mode="constant", power=2),
    dict(name="rect_magnitude", window="boxcar", win_length=256, hop_length=128, n_fft=256, center=True,
         pad_mode="reflect", power=1),
]
for c in STFT_CASES:
    D = librosa.stft(SHORT, n_fft=c["n_fft"], hop_length=c["hop_length"], win_length=c["win_length"],
                     window=c["window"], center=c["center"], pad_mode=c["pad_mode"])
    S = (np.abs(D) ** c["power"]).astype(np.float32).T
    np.save(os.path.join(OUT, f"stft_{c['name']}.npy"), np.ascontiguousarray(S))
    meta["stft"].append({**c, "samples": len(SHORT), "shape": list(S.shape)})

# ---- log-mel ---------------------------------------------------------------------------------------------
quiet_padded = np.zeros(SR, dtype=np.float32)
quiet_padded[:len(quiet32)] = quiet32
PAPER = dict(sr=SR, n_fft=512, win_length=400, hop_length=160, window="hann", n_mels=30, power=2.0,
             fmin=0.0, fmax=None, htk=False, norm="slaney", floor=1e-6)
LOGMEL_CASES = [
    dict(PAPER, name="paper_constant", center=True, pad_mode="constant"),
    dict(PAPER, name="paper_reflect", center=True, pad_mode="reflect", chirp_only=True),
    dict(PAPER, name="paper_constant_floor1e-10", center=True, pad_mode="constant", floor=1e-10),
    dict(name="variant_htk", sr=SR, n_fft=512, win_length=320, hop_length=128, window="hamming", n_mels=40,
         power=1.0, fmin=60.0, fmax=7600.0, htk=True, norm=None, floor=1e-6, center=False, pad_mode="constant",
         chirp_only=True),
]
for c in LOGMEL_CASES:
    outs = []
    for y in ((chirp32,) if c.get("chirp_only") else (chirp32, quiet_padded)):
        S = librosa.feature.melspectrogram(y=y, sr=c["sr"], n_fft=c["n_fft"], hop_length=c["hop_length"],
                                           win_length=c["win_length"], window=c["window"], center=c["center"],
                                           pad_mode=c["pad_mode"], power=c["power"], n_mels=c["n_mels"],
                                           fmin=c["fmin"], fmax=c["fmax"], htk=c["htk"], norm=c["norm"])
        outs.append(np.log(S + c["floor"]).astype(np.float32).T)
    L = np.stack(outs)
    np.save(os.path.join(OUT, f"logmel_{c['name']}.npy"), np.ascontiguousarray(L))
    meta["logmel"].append({**c, "shape": list(L.shape), "lengths": [SR, len(quiet32)]})

# ---- torchaudio HTK --------------------------------------------------------------------------------------
TA = torchaudio.transforms.MelSpectrogram(sample_rate=SR, n_fft=512, win_length=400, hop_length=160, n_mels=30,
                                          mel_scale="htk")  # norm=None, center=True, pad_mode="reflect", power=2
with torch.inference_mode():
    L = torch.log(TA(torch.from_numpy(np.stack([chirp32, quiet_padded]))) + 1e-6).numpy().transpose(0, 2, 1)
np.save(os.path.join(OUT, "torchaudio_htk.npy"), np.ascontiguousarray(L.astype(np.float32)))
meta["torchaudio_htk"] = {"sample_rate": SR, "n_fft": 512, "win_length": 400, "hop_length": 160, "n_mels": 30,
                          "mel_scale": "htk", "norm": None, "center": True, "pad_mode": "reflect", "power": 2.0,
                          "floor": 1e-6, "shape": list(L.shape)}


# ---- filterbanks -----------------------------------------------------------------------------------------
FB_VALUES = []  # all stored weights, concatenated into filterbank_values.npy


def sparse(W):
    """W: [bands, bins] float32 -> per band the first non-zero bin, and the offset and count in filterbank_values.npy
    of its weights from there to its last non-zero bin."""
    first, offset, count = [], [], []
    base = sum(len(v) for v in FB_VALUES)
    for row in W:
        nz = np.nonzero(row)[0]
        vals = row[nz[0]:nz[-1] + 1] if len(nz) else row[:0]
        first.append(int(nz[0]) if len(nz) else 0)
        offset.append(base)
        count.append(len(vals))
        base += len(vals)
        FB_VALUES.append(np.asarray(vals, dtype=np.float32))
    return {"shape": list(W.shape), "first": first, "offset": offset, "count": count}


def warped_mel(sr, n_fft, n_mels, fmin, fmax, htk, norm, alpha):
    """librosa.filters.mel with every mel point warped by the bilinear map (independent NumPy version)."""
    fmax = sr / 2 if fmax is None else fmax
    mel_f = librosa.mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    w = np.pi * mel_f / (sr / 2)
    w_t = w + 2 * np.arctan(alpha * np.sin(w) / (1 - alpha * np.cos(w)))
    mel_f = w_t * (sr / 2) / np.pi
    fft = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft)
    W = np.zeros((n_mels, 1 + n_fft // 2))
    for i in range(n_mels):
        W[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    if norm == "slaney":
        W *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return W.astype(np.float32), mel_f


FB_CASES = [
    dict(sr=16000, n_fft=512, n_mels=30, fmin=0.0, fmax=None, htk=False, norm="slaney"),
    dict(sr=16000, n_fft=512, n_mels=30, fmin=0.0, fmax=None, htk=True, norm="slaney"),
    dict(sr=16000, n_fft=512, n_mels=30, fmin=0.0, fmax=None, htk=True, norm=None),
    dict(sr=16000, n_fft=512, n_mels=30, fmin=0.0, fmax=None, htk=False, norm=None),
    dict(sr=16000, n_fft=512, n_mels=40, fmin=60.0, fmax=7600.0, htk=True, norm=None),
    dict(sr=16000, n_fft=512, n_mels=24, fmin=300.0, fmax=4000.0, htk=False, norm="slaney"),
    dict(sr=22050, n_fft=256, n_mels=26, fmin=20.0, fmax=11025.0, htk=False, norm="slaney"),
    dict(sr=8000, n_fft=256, n_mels=20, fmin=100.0, fmax=3800.0, htk=True, norm="slaney"),
]
fbs = {"librosa": [], "torchaudio": [], "warped": []}
for c in FB_CASES:
    W = librosa.filters.mel(sr=c["sr"], n_fft=c["n_fft"], n_mels=c["n_mels"], fmin=c["fmin"], fmax=c["fmax"],
                            htk=c["htk"], norm=c["norm"])
    fbs["librosa"].append({"config": c, **sparse(W)})
for c in FB_CASES[:3] + FB_CASES[4:5] + FB_CASES[7:8]:
    fmax = c["sr"] / 2 if c["fmax"] is None else c["fmax"]
    Wt = torchaudio.functional.melscale_fbanks(n_freqs=c["n_fft"] // 2 + 1, f_min=c["fmin"], f_max=fmax,
                                               n_mels=c["n_mels"], sample_rate=c["sr"], norm=c["norm"],
                                               mel_scale="htk" if c["htk"] else "slaney").numpy().T
    fbs["torchaudio"].append({"config": c, **sparse(np.ascontiguousarray(Wt))})
for alpha in (0.1, -0.15):
    for c in (FB_CASES[0], FB_CASES[5]):
        W, edges = warped_mel(alpha=alpha, **c)
        fbs["warped"].append({"config": c, "alpha": alpha, "edges": [float(e) for e in edges], **sparse(W)})
meta["filterbanks"] = fbs
np.save(os.path.join(OUT, "filterbank_values.npy"), np.concatenate(FB_VALUES).astype(np.float32))
with open(os.path.join(OUT, "spectral.json"), "w") as f:
    json.dump(meta, f, separators=(",", ":"))
print("wrote", OUT, sorted(os.listdir(OUT)))
