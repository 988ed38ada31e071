#!/usr/bin/env python3
"""PyTorch CPU timings of the single layers that `ser-cli bench --only layers` times, same shapes, 2 threads.

Forward + backward (gradients for input and parameters), median of N after warm-ups, float32.
Usage: venv/bin/python scripts/bench_torch_layers.py [--iters 5] [--out FILE.json]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn

torch.set_num_threads(2)
torch.manual_seed(0)


def timed(fn, iters, warmup=2):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def case_conv1d():
    m = nn.Conv1d(512, 512, 4, stride=2)
    x = torch.randn(64, 512, 300, requires_grad=True)
    def step():
        m.zero_grad(); x.grad = None
        y = m(x); y.backward(torch.ones_like(y))
    return step


def case_bilstm():
    m = nn.LSTM(512, 256, num_layers=5, bidirectional=True, batch_first=True)
    x = torch.randn(64, 75, 512, requires_grad=True)
    def step():
        m.zero_grad(); x.grad = None
        y, _ = m(x); y.backward(torch.ones_like(y))
    return step


def case_bigru():
    m = nn.GRU(256, 256, num_layers=1, bidirectional=True, batch_first=True)
    x = torch.randn(64, 150, 256, requires_grad=True)
    def step():
        m.zero_grad(); x.grad = None
        y, _ = m(x); y.backward(torch.ones_like(y))
    return step


def case_conv2d():
    m = nn.Conv2d(1, 64, 3, padding=1)
    x = torch.randn(64, 1, 300, 30, requires_grad=True)
    def step():
        m.zero_grad(); x.grad = None
        y = m(x); y.backward(torch.ones_like(y))
    return step


CASES = {
    "conv1d_512_k4_s2_b64x300": case_conv1d,
    "bilstm5_256_in512_b64x75": case_bilstm,
    "bigru1_256_in256_b64x150": case_bigru,
    "conv2d_1to64_3x3_b64x300x30": case_conv2d,
}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--out")
    a = ap.parse_args()
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": {}}
    for name, make in CASES.items():
        if a.only and a.only not in name:
            continue
        res["seconds"][name] = timed(make(), a.iters)
        print(f"{name}: {res['seconds'][name] * 1000:.1f} ms", flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=2)
