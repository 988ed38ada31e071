#!/usr/bin/env python3
"""The model rows of issue 11 in one session: SwiftSER's `ser-cli bench --only models --only wav2vec` and
`../shared/bench/torch_models.py --models a,b,c`, in alternating rounds (SwiftSER, PyTorch, SwiftSER, PyTorch, …;
never in parallel: the two cores are shared), printed as one table per round with the ratio
SwiftSER time / PyTorch time (below 1: SwiftSER is faster).

SwiftSER's bench runs twice per round (as the environment is set, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
unset; see `ser-cli bench --help`); both are reported with the kernel that ran the large float32 products
("oneDNN+Cooperlake": oneDNN, OpenBLAS Cooperlake for the small ones; SWIFTSER_GEMM_KERNEL is passed through). Rows:
  a_wav2vec_classifier  training step, batch 64 x 3 s        (PyTorch: models.a_wav2vec_classifier.train_step)
  b_strfnet             training step, batch 64 x 3 s        (PyTorch: models.b_strfnet.train_step)
  wav2vec large infer   inference, 64 x 3 s of 16 kHz audio   (PyTorch: models.c_wav2vec_large.inference_batch)

Usage: venv/bin/python scripts/bench_models_vs_torch.py [--cli .build/release/ser-cli] [--rounds 2] [--iters 5]
       [--torch-script ../shared/bench/torch_models.py] [--out FILE.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def swiftser(cli, iters, warmups):
    out = subprocess.run([cli, "bench", "--only", "models", "--only", "wav2vec", "--json", "--quiet",
                          "--iterations", str(iters), "--warmups", str(warmups)],
                         check=True, capture_output=True, text=True).stdout
    runs = []
    for run in json.loads(out)["runs"]:
        times, faults, sys_share = {}, {}, {}
        for sec in run["sections"]:
            for m in sec["measurements"]:
                if sec["section"] == "wav2vec" and not m["name"].startswith("large 64x"):
                    continue                                   # the batch-1 row has no PyTorch counterpart here
                key = "wav2vec large infer" if sec["section"] == "wav2vec" else m["name"]
                times[key] = m["timing"]["medianSeconds"] * 1e3
                faults[key] = m["timing"].get("minorFaultsPerCall")
                sys_share[key] = m["timing"].get("systemTimeFraction")
        env = run["environment"]
        kernel = env.get("gemmKernel") or ""          # who ran the large float32 products (FloatGEMMKernel)
        core = env["openBLASCore"]
        if kernel.startswith("SwiftSER lanes"):
            core += "+lanes"
        elif kernel.startswith("oneDNN"):
            core = "oneDNN+" + core
        runs.append({"label": run["label"], "core": core, "gemmKernel": kernel, "ms": times,
                     "faultsPerCall": faults, "systemShare": sys_share})
    return runs


def pytorch(script, iters):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, script, "--models", "a,b,c", "--iters", str(iters), "--infer-iters", str(iters),
                        "--out", f.name], check=True, capture_output=True, text=True)
        models = json.load(open(f.name))["models"]
    return {"a_wav2vec_classifier": models["a_wav2vec_classifier"]["train_step"]["median_ms"],
            "b_strfnet": models["b_strfnet"]["train_step"]["median_ms"],
            "wav2vec large infer": models["c_wav2vec_large"]["inference_batch"]["median_ms"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=".build/release/ser-cli")
    ap.add_argument("--torch-script", default=os.path.join(HERE, "..", "..", "shared", "bench", "torch_models.py"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmups", type=int, default=2)
    ap.add_argument("--out")
    a = ap.parse_args()
    rounds = []
    for r in range(a.rounds):
        print(f"round {r + 1}: SwiftSER", file=sys.stderr, flush=True)
        swift = swiftser(a.cli, a.iters, a.warmups)
        print(f"round {r + 1}: PyTorch", file=sys.stderr, flush=True)
        torch_ms = pytorch(a.torch_script, a.iters)
        rounds.append({"swiftser": swift, "pytorch": torch_ms})
        print(f"\nround {r + 1}")
        print(f"{'row':24s} {'PyTorch ms':>11s}  " + "  ".join(f"{'SwiftSER ms (' + s['core'] + ')':>24s} {'ratio':>6s}"
                                                          for s in swift) + f"  {'faults/call':>11s} {'sys %':>6s}")
        for row, t in torch_ms.items():
            line = f"{row:24s} {t:11.1f}  "
            line += "  ".join(f"{s['ms'].get(row, float('nan')):24.1f} {s['ms'].get(row, float('nan')) / t:6.2f}" for s in swift)
            f0, s0 = swift[0]["faultsPerCall"].get(row), swift[0]["systemShare"].get(row)
            line += f"  {f0 if f0 is not None else float('nan'):11.0f} {100 * (s0 or 0):6.1f}"
            print(line)
        small = swift[0]["ms"].get("c_strfnet_small")
        if small:
            print(f"{'c_strfnet_small':24s} {'-':>11s}  " + "  ".join(f"{s['ms'].get('c_strfnet_small', float('nan')):24.1f} {'-':>6s}"
                                                                   for s in swift))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(rounds, f, indent=1)


if __name__ == "__main__":
    main()
