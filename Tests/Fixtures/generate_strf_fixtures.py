#!/usr/bin/env python3
"""PyTorch references for SwiftSER's learnable STRF banks (Gabor and wavelet), built from the formulas of
shared/reference/strf.md with torch ops (Hilbert transform by torch.fft), so gradients come from torch autograd.

Writes Tests/Fixtures/strf/strf.json: parameters, input [B, T, F], output [B, 2K, T, F] and the gradients of
sum(proj * output) with respect to every parameter and the input.
Run: venv/bin/python Tests/Fixtures/generate_strf_fixtures.py   (versions: requirements.txt)
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)  # reference in double; compared with Swift float32 and float64
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "strf", "strf.json")


def enc(t):
    a = t.detach().numpy()
    return {"shape": list(a.shape), "data": [float(f"{v:.10g}") for v in a.ravel()]}


def hann(n):
    i = torch.arange(n, dtype=torch.float64)
    return 0.5 - 0.5 * torch.cos(2 * math.pi * i / (n + 1))


def gabor_kernels(rates, scales, supn, supk):
    n = torch.arange(supn) - supn // 2
    k = torch.arange(supk) - supk // 2
    wn, wk = hann(supn), hann(supk)
    tr = torch.cos(rates[:, None] * n[None]) * wn
    ti = torch.sin(rates[:, None] * n[None]) * wn
    fr = torch.cos(scales[:, None] * k[None]) * wk
    fi = torch.sin(scales[:, None] * k[None]) * wk
    real = tr[:, :, None] * fr[:, None, :]
    imag = ti[:, :, None] * fi[:, None, :]
    return torch.cat([real, imag], 0).unsqueeze(1)


def hilbert(v, ndft):
    """Imaginary part of the analytic signal along the last axis (zero-padded to ndft, cut back)."""
    n = v.shape[-1]
    X = torch.fft.fft(v, n=ndft)
    h = torch.zeros(ndft)
    h[0] = 1
    if ndft % 2 == 0:
        h[ndft // 2] = 1
        h[1:ndft // 2] = 2
    else:
        h[1:(ndft + 1) // 2] = 2
    return torch.fft.ifft(X * h).imag[..., :n]


def wavelet_kernels(rates, scales, phis, thetas, fr, bpo, suptime, supoct):
    T = int(fr * suptime) | 1
    Fh = int(supoct * bpo)
    t = torch.arange(T) / fr
    x = torch.linspace(-supoct, supoct, 2 * Fh + 1)
    ndft = max(1 << (max(2 * Fh + 1, T) - 1).bit_length(), 128)
    s, r = scales[:, None], rates[:, None]
    sx = 2 * math.pi * s * x
    hs = s * (1 - sx ** 2) * torch.exp(-sx ** 2 / 2)
    rt = r * t
    ht = r * rt ** 2 * torch.exp(-3.5 * rt) * torch.sin(2 * math.pi * rt)
    hs2 = hs * torch.cos(phis[:, None]) + hilbert(hs, ndft) * torch.sin(phis[:, None])
    ht2 = ht * torch.cos(thetas[:, None]) + hilbert(ht, ndft) * torch.sin(thetas[:, None])
    R = ht2[:, :, None] * hs2[:, None, :]
    I = hilbert(ht2, ndft)[:, :, None] * hilbert(hs2, ndft)[:, None, :]
    return torch.cat([R - I, R + I], 0).unsqueeze(1), T, Fh


cases = []
x = torch.randn(1, 23, 16)

K = 3
rates = (torch.rand(K) * math.pi).requires_grad_()
scales = (torch.rand(K) * math.pi).requires_grad_()
xi = x.clone().requires_grad_()
supn, supk = 21, 7
y = F.conv2d(xi.unsqueeze(1), gabor_kernels(rates, scales, supn, supk), padding=(supn // 2, supk // 2))
proj = torch.randn_like(y)
(proj * y).sum().backward()
cases.append({"name": "gabor", "timeSupport": supn, "frequencySupport": supk,
              "params": {"rates": enc(rates), "scales": enc(scales)}, "input": enc(x), "output": enc(y),
              "projection": enc(proj), "grads": {"rates": enc(rates.grad), "scales": enc(scales.grad), "input": enc(xi.grad)}})

K = 2
fr, bpo, suptime, supoct = 100.0, 12.0, 0.2, 1.0
params = {"rates": torch.rand(K) * 10, "scales": torch.rand(K) * 0.2,
          "phis": torch.rand(K) * 2 * math.pi, "thetas": torch.rand(K) * 2 * math.pi}
for p in params.values():
    p.requires_grad_()
xi = x.clone().requires_grad_()
kern, T, Fh = wavelet_kernels(params["rates"], params["scales"], params["phis"], params["thetas"], fr, bpo, suptime, supoct)
y = F.conv2d(xi.unsqueeze(1), kern, padding=(T // 2, Fh))
proj = torch.randn_like(y)
(proj * y).sum().backward()
cases.append({"name": "wavelet", "frameRate": fr, "binsPerOctave": bpo, "timeSupport": suptime, "octaveSupport": supoct,
              "params": {k: enc(v) for k, v in params.items()}, "input": enc(x), "output": enc(y), "projection": enc(proj),
              "grads": dict({k: enc(v.grad) for k, v in params.items()}, input=enc(xi.grad))})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_strf_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
print("wrote", OUT)
