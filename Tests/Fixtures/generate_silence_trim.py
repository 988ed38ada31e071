#!/usr/bin/env python3
"""What librosa.effects.trim keeps of a few signals, for SERAudio's SilenceTrimming.

The signals are rebuilt in the Swift test from the same formula (no audio is stored): a 31-bit linear
congruential generator gives the noise, `state = (1103515245 * state + 12345) mod 2^31`,
`u = state / 2^31 - 0.5`, scaled by sqrt(12) to unit variance; each case adds tone segments
`amplitude * sin(2 pi f n / rate)` for n in [start, end) samples; the sum is taken in float64 and rounded to
float32. Writes Tests/Fixtures/audio/silence_trim.json: per case its parameters and librosa's kept
[start, end) with top_db 40, frame_length 1024, hop_length 256.
Run: /work/venv/bin/python Tests/Fixtures/generate_silence_trim.py   (versions: requirements.txt)
"""
import json
import os

import librosa
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audio", "silence_trim.json")
RATE = 16000
TOP_DB, FRAME, HOP = 40, 1024, 256


def signal(count, noise, seed, tones):
    state = seed
    u = np.empty(count)
    for i in range(count):
        state = (1103515245 * state + 12345) % 2**31
        u[i] = state / 2**31 - 0.5
    x = noise * np.sqrt(12) * u
    n = np.arange(count)
    for t in tones:
        s, e = t["start"], t["end"]
        x[s:e] += t["amplitude"] * np.sin(2 * np.pi * t["frequency"] * n[s:e] / RATE)
    return x.astype(np.float32)


def tone(start, end, amplitude, frequency=220.0):
    return {"start": int(start * RATE), "end": int(end * RATE), "amplitude": amplitude, "frequency": frequency}


CASES = [
    # 0.7 s of -60 dBFS noise, 1.2 s of speech-level tone, 0.5 s of noise.
    {"name": "padded", "count": int(2.4 * RATE), "noise": 0.001, "seed": 1, "tones": [tone(0.7, 1.9, 0.3)]},
    # Tone from start to end: nothing to trim.
    {"name": "tight", "count": int(1.0 * RATE), "noise": 0.001, "seed": 2, "tones": [tone(0.0, 1.0, 0.2, 150.0)]},
    # A quiet onset 30 dB under the loud part is kept; the -60 dBFS noise around them is not.
    {"name": "quiet_onset", "count": int(2.0 * RATE), "noise": 0.001, "seed": 3,
     "tones": [tone(0.5, 0.8, 0.0095), tone(0.8, 1.6, 0.3, 330.0)]},
    # Silence in the middle is kept.
    {"name": "inner_pause", "count": int(2.0 * RATE), "noise": 0.0005, "seed": 4,
     "tones": [tone(0.3, 0.7, 0.25), tone(1.3, 1.7, 0.25)]},
    # All zeros: kept whole.
    {"name": "zeros", "count": 8000, "noise": 0.0, "seed": 5, "tones": []},
    # Shorter than one frame.
    {"name": "short", "count": 300, "noise": 0.0, "seed": 6, "tones": [{"start": 100, "end": 300, "amplitude": 0.5, "frequency": 440.0}]},
]

out = []
for c in CASES:
    x = signal(c["count"], c["noise"], c["seed"], c["tones"])
    _, (start, end) = librosa.effects.trim(x, top_db=TOP_DB, frame_length=FRAME, hop_length=HOP)
    out.append(dict(c, start=int(start), end=int(end)))
    print(c["name"], start, end, c["count"])
with open(OUT, "w") as f:
    json.dump({"librosa": librosa.__version__, "topDB": TOP_DB, "frameLength": FRAME, "hopLength": HOP, "cases": out}, f, indent=1)
