#!/usr/bin/env python3
"""Reference values for SERTensor's LSTM and GRU ops, computed by PyTorch's nn.LSTM / nn.GRU.

Writes Tests/Fixtures/rnn/lstm.json and gru.json for a 2-layer bidirectional batch_first module
(input 4, hidden 3) with random float32 weights under PyTorch's state_dict names, and three cases each:
  default  - no lengths, zero initial states;
  initial  - random h0 (and c0);
  lengths  - random initial states and lengths [3, 5, 1] (unsorted), through
             pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence(total_length=T).
For each case: input, outputs, h_n (c_n), and the gradients of the loss
  L = sum(output * P) + sum(h_n * Q) [+ sum(c_n * R)]
with fixed random projections P, Q, R, with respect to the input, every parameter and the initial states.
Inputs and weights are float32; PyTorch evaluates in float64 from those float32 values and results are
rounded to float32, so the fixture holds the correctly rounded answer and the Swift test measures
SwiftSER's own float32 error.
Run: /work/venv/bin/python Tests/Fixtures/generate_rnn_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn")
BATCH, TIME, INPUT, HIDDEN, LAYERS = 3, 5, 4, 3, 2
LENGTHS = [3, 5, 1]


def repr_f32(v):
    """Shortest decimal that round-trips the float32 value (keeps the JSON small)."""
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def enc(t):
    a = t.detach().to(torch.float32).cpu().numpy()
    return {"shape": list(a.shape), "data": [repr_f32(v) for v in a.ravel()]}


def f32(shape, gen, scale=1.0):
    """A float32 random tensor (normal), promoted to float64 for the reference computation."""
    return (torch.randn(shape, generator=gen) * scale).to(torch.float32).to(torch.float64)


def make(kind):
    torch.manual_seed(20240611)
    gen = torch.Generator().manual_seed(7 if kind == "lstm" else 8)
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    module = cls(INPUT, HIDDEN, num_layers=LAYERS, bidirectional=True, batch_first=True)
    # Float32 weights (PyTorch's default uniform init), evaluated in float64.
    module = module.to(torch.float64)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.to(torch.float32).to(torch.float64))
    names = [n for n, _ in module.named_parameters()]
    dirs = 2
    state_shape = (LAYERS * dirs, BATCH, HIDDEN)
    cases = []
    for name in ["default", "initial", "lengths"]:
        x = f32((BATCH, TIME, INPUT), gen).requires_grad_()
        h0 = f32(state_shape, gen, 0.5).requires_grad_() if name != "default" else None
        c0 = f32(state_shape, gen, 0.5).requires_grad_() if (name != "default" and kind == "lstm") else None
        lengths = LENGTHS if name == "lengths" else None
        module.zero_grad()
        hx = None if h0 is None else ((h0, c0) if kind == "lstm" else h0)
        if lengths is None:
            out, hidden = module(x, hx)
        else:
            packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
            out_p, hidden = module(packed, hx)
            out, _ = pad_packed_sequence(out_p, batch_first=True, total_length=TIME)
        h_n, c_n = hidden if kind == "lstm" else (hidden, None)
        P = f32(out.shape, gen)
        Q = f32(h_n.shape, gen)
        loss = (out * P).sum() + (h_n * Q).sum()
        R = None
        if c_n is not None:
            R = f32(c_n.shape, gen)
            loss = loss + (c_n * R).sum()
        loss.backward()
        case = {
            "name": name,
            "input": enc(x),
            "lengths": lengths,
            "h0": enc(h0) if h0 is not None else None,
            "c0": enc(c0) if c0 is not None else None,
            "output": enc(out),
            "h_n": enc(h_n),
            "c_n": enc(c_n) if c_n is not None else None,
            "proj_output": enc(P),
            "proj_h": enc(Q),
            "proj_c": enc(R) if R is not None else None,
            "grad_input": enc(x.grad),
            "grad_h0": enc(h0.grad) if h0 is not None else None,
            "grad_c0": enc(c0.grad) if c0 is not None else None,
            "grad_parameters": {n: enc(p.grad) for n, p in module.named_parameters()},
        }
        cases.append(case)
    return {
        "generator": "generate_rnn_fixtures.py",
        "torch": torch.__version__,
        "kind": kind,
        "input_size": INPUT,
        "hidden_size": HIDDEN,
        "num_layers": LAYERS,
        "bidirectional": True,
        "parameter_order": names,
        "parameters": {n: enc(p) for n, p in module.named_parameters()},
        "cases": cases,
    }


os.makedirs(OUT_DIR, exist_ok=True)
for kind in ["lstm", "gru"]:
    path = os.path.join(OUT_DIR, f"{kind}.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(make(kind), f)
    os.replace(tmp, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
