#!/usr/bin/env python3
"""Log-mel speed of SwiftSER next to librosa and torchaudio, timed in the same session one after the other (never
in parallel: the machine's cores are shared). Runs `ser-cli bench --only features --json` and then
../shared/bench/features.py (same settings and workloads: 16 kHz, 400/160, n_fft 512, 30 bands, zero-padded centring,
log floor 1e-10; 3 s x 1000 calls, one 60-minute signal, 1000 x 3 s batched) and prints seconds of compute per hour
of audio with the ratio reference / SwiftSER (above 1: SwiftSER is faster; the target is >= 3 against librosa).

Usage: /work/venv/bin/python scripts/bench_features.py [--cli .build/release/ser-cli] [--reps 3] [--out FILE.json]
       [--features-py ../shared/bench/features.py]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(ROOT, ".build", "release", "ser-cli"))
    ap.add_argument("--features-py", default=os.path.join(ROOT, "..", "shared", "bench", "features.py"))
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions on each side (median reported)")
    ap.add_argument("--out")
    a = ap.parse_args()

    load = os.getloadavg()[0]
    print(f"load average (1 min) before: {load:.2f}{'  (busy machine: figures will be noisy)' if load > 1.5 else ''}")
    swift_json = subprocess.run([a.cli, "bench", "--only", "features", "--json", "--no-unset-run",
                                 "--iterations", str(a.reps), "--warmups", "1"],
                                check=True, capture_output=True, text=True).stdout
    run = json.loads(swift_json)["runs"][0]
    swift = {m["name"]: m["value"] for s in run["sections"] for m in s["measurements"]}
    workers = run["environment"].get("parallelWorkers")

    with tempfile.TemporaryDirectory() as tmp:
        ref_path = os.path.join(tmp, "features.json")
        subprocess.run([sys.executable, a.features_py, "--out", ref_path, "--reps", str(a.reps)], check=True,
                       capture_output=True, text=True)
        with open(ref_path) as f:
            ref = json.load(f)
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")

    rows = []
    print(f"\nseconds of compute per hour of audio (median of {a.reps}); SwiftSER on {workers} threads")
    print(f"{'workload':26s} {'SwiftSER':>9s}  {'reference':40s} {'ref s/h':>9s} {'ref/Swift':>10s}")
    for wl, s in swift.items():
        for r in ref["results"]:
            if r["workload"] != wl:
                continue
            name = f"{r['impl']}" + ("" if "threads" in r["impl"] else f" ({r['threads']} thr)")
            ratio = r["sec_per_hour_audio_median"] / s
            rows.append({"workload": wl, "swift_s_per_hour": s, "reference": r["impl"], "threads": r["threads"],
                         "reference_s_per_hour": r["sec_per_hour_audio_median"], "ratio_reference_over_swift": ratio})
            print(f"{wl:26s} {s:9.3f}  {name:40s} {r['sec_per_hour_audio_median']:9.3f} {ratio:10.2f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"swift_environment": run["environment"], "reference": ref, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
