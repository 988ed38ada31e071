#!/usr/bin/env python3
"""PyTorch timing reference for one wav2vec 1.0 pretraining update (`ser-cli bench --only pretrain`).

Pure torch (no fairseq), float32, CPU, 2 threads (torch.set_num_threads(2); the SwiftSER side runs on the machine's
2 cores). Times forward + InfoNCE loss + backward + gradient-norm clipping + Adam step + zero_grad of a freshly
initialised model on a fixed batch of synthetic audio (Gaussian noise, sigma 0.1), negatives redrawn every update;
prints the median of --iterations (10) after --warmups (3) as JSON.

The model is the same as SwiftSER's Wav2VecPretrainingModel (and the float64 fixture reference
Tests/Fixtures/generate_wav2vec_pretraining.py, here as an nn.Module):
  encoder:    per layer Conv1d(bias=False, no padding) -> GroupNorm(1 group, affine) -> ReLU; z = log1p(|x|)
  aggregator: per layer replication pad (k - 1) on the left -> Conv1d(bias=True) -> GroupNorm(1 group) -> ReLU,
              then (y + residual) * sqrt(0.5) (1x1 residual projection when the channel count changes)
  head:       ConvTranspose2d(C_ctx -> C_z, kernel (1, steps)) on c.unsqueeze(-1) -> [B, C_z, T, steps]
  objective:  offset = ceil(R / H) (encoder receptive field / hop); steps S = min(steps, T - offset); negatives drawn
              uniformly from the T frames of the same utterance (torch.randint, fairseq 2019), one set of N per
              (utterance, target frame); per prediction, cross-entropy over its N + 1 candidates (true frame = class 0),
              summed and divided by the number of predictions (fairseq's --infonce).
  optimiser:  Adam(lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay), clip_grad_norm_ 25.

PRESETS mirror `ser-cli wav2vec pretrain --print-config tiny|small` (Wav2VecPretrainingConfiguration.preset):
  tiny:  64 channels, encoder [(64,10,5),(64,8,4),(64,4,2),(64,4,2),(64,4,2),(64,1,1)], aggregator 4 x (64,3,1),
         8 prediction steps, 10 negatives, InfoNCE, batch 8 x 2 s
  small: 256 channels, encoder [(256,10,5),(256,8,4),(256,4,2),(256,4,2),(256,4,2),(256,1,1),(256,1,1)],
         aggregator 6 x (256,3,1), 12 prediction steps, 10 negatives, InfoNCE, batch 8 x 3 s
(both: layers as (channels, kernel, stride), GroupNorm eps 1e-5, dropout 0, lr 2e-3, clip 25).

On a loaded (oversubscribed) machine set OMP_WAIT_POLICY=PASSIVE: with OpenMP's default spin-waiting two threads
took 4.1 s per `tiny` update instead of 0.22 s (Docs/Wav2Vec.md, Pretraining, "Speed against PyTorch").

Run: OMP_WAIT_POLICY=PASSIVE /work/venv/bin/python scripts/bench/torch_wav2vec_pretrain.py --preset tiny   (torch==2.11.0)
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "tiny": dict(encoder=[(64, 10, 5), (64, 8, 4), (64, 4, 2), (64, 4, 2), (64, 4, 2), (64, 1, 1)],
                 aggregator=[(64, 3, 1)] * 4, steps=8, negatives=10, batch=8, seconds=2.0),
    "small": dict(encoder=[(256, 10, 5), (256, 8, 4), (256, 4, 2), (256, 4, 2), (256, 4, 2), (256, 1, 1), (256, 1, 1)],
                  aggregator=[(256, 3, 1)] * 6, steps=12, negatives=10, batch=8, seconds=3.0),
}
LR, BETAS, EPS, CLIP = 2e-3, (0.9, 0.999), 1e-8, 25.0
SAMPLE_RATE = 16000


class Encoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        blocks, cin = [], 1
        for dim, k, stride in layers:
            blocks.append(nn.Sequential(nn.Conv1d(cin, dim, k, stride=stride, bias=False),
                                        nn.GroupNorm(1, dim, eps=1e-5, affine=True), nn.ReLU()))
            cin = dim
        self.conv_layers = nn.ModuleList(blocks)

    def forward(self, wav):
        x = wav.unsqueeze(1)
        for block in self.conv_layers:
            x = block(x)
        return torch.log1p(x.abs())


class Aggregator(nn.Module):
    def __init__(self, layers, cin):
        super().__init__()
        self.kernels = [k for _, k, _ in layers]
        self.conv_layers, self.residual_proj = nn.ModuleList(), nn.ModuleList()
        for dim, k, stride in layers:
            assert stride == 1
            self.conv_layers.append(nn.Sequential(nn.Conv1d(cin, dim, k), nn.GroupNorm(1, dim, eps=1e-5, affine=True), nn.ReLU()))
            self.residual_proj.append(nn.Conv1d(cin, dim, 1, bias=False) if cin != dim else nn.Identity())
            cin = dim
        self.scale = math.sqrt(0.5)

    def forward(self, x):
        for k, block, proj in zip(self.kernels, self.conv_layers, self.residual_proj):
            y = block(F.pad(x, (k - 1, 0), mode="replicate"))
            x = (y + proj(x)) * self.scale
        return x


class Wav2VecPretraining(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.feature_extractor = Encoder(p["encoder"])
        cz = p["encoder"][-1][0]
        self.feature_aggregator = Aggregator(p["aggregator"], cz)
        cc = p["aggregator"][-1][0]
        self.steps, self.negatives = p["steps"], p["negatives"]
        self.project_to_steps = nn.ConvTranspose2d(cc, cz, (1, self.steps))
        r, hop = 1, 1
        for _, k, s in p["encoder"]:
            r += (k - 1) * hop
            hop *= s
        self.offset = math.ceil(r / hop)

    def forward(self, wav):
        z = self.feature_extractor(wav)
        c = self.feature_aggregator(z)
        b, cz, t = z.shape
        steps = min(self.steps, t - self.offset)
        assert steps >= 1
        # Negatives: N per (utterance, target frame), uniform over the utterance's frames.
        idx = torch.randint(0, t, (b, self.negatives, t)) + (torch.arange(b) * t).view(b, 1, 1)
        flat = z.transpose(1, 2).reshape(b * t, cz)
        negs = flat[idx.view(-1)].view(b, self.negatives, t, cz).permute(1, 0, 3, 2)  # N x B x C x T
        targets = torch.cat([z.unsqueeze(0), negs], dim=0)  # (N+1) x B x C x T
        pred = self.project_to_steps(c.unsqueeze(-1))  # B x C_z x T x S
        total, count = pred.new_zeros(()), 0
        for s in range(steps):
            off = self.offset + s
            logits = (pred[..., :-off, s].unsqueeze(0) * targets[..., off:]).sum(dim=2)  # (N+1) x B x (T - off)
            total = total + (torch.logsumexp(logits, dim=0) - logits[0]).sum()
            count += b * (t - off)
        return total / count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--warmups", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    p = PRESETS[a.preset]
    model = Wav2VecPretraining(p).float().train()
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS, weight_decay=0)
    wav = torch.randn(p["batch"], int(round(p["seconds"] * SAMPLE_RATE))) * 0.1

    def update():
        loss = model(wav)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    for _ in range(a.warmups):
        update()
    samples = []
    for _ in range(a.iterations):
        t0 = time.perf_counter()
        loss = update()
        samples.append(time.perf_counter() - t0)
    print(json.dumps({
        "preset": a.preset, "batch": p["batch"], "seconds": p["seconds"], "torch": torch.__version__,
        "threads": torch.get_num_threads(), "parameters": sum(q.numel() for q in model.parameters()),
        "offset": model.offset, "warmups": a.warmups, "iterations": a.iterations,
        "median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
        "last_loss": loss, "loadavg": os.getloadavg(),
    }, indent=2))


if __name__ == "__main__":
    main()
