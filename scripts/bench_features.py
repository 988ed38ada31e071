#!/usr/bin/env python3
"""Log-mel speed of SwiftSER next to librosa and torchaudio, timed in the same session one after the other (never
in parallel: the machine's cores are shared). Each round runs `ser-cli bench --only features --json` and then
../shared/bench/features.py (same settings and workloads: 16 kHz, 400/160, n_fft 512, 30 bands, zero-padded centring,
log floor 1e-10; 3 s x 1000 calls, one 60-minute signal, 1000 x 3 s batched). With several rounds the two sides
alternate, so a change in machine load hits both, and each figure is the median over rounds of each run's median.
Prints seconds of compute per hour of audio and the ratio reference / SwiftSER (above 1: SwiftSER is faster; the
target is >= 3 against librosa).

Usage: /work/venv/bin/python scripts/bench_features.py [--cli .build/release/ser-cli] [--reps 3] [--rounds 1]
       [--out FILE.json] [--features-py ../shared/bench/features.py]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def swift_round(cli, reps):
    out = subprocess.run([cli, "bench", "--only", "features", "--json", "--no-unset-run", "--iterations", str(reps),
                          "--warmups", "1"], check=True, capture_output=True, text=True).stdout
    run = json.loads(out)["runs"][0]
    return {m["name"]: m["value"] for s in run["sections"] for m in s["measurements"]}, run["environment"]


def reference_round(features_py, reps):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "features.json")
        subprocess.run([sys.executable, features_py, "--out", path, "--reps", str(reps)], check=True,
                       capture_output=True, text=True)
        with open(path) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(ROOT, ".build", "release", "ser-cli"))
    ap.add_argument("--features-py", default=os.path.join(ROOT, "..", "shared", "bench", "features.py"))
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions per run on each side (median)")
    ap.add_argument("--rounds", type=int, default=1, help="alternating SwiftSER / reference runs")
    ap.add_argument("--out")
    a = ap.parse_args()

    loads = [os.getloadavg()[0]]
    swift_runs, ref_runs, env = [], [], None
    for r in range(a.rounds):
        s, env = swift_round(a.cli, a.reps)
        swift_runs.append(s)
        loads.append(os.getloadavg()[0])
        ref_runs.append(reference_round(a.features_py, a.reps))
        loads.append(os.getloadavg()[0])
        print(f"round {r + 1}/{a.rounds} done; 1-min load averages so far {[round(x, 2) for x in loads]}", flush=True)
    if max(loads) > 1.5:
        print("note: load average above 1.5 during the runs (other jobs): absolute figures are noisy; ratios less so")

    swift = {k: statistics.median(run[k] for run in swift_runs) for k in swift_runs[0]}
    ref = {}
    for run in ref_runs:
        for r in run["results"]:
            ref.setdefault((r["impl"], r["threads"], r["workload"]), []).append(r["sec_per_hour_audio_median"])

    rows = []
    print(f"\nseconds of compute per hour of audio (median); SwiftSER on {env.get('parallelWorkers')} threads")
    print(f"{'workload':26s} {'SwiftSER':>9s}  {'reference':44s} {'ref s/h':>9s} {'ref/Swift':>10s}")
    for wl, s in swift.items():
        for (impl, threads, rwl), vals in ref.items():
            if rwl != wl:
                continue
            v = statistics.median(vals)
            name = impl if "thread" in impl else f"{impl} (numpy BLAS {threads} thr)"
            rows.append({"workload": wl, "swift_s_per_hour": s, "reference": impl, "threads": threads,
                         "reference_s_per_hour": v, "ratio_reference_over_swift": v / s})
            print(f"{wl:26s} {s:9.3f}  {name:44s} {v:9.3f} {v / s:10.2f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"swift_environment": env, "load_averages": loads, "swift_runs": swift_runs,
                       "reference_runs": ref_runs, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
