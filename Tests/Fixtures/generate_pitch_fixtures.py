#!/usr/bin/env python3
"""Pitch and pulse fixtures: small test sounds and what Praat itself computes for them.

Writes into Tests/Fixtures/pitch/:
  * WAV files (mono, 16-bit PCM, each at most 1 s): synthetic sounds made here with NumPy (a glide, vibrato,
    a voiced/unvoiced alternation, white noise, silence, a square wave at 22.05 kHz) and a short espeak-ng
    utterance resampled to 16 kHz with sox (plus the same utterance at espeak's native 22.05 kHz);
  * praat_expected.json: for every WAV, Praat's "To Pitch (ac)" with all defaults
    (0, 75, 15, no, 0.03, 0.45, 0.01, 0.35, 0.14, 600): frame count, first frame time, time step, f0 per
    frame (0 = unvoiced), and "Sound & Pitch: To PointProcess (cc)" pulse times (s); and under "variants",
    the same for a few files with every parameter set away from its default (VARIANTS below).

Oracles (Debian bookworm): praat 6.3.07-1 (`praat --run`, headless), espeak-ng 1.51, sox 14.4.2;
NumPy as pinned in requirements.txt. Run from anywhere:  python3 Tests/Fixtures/generate_pitch_fixtures.py
The sounds are deterministic (fixed seeds); Praat's output for them is what the Swift tests compare with.
"""
import json
import os
import subprocess
import tempfile
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pitch")
PRAAT_SCRIPT = os.path.join(HERE, "..", "..", "scripts", "praat_pitch_pulses.praat")


def write_wav(path, x, fs):
    """Mono 16-bit PCM; x in [-1, 1) is scaled by 32768 and rounded."""
    q = np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(fs)
        w.writeframes(q.tobytes())


def harmonic_tone(f0_of_t, fs, n_harmonics=12, tilt=1.0):
    """A speech-like harmonic complex (amplitudes 1/k^tilt) following the instantaneous f0 (Hz per sample)."""
    phase = 2 * np.pi * np.cumsum(f0_of_t) / fs
    x = np.zeros_like(phase)
    for k in range(1, n_harmonics + 1):
        alias = k * f0_of_t < 0.45 * fs
        x += alias * np.sin(k * phase) / k ** tilt
    return x / np.max(np.abs(x))


def fade(x, fs, seconds=0.02):
    n = int(seconds * fs)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    x = x.copy()
    x[:n] *= ramp
    x[-n:] *= ramp[::-1]
    return x


def synthetic():
    rng = np.random.default_rng(20240607)
    fs = 16000
    sounds = {}
    t = np.arange(int(0.8 * fs)) / fs
    sounds["glide"] = (fade(0.5 * harmonic_tone(100 * (3.0 ** (t / t[-1])), fs), fs), fs)          # 100 -> 300 Hz
    sounds["vibrato"] = (fade(0.4 * harmonic_tone(220 + 12 * np.sin(2 * np.pi * 5.5 * t), fs), fs), fs)
    # Voiced/unvoiced alternation: 0.15 s of a 140 Hz tone, 0.1 s of noise, three times, then voiced.
    parts = []
    for i in range(3):
        tv = np.arange(int(0.15 * fs)) / fs
        parts.append(fade(0.5 * harmonic_tone(np.full(tv.size, 140.0 + 20 * i), fs), fs, 0.01))
        parts.append(0.08 * rng.standard_normal(int(0.1 * fs)))
    tv = np.arange(int(0.12 * fs)) / fs
    parts.append(fade(0.5 * harmonic_tone(np.full(tv.size, 190.0), fs), fs, 0.01))
    sounds["voiced_unvoiced"] = (np.concatenate(parts), fs)
    sounds["noise"] = (0.2 * rng.standard_normal(int(0.4 * fs)), fs)
    sounds["silence"] = (np.zeros(int(0.2 * fs)), fs)
    # A different sample rate and an odd length: square-ish wave with a little noise at 22.05 kHz.
    fs2 = 22050
    t2 = np.arange(13001) / fs2
    sq = np.tanh(6 * np.sin(2 * np.pi * 123.4 * t2))
    sounds["square_22k"] = (fade(0.3 * sq + 0.01 * rng.standard_normal(t2.size), fs2), fs2)
    return sounds


def espeak(tmp):
    raw = os.path.join(tmp, "espeak.wav")
    subprocess.run(["espeak-ng", "-w", raw, "-s", "170", "hello world, a pitch pulse test"], check=True)
    out16 = os.path.join(tmp, "espeak16.wav")
    subprocess.run(["sox", "-D", raw, "-r", "16000", "-b", "16", out16, "trim", "0", "0.95"], check=True)
    out22 = os.path.join(tmp, "espeak22.wav")
    subprocess.run(["sox", "-D", raw, "-b", "16", out22, "trim", "0.1", "0.6"], check=True)
    return {"espeak_16k": out16, "espeak_22k": out22}


# Non-default settings, in the argument order of Praat's legacy "To Pitch (ac)": time step, floor,
# max. candidates, very accurate, silence threshold, voicing threshold, octave cost, octave-jump cost,
# voiced/unvoiced cost, ceiling. The candidate counts 3 and 2 are below ceiling / floor, so Praat raises them
# to 4 and 3, and the weakest-candidate replacement is exercised.
VARIANTS = [
    ("espeak_16k", "very_accurate", [0, 75, 15, 1, 0.03, 0.45, 0.01, 0.35, 0.14, 600]),
    ("vibrato", "all_changed", [0.005, 100, 3, 0, 0.05, 0.5, 0.02, 0.5, 0.2, 400]),
    ("espeak_22k", "low_ceiling", [0.0123, 60, 2, 0, 0.01, 0.3, 0.05, 0.2, 0.1, 180]),
    ("voiced_unvoiced", "gaussian_strict", [0.008, 90, 20, 1, 0.1, 0.6, 0.0, 1.0, 0.5, 700]),
]

VARIANT_SCRIPT = """form Variant
  sentence infile x.wav
  sentence pitchfile p.txt
  sentence pulsefile q.txt
  real timeStep 0
  real floor 75
  integer maxCandidates 15
  boolean veryAccurate 0
  real silence 0.03
  real voicing 0.45
  real octave 0.01
  real jump 0.35
  real vuv 0.14
  real ceiling 600
endform
snd = Read from file: infile$
pitch = To Pitch (ac): timeStep, floor, maxCandidates, veryAccurate, silence, voicing, octave, jump, vuv, ceiling
nf = Get number of frames
text$ = ""
for i to nf
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  if f = undefined
    f = 0
  endif
  text$ = text$ + fixed$ (t, 15) + " " + fixed$ (f, 12) + newline$
endfor
writeFile: pitchfile$, text$
selectObject: snd, pitch
pp = To PointProcess (cc)
n = Get number of points
text$ = ""
for i to n
  t = Get time from index: i
  text$ = text$ + fixed$ (t, 15) + newline$
endfor
writeFile: pulsefile$, text$
"""


def run_variant(tmp, name, args):
    script = os.path.join(tmp, "variant.praat")
    with open(script, "w") as f:
        f.write(VARIANT_SCRIPT)
    pitch_txt, pulse_txt = os.path.join(tmp, "v.pitch.txt"), os.path.join(tmp, "v.pulses.txt")
    subprocess.run(["praat", "--run", script, os.path.join(OUT, name + ".wav"), pitch_txt, pulse_txt]
                   + [str(a) for a in args], check=True)
    return summarise(read_praat(pitch_txt, 2), read_praat(pulse_txt, 1)[:, 0])


def summarise(p, q):
    return {"frameCount": int(p.shape[0]), "firstFrameTime": float(p[0, 0]),
            "timeStep": float(p[1, 0] - p[0, 0]) if p.shape[0] > 1 else 0.0,
            "f0": [float(v) for v in p[:, 1]], "pulses": [float(v) for v in q]}


def read_praat(path, columns):
    a = np.loadtxt(path, ndmin=2) if os.path.getsize(path) > 0 else np.zeros((0, columns))
    return a.reshape(-1, columns)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith(".wav"):
            os.remove(os.path.join(OUT, name))
    for name, (x, fs) in synthetic().items():
        write_wav(os.path.join(OUT, name + ".wav"), x, fs)
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in espeak(tmp).items():
            os.replace(path, os.path.join(OUT, name + ".wav"))
        subprocess.run(["praat", "--run", os.path.abspath(PRAAT_SCRIPT), OUT, tmp, "75", "600", "1", "0"], check=True)
        expected = {"praat": subprocess.run(["praat", "--version"], capture_output=True, text=True).stdout.strip(),
                    "command": "To Pitch (ac): 0, 75, 15, no, 0.03, 0.45, 0.01, 0.35, 0.14, 600; "
                               "Sound & Pitch: To PointProcess (cc)",
                    "files": {}}
        for name in sorted(n[:-4] for n in os.listdir(OUT) if n.endswith(".wav")):
            with wave.open(os.path.join(OUT, name + ".wav")) as w:
                fs, n = w.getframerate(), w.getnframes()
            p = read_praat(os.path.join(tmp, name + ".pitch.txt"), 2)
            q = read_praat(os.path.join(tmp, name + ".pulses.txt"), 1)[:, 0]
            expected["files"][name] = {"sampleRate": fs, "sampleCount": n, **summarise(p, q)}
        keys = ["timeStep", "pitchFloor", "maximumNumberOfCandidates", "veryAccurate", "silenceThreshold",
                "voicingThreshold", "octaveCost", "octaveJumpCost", "voicedUnvoicedCost", "pitchCeiling"]
        expected["variants"] = []
        for name, label, args in VARIANTS:
            params = dict(zip(keys, args))
            params["veryAccurate"] = bool(params["veryAccurate"])
            expected["variants"].append({"file": name, "label": label, "parameters": params,
                                         **run_variant(tmp, name, args)})
    with open(os.path.join(OUT, "praat_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    for name, e in expected["files"].items():
        voiced = sum(1 for v in e["f0"] if v > 0)
        print(f"{name}: {e['sampleCount']} samples @ {e['sampleRate']} Hz, {e['frameCount']} frames "
              f"({voiced} voiced), {len(e['pulses'])} pulses")
    for v in expected["variants"]:
        voiced = sum(1 for f in v["f0"] if f > 0)
        print(f"variant {v['label']} on {v['file']}: {v['frameCount']} frames ({voiced} voiced), "
              f"{len(v['pulses'])} pulses")


if __name__ == "__main__":
    main()
