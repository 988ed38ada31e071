#!/usr/bin/env python3
"""A PyTorch mirror of SwiftSER's STRFNet (small configuration) with random weights, for parity tests.

The network: Conv2d(C,conv,3x3,pad 1) || Gabor STRF bank on input channel 0 (strf.md formulas) -> BatchNorm2d ->
LeakyReLU -> residual blocks (3x3 stride (1,2) conv, BN, LeakyReLU, 3x3 conv, BN, 1x1 stride conv + BN shortcut,
LeakyReLU) -> per-frame Linear + LeakyReLU -> BiGRU (packed by lengths) -> masked self-attention pooling -> MLP.
Parameter names are SwiftSER's (which follow PyTorch's module naming). Writes Tests/Fixtures/models/strfnet.json:
config, state dict, input, mask, logits in training mode (batch statistics) and the gradients of sum(proj * logits)
with respect to the input and every parameter, then logits in evaluation mode after that forward pass.
Run: venv/bin/python Tests/Fixtures/generate_strfnet_fixtures.py   (versions: requirements.txt)
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "strfnet.json")
CFG = dict(channels=2, freq=12, conv=4, strf_kernels=2, strf_t=5, strf_f=3, res=[4, 3], emb=8, gru=6, att=5, mlp=[7],
           classes=3, slope=0.01)


def hann(n):
    i = torch.arange(n, dtype=torch.float32)
    return 0.5 - 0.5 * torch.cos(2 * math.pi * i / (n + 1))


class Gabor(nn.Module):
    def __init__(self, k, supn, supk):
        super().__init__()
        self.rates = nn.Parameter(torch.rand(k) * math.pi)
        self.scales = nn.Parameter(torch.rand(k) * math.pi)
        self.supn, self.supk = supn, supk

    def forward(self, x):
        n = torch.arange(self.supn) - self.supn // 2
        k = torch.arange(self.supk) - self.supk // 2
        wn, wk = hann(self.supn), hann(self.supk)
        t_r, t_i = torch.cos(self.rates[:, None] * n) * wn, torch.sin(self.rates[:, None] * n) * wn
        f_r, f_i = torch.cos(self.scales[:, None] * k) * wk, torch.sin(self.scales[:, None] * k) * wk
        kern = torch.cat([t_r[:, :, None] * f_r[:, None, :], t_i[:, :, None] * f_i[:, None, :]], 0).unsqueeze(1)
        return F.conv2d(x, kern, padding=(self.supn // 2, self.supk // 2))


class Block(nn.Module):
    def __init__(self, cin, cout, slope):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=(1, 2), padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=(1, 2), bias=False), nn.BatchNorm2d(cout))
        self.slope = slope

    def forward(self, x):
        h = F.leaky_relu(self.bn1(self.conv1(x)), self.slope)
        return F.leaky_relu(self.bn2(self.conv2(h)) + self.shortcut(x), self.slope)


class Attention(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.attention = nn.Sequential(nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, 1, bias=False))

    def forward(self, h, mask):
        s = self.attention(h).squeeze(-1).masked_fill(mask == 0, float("-inf"))
        a = torch.softmax(s, 1) * mask
        return (a.unsqueeze(-1) * h).sum(1)


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.conv = nn.Conv2d(c["channels"], c["conv"], 3, padding=1)
        self.strf = nn.ModuleList([Gabor(c["strf_kernels"], c["strf_t"], c["strf_f"])])
        self.front_bn = nn.BatchNorm2d(c["conv"] + 2 * c["strf_kernels"])
        blocks, ch = [], c["conv"] + 2 * c["strf_kernels"]
        f = c["freq"]
        for out in c["res"]:
            blocks.append(Block(ch, out, c["slope"]))
            ch, f = out, (f - 1) // 2 + 1
        self.res = nn.Sequential(*blocks)
        self.proj = nn.Linear(ch * f, c["emb"])
        self.gru = nn.GRU(c["emb"], c["gru"], batch_first=True, bidirectional=True)
        self.attention = Attention(2 * c["gru"], c["att"])
        self.mlp = nn.Sequential(nn.Linear(2 * c["gru"], c["mlp"][0]), nn.LeakyReLU(c["slope"]), nn.Linear(c["mlp"][0], c["classes"]))

    def forward(self, x, mask):
        h = torch.cat([self.conv(x), self.strf[0](x[:, 0:1])], 1)
        h = F.leaky_relu(self.front_bn(h), self.c["slope"])
        h = self.res(h)
        b, ch, t, f = h.shape
        h = F.leaky_relu(self.proj(h.permute(0, 2, 1, 3).reshape(b, t, ch * f)), self.c["slope"])
        lengths = mask.sum(1).long()
        packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=t)
        return self.mlp(self.attention(out, mask))


def enc(t):
    a = t.detach().numpy().astype(np.float32)
    return {"shape": list(a.shape), "data": [float(f"{v:.9g}") for v in a.ravel()]}


net = Net(CFG)
with torch.no_grad():  # non-trivial batch-norm affine parameters
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
state = {k: v.clone().float() for k, v in net.state_dict().items()}  # num_batches_tracked as float, as SwiftSER stores it
x = torch.randn(3, CFG["channels"], 9, CFG["freq"], requires_grad=True)
mask = torch.ones(3, 9)
mask[1, 6:] = 0
mask[2, 4:] = 0
net.train()
logits = net(x, mask)
proj = torch.randn_like(logits)
(proj * logits).sum().backward()
grads = {k: enc(p.grad) for k, p in net.named_parameters()}
net.eval()
with torch.no_grad():
    eval_logits = net(x, mask)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_strfnet_fixtures.py", "torch": torch.__version__, "config": CFG,
               "state": {k: enc(v) for k, v in state.items()}, "input": enc(x), "mask": enc(mask),
               "logits_train": enc(logits), "projection": enc(proj), "grad_input": enc(x.grad), "grads": grads,
               "logits_eval": enc(eval_logits)}, f)
print("wrote", OUT, len(state), "tensors")
