#!/usr/bin/env python3
"""PyTorch references for SERModels' layers (Tests/SERModelsTests/LayerParityTests.swift).

For each case a layer is built in PyTorch, its parameters are set to random values (buffers too, for batch norm),
and its state_dict is stored under PyTorch's key names (num_batches_tracked as a float). Then, in the stated mode
(train or eval), the output for a random input and the gradients of L = sum(proj * output) with respect to the
input and to every parameter (by state_dict name) are stored, with the buffers after the forward pass.
Writes Tests/Fixtures/layers/layers.json, and the MLP case's state_dict as written by safetensors.torch.save_file
(Tests/Fixtures/layers/mlp_torch.safetensors, metadata {"format": "pt"}) to check that Module.load reads PyTorch's files.
Run: /work/venv/bin/python Tests/Fixtures/generate_layer_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

torch.manual_seed(1337)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers", "layers.json")


def short(v):
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def enc(t):
    a = t.detach().cpu().to(torch.float32).numpy()
    return {"shape": list(a.shape), "data": [short(v) for v in a.ravel()]}


class SelfAttentionPooling(nn.Module):
    """The reference for SERModels.SelfAttentionPooling: score = w2 . tanh(W1 x + b1), softmax over time with
    padded frames at -inf, weighted sum of the inputs."""

    def __init__(self, d, hidden=256):
        super().__init__()
        self.attention = nn.Sequential(nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, 1, bias=False))

    def forward(self, x, mask=None):
        scores = self.attention(x).squeeze(-1)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float("-inf"))
        alpha = torch.softmax(scores, dim=1)
        return torch.bmm(alpha.unsqueeze(1), x).squeeze(1)


class MaskedMeanPooling(nn.Module):
    def forward(self, x, mask):
        m = mask.to(x.dtype).unsqueeze(-1)
        return (x * m).sum(1) / m.sum(1)


cases = []


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        for name, b in module.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn_like(b))
            elif name.endswith("running_var"):
                b.copy_(torch.rand_like(b) + 0.5)
            elif name.endswith("num_batches_tracked"):
                b.fill_(3)


def case(name, module, x, train, mask=None, randomize_params=True):
    if randomize_params:
        randomize(module)
    module.train(train)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    x = x.clone().requires_grad_(True)
    y = module(x) if mask is None else module(x, mask)
    proj = torch.randn_like(y)
    (proj * y).sum().backward()
    entry = {
        "name": name, "train": train, "state": state, "input": enc(x), "output": enc(y), "projection": enc(proj),
        "grad_input": enc(x.grad),
        "grads": {k: enc(p.grad) for k, p in module.named_parameters()},
        "buffers_after": {k: enc(v) for k, v in module.named_buffers()},
    }
    if mask is not None:
        entry["mask"] = enc(mask)
    cases.append(entry)


r = torch.randn
case("linear", nn.Linear(5, 3), r(4, 5), True)
case("linear_3d_nobias", nn.Linear(5, 3, bias=False), r(2, 3, 5), True)
case("conv1d_stride2_pad1", nn.Conv1d(3, 4, 3, stride=2, padding=1), r(2, 3, 11), True)
case("conv1d_replicate_dilation2", nn.Conv1d(3, 4, 3, padding=2, dilation=2, padding_mode="replicate"),
     r(2, 3, 10), True)
case("conv2d_stride_pad", nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 1)), r(2, 2, 7, 5), True)
case("conv2d_replicate_nobias_dilation", nn.Conv2d(2, 3, 3, padding=1, dilation=(1, 2), padding_mode="replicate",
                                                   bias=False), r(2, 2, 6, 6), True)
case("batchnorm1d_train", nn.BatchNorm1d(3), r(4, 3, 5), True)
case("batchnorm1d_2d_input_train", nn.BatchNorm1d(3), r(6, 3), True)
case("batchnorm1d_cumulative_train", nn.BatchNorm1d(3, momentum=None), r(4, 3, 5), True)
case("batchnorm1d_eval", nn.BatchNorm1d(3), r(4, 3, 5), False)
case("batchnorm2d_train", nn.BatchNorm2d(2), r(3, 2, 3, 4), True)
case("batchnorm2d_eval", nn.BatchNorm2d(2), r(3, 2, 3, 4), False)
case("groupnorm", nn.GroupNorm(2, 4), r(2, 4, 7), True)
case("layernorm", nn.LayerNorm(5), r(2, 3, 5), True)
case("layernorm_2d", nn.LayerNorm([3, 5]), r(2, 3, 5), True)
# MLP(6 -> [8, 7] -> 3, ReLU, dropout 0.3) in eval mode (dropout is the identity), named like nn.Sequential.
mlp = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 7), nn.ReLU(), nn.Dropout(0.3),
                    nn.Linear(7, 3))
case("mlp_relu_dropout_eval", mlp, r(4, 6), False, randomize_params=False)
case("mlp_leaky_train", nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.1), nn.Linear(8, 3)), r(2, 3, 6), True,
     randomize_params=False)
lengths = [5, 3, 1]
mask = torch.tensor([[1.0 if t < n else 0.0 for t in range(5)] for n in lengths])
case("self_attention_pooling_masked", SelfAttentionPooling(6, hidden=8), r(3, 5, 6), True, mask=mask)
case("self_attention_pooling", SelfAttentionPooling(6, hidden=8), r(3, 5, 6), True)
case("masked_mean_pooling", MaskedMeanPooling(), r(3, 5, 4), True, mask=mask)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_layer_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
save_file({k: v.contiguous() for k, v in mlp.state_dict().items()},
          os.path.join(os.path.dirname(OUT), "mlp_torch.safetensors"), metadata={"format": "pt"})
print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")
