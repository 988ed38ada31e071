#!/usr/bin/env python3
"""Runs `ser-cli bench --only SECTION --json` and the matching PyTorch reference in the same session, one after the
other (never in parallel: the two cores are shared), and prints SwiftSER's time next to PyTorch's with the ratio
(SwiftSER seconds / PyTorch seconds: below 1 means SwiftSER is faster).

Usage: venv/bin/python scripts/bench_vs_torch.py [--cli .build/release/ser-cli] [--iters 5] [--out FILE.json]
Sections: layers (scripts/bench_torch_layers.py).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def swift_times(cli, section, iters):
    out = subprocess.run([cli, "bench", "--only", section, "--json", "--no-unset-run", "--iterations", str(iters),
                          "--warmups", "2"], check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    run = report["runs"][0] if "runs" in report else report
    env = run["environment"]
    times = {}
    for sec in run["sections"]:
        for m in sec["measurements"]:
            times[m["name"]] = m["timing"]["medianSeconds"]
    return times, env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=".build/release/ser-cli")
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--out")
    a = ap.parse_args()
    swift, env = swift_times(a.cli, "layers", a.iters)
    torch_out = subprocess.run([sys.executable, os.path.join(HERE, "bench_torch_layers.py"), "--iters", str(a.iters),
                                "--out", "/dev/stdout"], check=True, capture_output=True, text=True).stdout
    torch_json = json.loads(torch_out[torch_out.index("{"):])
    rows = []
    print(f"OpenBLAS core: {env.get('openBLASCoreName', env)}")
    print(f"{'case':34s} {'SwiftSER ms':>12s} {'PyTorch ms':>11s} {'ratio':>7s}")
    for name, ts in swift.items():
        tt = torch_json["seconds"].get(name)
        ratio = ts / tt if tt else float("nan")
        rows.append({"case": name, "swift_s": ts, "torch_s": tt, "ratio": ratio})
        print(f"{name:34s} {ts * 1000:12.1f} {tt * 1000 if tt else float('nan'):11.1f} {ratio:7.2f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"environment": env, "torch": torch_json, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
