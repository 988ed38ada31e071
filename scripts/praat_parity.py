#!/usr/bin/env python3
"""Parity of SwiftSER's Praat-compatible pitch and pulses with Praat itself, over a folder of WAV files.

Runs Praat (``praat --run scripts/praat_pitch_pulses.praat``: To Pitch (ac) with Praat's defaults, then
Sound & Pitch: To PointProcess (cc)) and ``ser-cli features --kind pitch|pulses`` on every ``.wav`` file
of --wav-dir, then reports, over all files:

* frames: frame counts and first-frame times must agree; the share of frames with the same voicing
  decision (target >= 99%); the worst |f0 difference| where both are voiced (target <= 0.01 Hz);
* pulses: the share of Praat's pulses matched one-to-one by a SwiftSER pulse within one sample period
  (target >= 99%), and SwiftSER's unmatched pulses as a share of Praat's pulse count (target <= 1%);
* timing: Praat's summed analysis time (its ``stopwatch``, excluding file I/O) and SwiftSER's summed
  compute time for the pulse kind (pitch + pulses, excluding file I/O), and the wall time of both runs.

Usage:
  python3 scripts/praat_parity.py --wav-dir ../shared/data/emodb/wav --ser-cli .build/release/ser-cli \
      [--work /tmp/praat-parity] [--json results.json] [--skip-praat]
Exit status 0 when all targets are met, 1 otherwise. Needs numpy; Praat on PATH (Debian ``praat``).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def wav_rate(path):
    """Sample rate from a RIFF/WAVE header (fmt chunk)."""
    with open(path, "rb") as f:
        data = f.read(4096)
    i = 12
    while i + 8 <= len(data):
        cid, size = data[i:i + 4], int.from_bytes(data[i + 4:i + 8], "little")
        if cid == b"fmt ":
            return int.from_bytes(data[i + 12:i + 16], "little")
        i += 8 + size + (size & 1)
    raise ValueError(f"{path}: no fmt chunk")


def load(path, columns):
    a = np.loadtxt(path, ndmin=2) if os.path.getsize(path) > 0 else np.zeros((0, columns))
    return a.reshape(-1, columns)


def match_pulses(ref, ours, tol):
    """Greedy one-to-one matching of two sorted time lists within `tol`; returns (matched, worst |diff|)."""
    i = j = matched = 0
    worst = 0.0
    while i < len(ref) and j < len(ours):
        d = ours[j] - ref[i]
        if abs(d) <= tol:
            matched += 1
            worst = max(worst, abs(d))
            i += 1
            j += 1
        elif d < 0:
            j += 1
        else:
            i += 1
    return matched, worst


def run(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wav-dir", required=True)
    ap.add_argument("--ser-cli", required=True)
    ap.add_argument("--work", default="/tmp/praat-parity")
    ap.add_argument("--praat", default="praat")
    ap.add_argument("--floor", type=float, default=75)
    ap.add_argument("--ceiling", type=float, default=600)
    ap.add_argument("--very-accurate", action="store_true", help='Praat\'s "very accurate" (Gaussian window)')
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--skip-praat", action="store_true", help="reuse Praat's outputs from an earlier run")
    ap.add_argument("--verbose", action="store_true", help="list every file that misses a target")
    args = ap.parse_args()

    wav_dir = os.path.abspath(args.wav_dir)
    praat_out = os.path.join(args.work, "praat")
    ours_pitch = os.path.join(args.work, "swift-pitch")
    ours_pulses = os.path.join(args.work, "swift-pulses")
    for d in (praat_out, ours_pitch, ours_pulses):
        os.makedirs(d, exist_ok=True)

    figures = {}
    if not args.skip_praat:
        wall, _ = run([args.praat, "--run", os.path.join(HERE, "praat_pitch_pulses.praat"), wav_dir,
                       os.path.abspath(praat_out), str(args.floor), str(args.ceiling), "1", "1" if args.very_accurate else "0"])
        figures["praat_wall_s_with_text_output"] = wall
        # A second Praat run without writing results times the analysis alone (stopwatch) and the process.
        wall, _ = run([args.praat, "--run", os.path.join(HERE, "praat_pitch_pulses.praat"), wav_dir,
                       os.path.abspath(praat_out), str(args.floor), str(args.ceiling), "0", "1" if args.very_accurate else "0"])
        figures["praat_wall_s"] = wall
    with open(os.path.join(praat_out, "praat_timing.txt")) as f:
        figures["praat_analysis_s"] = float(f.read().split()[0])

    common = ["--input", wav_dir, "--pitch-floor", str(args.floor), "--pitch-ceiling", str(args.ceiling)]
    if args.very_accurate:
        common.append("--very-accurate")
    _, _ = run([args.ser_cli, "features", "--kind", "pitch", "--output", ours_pitch] + common)
    wall, out = run([args.ser_cli, "features", "--kind", "pulses", "--output", ours_pulses] + common)
    figures["swift_wall_s"] = wall
    figures["swift_pulses_report"] = out.strip()
    # "N files, A s of audio, C s of compute (...)"
    words = out.split()
    figures["audio_s"] = float(words[2])
    figures["swift_analysis_s"] = float(words[6])

    names = sorted(n[:-4] for n in os.listdir(wav_dir) if n.lower().endswith(".wav"))
    frames = voicing_agree = both_voiced = f0_over = 0
    worst_df = 0.0
    worst_df_file = None
    layout_mismatch = []
    praat_pulses = our_pulses = matched = 0
    worst_dt = 0.0
    per_file_bad = []
    for name in names:
        fs = wav_rate(os.path.join(wav_dir, name + ".wav"))
        p = load(os.path.join(praat_out, name + ".pitch.txt"), 2)
        o = load(os.path.join(ours_pitch, name + ".txt"), 2)
        if p.shape != o.shape or (len(p) and abs(p[0, 0] - o[0, 0]) > 1e-9):
            layout_mismatch.append(name)
            continue
        vp, vo = p[:, 1] > 0, o[:, 1] > 0
        frames += len(p)
        agree = int(np.sum(vp == vo))
        voicing_agree += agree
        both = vp & vo
        both_voiced += int(both.sum())
        df = np.abs(p[both, 1] - o[both, 1])
        if df.size:
            f0_over += int(np.sum(df > 0.01))
            if df.max() > worst_df:
                worst_df, worst_df_file = float(df.max()), name
        pp = load(os.path.join(praat_out, name + ".pulses.txt"), 1)[:, 0]
        op = load(os.path.join(ours_pulses, name + ".txt"), 1)[:, 0]
        m, dt = match_pulses(pp, op, 1.0 / fs)
        worst_dt = max(worst_dt, dt)
        praat_pulses += len(pp)
        our_pulses += len(op)
        matched += m
        if agree < len(p) or m < len(pp) or m < len(op) or (df.size and df.max() > 0.01):
            per_file_bad.append((name, len(p) - agree, len(pp) - m, len(op) - m,
                                 float(df.max()) if df.size else 0.0))

    figures.update({
        "files": len(names),
        "layout_mismatch_files": layout_mismatch,
        "frames": frames,
        "voicing_agreement": voicing_agree / max(frames, 1),
        "voicing_disagreements": frames - voicing_agree,
        "both_voiced_frames": both_voiced,
        "f0_worst_abs_diff_hz": worst_df,
        "f0_worst_file": worst_df_file,
        "f0_frames_over_0.01hz": f0_over,
        "praat_pulses": praat_pulses,
        "swift_pulses": our_pulses,
        "pulses_matched_within_1_sample": matched,
        "pulse_match_rate": matched / max(praat_pulses, 1),
        "pulse_worst_abs_diff_s": worst_dt,
        "extra_pulse_rate": (our_pulses - matched) / max(praat_pulses, 1),
        "files_not_identical": len(per_file_bad),
    })
    figures["speed_ratio_praat_over_swift"] = figures["praat_analysis_s"] / max(figures["swift_analysis_s"], 1e-12)
    ok = (not layout_mismatch and figures["voicing_agreement"] >= 0.99 and worst_df <= 0.01
          and figures["pulse_match_rate"] >= 0.99 and figures["extra_pulse_rate"] <= 0.01)
    figures["targets_met"] = ok

    print(f"files {len(names)}, audio {figures['audio_s']:.1f} s, frames {frames}, layout mismatches {len(layout_mismatch)}")
    print(f"voicing agreement {100 * figures['voicing_agreement']:.4f}% ({frames - voicing_agree} frames differ)")
    print(f"f0 where both voiced ({both_voiced} frames): worst |diff| {worst_df:.3g} Hz ({worst_df_file}), "
          f"{f0_over} frames over 0.01 Hz")
    print(f"pulses: Praat {praat_pulses}, SwiftSER {our_pulses}, matched within 1 sample {matched} "
          f"({100 * figures['pulse_match_rate']:.4f}%), extra {100 * figures['extra_pulse_rate']:.4f}%, "
          f"worst |time diff| of matched pulses {worst_dt:.3g} s")
    print(f"timing: Praat analysis {figures['praat_analysis_s']:.3f} s, SwiftSER analysis "
          f"{figures['swift_analysis_s']:.3f} s, ratio {figures['speed_ratio_praat_over_swift']:.2f}x; "
          f"wall: Praat {figures.get('praat_wall_s', float('nan')):.2f} s, SwiftSER {figures['swift_wall_s']:.2f} s")
    print(f"files not identical: {len(per_file_bad)}")
    if args.verbose:
        for row in per_file_bad:
            print("  %s: voicing diff %d, praat pulses unmatched %d, swift pulses unmatched %d, worst df %.3g" % row)
    print("targets met" if ok else "TARGETS MISSED")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
