#!/usr/bin/env python3
"""Reference audio files and the samples `soundfile` (libsndfile via Python) reads from them, for SERAudio.

Writes into Tests/Fixtures/audio/:
  tiny_pcm24.wav  - mono, 16 kHz, 24-bit PCM WAV, 0.03 s (a chirp plus noise, touching -1 and near +1)
  tiny_stereo.flac - stereo, 22.05 kHz, 16-bit FLAC, 0.02 s (different signals per channel)
  expected.json   - per file: format, subtype, channels, sample rate, frames, and `mono`: the float32
                    samples soundfile.read(dtype="float32") returns, averaged over channels with
                    numpy's float32 mean. Values are written as the exact decimal of each float32
                    (Python float repr), so the Swift reader must match them bit for bit.
Run: /work/venv/bin/python Tests/Fixtures/generate_audio_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import soundfile as sf

rng = np.random.default_rng(20240611)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audio")
os.makedirs(OUT, exist_ok=True)


def chirp(n, rate, f0, f1, amplitude):
    t = np.arange(n) / rate
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * t[-1]))
    return amplitude * np.sin(phase)


def write_and_read(name, data, rate, subtype):
    path = os.path.join(OUT, name)
    sf.write(path, data, rate, subtype=subtype)
    read, read_rate = sf.read(path, dtype="float32", always_2d=True)
    info = sf.info(path)
    mono = read.mean(axis=1, dtype=np.float32)
    return {
        "file": name,
        "format": info.format,
        "subtype": info.subtype,
        "channels": info.channels,
        "sampleRate": read_rate,
        "frames": info.frames,
        "mono": [float(v) for v in mono],
    }


cases = []

# Mono 24-bit WAV: 0.03 s at 16 kHz, with exact full-scale extremes.
n = 480
x = chirp(n, 16000, 200, 6000, 0.8) + rng.normal(0, 0.05, n)
x[10], x[11], x[12] = -1.0, 1.0 - 2.0**-23, 0.0
cases.append(write_and_read("tiny_pcm24.wav", np.clip(x, -1, 1 - 2.0**-23), 16000, "PCM_24"))

# Stereo 16-bit FLAC: 0.02 s at 22.05 kHz.
n = 441
left = chirp(n, 22050, 300, 9000, 0.6) + rng.normal(0, 0.02, n)
right = 0.3 * np.sign(np.sin(2 * np.pi * 700 * np.arange(n) / 22050)) + rng.normal(0, 0.01, n)
cases.append(write_and_read("tiny_stereo.flac", np.stack([left, right], axis=1), 22050, "PCM_16"))

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"soundfile": sf.__version__, "libsndfile": sf.__libsndfile_version__, "cases": cases}, f)
print("wrote", [c["file"] for c in cases], "to", OUT)
