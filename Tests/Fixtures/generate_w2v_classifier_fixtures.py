#!/usr/bin/env python3
"""A PyTorch mirror of SwiftSER's Wav2VecClassifier (paper Fig. 1 + Eq. 3) at small sizes, for parity tests.

CNN block Conv1d(+ReLU) x4 (kernels 4,4,3,3; strides 2,2,1,1; no padding) -> BiLSTM (packed by the CNN output
lengths) -> mean over real frames -> Linear-ReLU-Linear; N_s segment classifiers Linear-ReLU-Linear on every CNN frame.
Loss = weighted CE(utterance) + mean over classifiers of [sum_i w_{y_i} * mean_{real t} CE_w(seg(x_it), y_i)] / sum_i w_{y_i}.
Writes Tests/Fixtures/models/w2v_classifier.json.
Run: venv/bin/python Tests/Fixtures/generate_w2v_classifier_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "w2v_classifier.json")
CFG = dict(input=6, channels=5, kernels=[4, 4, 3, 3], strides=[2, 2, 1, 1], layers=2, hidden=3, head=7, nseg=2, classes=3)


def mlp(i, h, o):
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Linear(h, o))


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        layers, cin = [], c["input"]
        for k, s in zip(c["kernels"], c["strides"]):
            layers += [nn.Conv1d(cin, c["channels"], k, stride=s), nn.ReLU()]
            cin = c["channels"]
        self.cnn = nn.Sequential(*layers)
        self.lstm = nn.LSTM(c["channels"], c["hidden"], num_layers=c["layers"], bidirectional=True, batch_first=True)
        self.head = mlp(2 * c["hidden"], c["head"], c["classes"])
        self.seg = nn.ModuleList([mlp(c["channels"], c["head"], c["classes"]) for _ in range(c["nseg"])])
        self.c = c

    def out_len(self, n):
        for k, s in zip(self.c["kernels"], self.c["strides"]):
            n = (n - k) // s + 1
        return n

    def forward(self, x, lengths):
        h = self.cnn(x.transpose(1, 2)).transpose(1, 2)
        T = h.shape[1]
        ol = torch.tensor([min(self.out_len(n), T) for n in lengths])
        mask = (torch.arange(T)[None, :] < ol[:, None]).float()
        packed = nn.utils.rnn.pack_padded_sequence(h, ol, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        pooled = (out * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled), [s(h) for s in self.seg], mask


def loss_fn(logits, segs, mask, y, w):
    loss = F.cross_entropy(logits, y, weight=w)
    if segs:
        total = 0
        for s in segs:
            B, T, C = s.shape
            nll = F.cross_entropy(s.reshape(-1, C), y.repeat_interleave(T), weight=w, reduction="none").reshape(B, T)
            per = (nll * mask).sum(1) / mask.sum(1)
            total = total + (per * w[y]).sum() / w[y].sum()
        loss = loss + total / len(segs)
    return loss


def enc(t):
    a = t.detach().numpy().astype(np.float32)
    return {"shape": list(a.shape), "data": [float(f"{v:.9g}") for v in a.ravel()]}


net = Net(CFG)
x = torch.randn(3, 40, CFG["input"], requires_grad=True)
lengths = [40, 33, 26]
y = torch.tensor([2, 0, 1])
w = torch.tensor([1.0, 1.5, 0.7])
logits, segs, mask = net(x, lengths)
loss = loss_fn(logits, segs, mask, y, w)
loss.backward()
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_w2v_classifier_fixtures.py", "torch": torch.__version__, "config": CFG,
               "state": {k: enc(v) for k, v in net.state_dict().items()}, "input": enc(x), "lengths": lengths,
               "targets": y.tolist(), "class_weights": enc(w), "logits": enc(logits),
               "segment_logits": [enc(s) for s in segs], "mask": enc(mask), "loss": float(loss.detach()),
               "grad_input": enc(x.grad), "grads": {k: enc(p.grad) for k, p in net.named_parameters()}}, f)
print("wrote", OUT)
