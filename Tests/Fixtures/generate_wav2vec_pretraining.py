#!/usr/bin/env python3
"""PyTorch reference for SERModels' wav2vec 1.0 pretraining objective (Tests/SERModelsTests/Wav2VecPretrainingParityTests.swift).

An independent re-implementation in plain torch (no fairseq) of fairseq's 2019 wav2vec model forward pass
(fairseq/models/wav2vec.py, commit 392fce8a: ConvFeatureExtractionModel, ConvAggegator, Wav2VecPredictionsModel with
its `sample_negatives` and `forward`) and of the 2019 `binary_cross_entropy` criterion, written from
Docs/../shared/reference/wav2vec.md sections 2-5:

  z = log(|f(x)| + 1), c = g(z) (causal replicate padding, residual (x + r)·sqrt(0.5), 1x1 projection when the
  channel count changes); P = ConvTranspose2d(C_ctx -> C_z, kernel (1, steps))(c.unsqueeze(-1)) -> B x C_z x T x S;
  targets = cat([z, negatives]) with negatives[n, b, :, t] = z[b, :, neg_idxs[b, n*T + t]];
  logits for step s (offset o = 3 + s): (P[..., :-o, s] * targets[..., o:]).sum(dim=C), flattened in (n, b, t)
  order and concatenated over s; labels 1 for n = 0; loss = BCEWithLogits(reduction='sum') / number of logits.

The projection uses torch's own conv_transpose2d (so the [in, out, kH, kW] weight layout is checked against torch,
not against the Swift matmul formulation). Everything runs in float64; weights and inputs are rounded to values
float32 represents exactly, so the Swift float32 and float64 runs see the same numbers.

Model: encoder [(16,10,5),(16,8,4),(16,4,2),(16,4,2),(16,4,2),(16,1,1)] (receptive field 465, hop 160, offset 3),
aggregator [(16,2,1),(16,3,1),(12,3,1)] (c has 12 channels, z 16, so the head is [12, 16, 1, 4] and layer 2 has a
residual projection), group-norm affine parameters perturbed away from 1/0, prediction steps 4, 3 negatives.
Case "a": 2 utterances of 2400 samples (T = 12, all 4 steps); case "b": 1 utterance of 1200 samples (T = 5, steps
limited to min(4, T - 3) = 2).

Writes Tests/Fixtures/wav2vec/pretraining.safetensors:
  param.<fairseq name>       the weights (F32)
  <case>.wav                 [B, N] input (F32)
  <case>.negatives           [B, 3, T] negative frame indices (F64 holding integers), fairseq's neg_idxs.view(B, n, T)
  <case>.loss                [1] loss (F64)
  <case>.predictions         fairseq's flat logits vector (F64)
  <case>.counts              [3]: predictions scored (positives), predictions picking the true frame (fairseq's wav2vec
                             criterion: argmax == 0 and not argmin == 0), logits on the right side of 0 (F64)
  a.grad.<name>              dLoss/dparam for every parameter (F64)
  b.grad.<name>              dLoss/dparam for the head and the first and last convolutions (F64)
  nce.loss, nce.grad.<name>  case a with fairseq's later --infonce loss (softmax cross-entropy over each prediction's
                             candidates / number of predictions): loss and the gradients of the head, the first
                             convolution and the last encoder group norm (F64)

Run: /work/venv/bin/python Tests/Fixtures/generate_wav2vec_pretraining.py   (versions: requirements.txt)
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

assert torch.__version__.startswith("2.11.0"), torch.__version__
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wav2vec", "pretraining.safetensors")

ENCODER = [(16, 10, 5), (16, 8, 4), (16, 4, 2), (16, 4, 2), (16, 4, 2), (16, 1, 1)]
AGGREGATOR = [(16, 2, 1), (16, 3, 1), (12, 3, 1)]
STEPS, NEGATIVES = 4, 3
RESIDUAL_SCALE = math.sqrt(0.5)
D = torch.float64


def f32(t):
    """Rounds to float32-representable values, kept as float64."""
    return t.to(torch.float32).to(D)


def make_params(gen):
    """PyTorch default init (U(±1/sqrt(fan_in))) for convolutions, perturbed group-norm affine parameters."""
    p = {}

    def uniform(shape, fan_in):
        b = 1 / math.sqrt(fan_in)
        return f32((torch.rand(shape, generator=gen, dtype=D) * 2 - 1) * b)

    cin = 1
    for i, (dim, k, _) in enumerate(ENCODER):
        p[f"feature_extractor.conv_layers.{i}.0.weight"] = uniform((dim, cin, k), cin * k)
        p[f"feature_extractor.conv_layers.{i}.2.weight"] = f32(1 + 0.2 * torch.randn(dim, generator=gen, dtype=D))
        p[f"feature_extractor.conv_layers.{i}.2.bias"] = f32(0.2 * torch.randn(dim, generator=gen, dtype=D))
        cin = dim
    cz = cin
    for i, (dim, k, _) in enumerate(AGGREGATOR):
        if cin != dim:
            p[f"feature_aggregator.residual_proj.{i}.weight"] = uniform((dim, cin, 1), cin)
        p[f"feature_aggregator.conv_layers.{i}.1.weight"] = uniform((dim, cin, k), cin * k)
        p[f"feature_aggregator.conv_layers.{i}.1.bias"] = uniform((dim,), cin * k)
        p[f"feature_aggregator.conv_layers.{i}.3.weight"] = f32(1 + 0.2 * torch.randn(dim, generator=gen, dtype=D))
        p[f"feature_aggregator.conv_layers.{i}.3.bias"] = f32(0.2 * torch.randn(dim, generator=gen, dtype=D))
        cin = dim
    # ConvTranspose2d(in = C_ctx, out = C_z, (1, steps)): weight [in, out, 1, steps]; PyTorch's fan_in is dim 1 · kernel.
    p["wav2vec_predictions.project_to_steps.weight"] = uniform((cin, cz, 1, STEPS), cz * STEPS)
    p["wav2vec_predictions.project_to_steps.bias"] = uniform((cz,), cz * STEPS)
    return p


def encoder(p, wav):
    x = wav.unsqueeze(1)
    for i, (dim, k, stride) in enumerate(ENCODER):
        x = F.conv1d(x, p[f"feature_extractor.conv_layers.{i}.0.weight"], stride=stride)
        x = F.group_norm(x, 1, p[f"feature_extractor.conv_layers.{i}.2.weight"], p[f"feature_extractor.conv_layers.{i}.2.bias"], eps=1e-5)
        x = F.relu(x)
    return torch.log(x.abs() + 1)


def aggregator(p, z):
    x = z
    for i, (dim, k, _) in enumerate(AGGREGATOR):
        residual = x
        ka = k // 2
        kb = ka - 1 if k % 2 == 0 else ka
        y = F.pad(x, (ka + kb, 0), mode="replicate")
        y = F.conv1d(y, p[f"feature_aggregator.conv_layers.{i}.1.weight"], p[f"feature_aggregator.conv_layers.{i}.1.bias"])
        y = F.group_norm(y, 1, p[f"feature_aggregator.conv_layers.{i}.3.weight"], p[f"feature_aggregator.conv_layers.{i}.3.bias"], eps=1e-5)
        y = F.relu(y)
        proj = p.get(f"feature_aggregator.residual_proj.{i}.weight")
        if proj is not None:
            residual = F.conv1d(residual, proj)
        x = (y + residual) * RESIDUAL_SCALE
    return x


def receptive_field_and_hop():
    r, j = 1, 1
    for _, k, s in ENCODER:
        r += (k - 1) * j
        j *= s
    return r, j


def predictions_2019(p, x, y, neg_idxs, offset):
    """fairseq 2019 Wav2VecPredictionsModel.forward with the negatives given (sample_negatives' indexing kept)."""
    bsz, fsz, tsz = y.shape
    yy = y.transpose(0, 1).contiguous().view(fsz, -1)  # C x (B*T)
    idx = neg_idxs.clone()
    for i in range(1, bsz):
        idx[i] += i * tsz
    negs = yy[..., idx.view(-1)].view(fsz, bsz, NEGATIVES, tsz).permute(2, 1, 0, 3)  # N x B x C x T
    targets = torch.cat([y.unsqueeze(0), negs], dim=0)

    x = F.conv_transpose2d(x.unsqueeze(-1), p["wav2vec_predictions.project_to_steps.weight"],
                           p["wav2vec_predictions.project_to_steps.bias"])  # B x C x T x S
    x = x.unsqueeze(0).expand(targets.size(0), -1, -1, -1, -1)
    copies, bsz, dim, tsz, steps = x.shape
    steps = min(steps, tsz - offset)
    n = bsz * copies * (tsz - offset + 1) * steps - ((steps + 1) * steps // 2) * copies * bsz
    chunks, labels = [], torch.zeros(n, dtype=D)
    start = 0
    for i in range(steps):
        off = i + offset
        chunk = (x[..., :-off, i] * targets[..., off:]).sum(dim=2).flatten()
        pos = chunk.numel() // copies
        labels[start:start + pos] = 1.0
        chunks.append(chunk)
        start += chunk.numel()
    assert start == n, (start, n)
    return torch.cat(chunks), labels, steps


def counts(preds, bsz, tsz, steps, offset):
    """(predictions, predictions picking the true frame as fairseq's wav2vec criterion counts them: argmax == 0 and not
    argmin == 0 over the N+1 candidates, torch's first-index tie rule)."""
    pr = preds.detach()
    total = correct = 0
    start = 0
    for s in range(steps):
        off = s + offset
        m = tsz - off
        block = pr[start:start + (NEGATIVES + 1) * bsz * m].view(NEGATIVES + 1, bsz, m)
        cand = block.permute(1, 2, 0)  # B x m x (N+1)
        mx, mn = cand.argmax(-1) == 0, cand.argmin(-1) == 0
        total += mx.numel()
        correct += int(mx.sum()) - int((mx & mn).sum())
        start += (NEGATIVES + 1) * bsz * m
    return total, correct


def signals(n, count, seed):
    g = np.random.default_rng(seed)
    out = []
    for i in range(count):
        t = np.arange(n) / 16000.0
        f0 = 140 + 60 * i
        x = sum(0.3 / h * np.sin(2 * np.pi * h * f0 * t + g.uniform(0, 6.28)) for h in range(1, 6))
        x = x * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) + 0.05 * g.standard_normal(n)
        out.append(x)
    return f32(torch.tensor(np.stack(out), dtype=D))


def run_case(name, params, wav, seed, grad_names, infonce=False):
    rf, hop = receptive_field_and_hop()
    offset = math.ceil(rf / hop)
    assert offset == 3
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    z = encoder(p, wav)
    c = aggregator(p, z)
    bsz, _, tsz = z.shape
    gen = torch.Generator().manual_seed(seed)
    neg_idxs = torch.randint(low=0, high=tsz, size=(bsz, NEGATIVES * tsz), generator=gen)
    preds, labels, steps = predictions_2019(p, c, z, neg_idxs, offset)
    if infonce:
        # fairseq's later --infonce: predictions.view(-1, copies) in (t, b, n) order per step; class 0 is the true frame;
        # wav2vec criterion: cross_entropy(reduction="sum") / number of predictions.
        rows, start = [], 0
        for s_ in range(steps):
            m = tsz - offset - s_
            block = preds[start:start + (NEGATIVES + 1) * bsz * m].view(NEGATIVES + 1, bsz, m)
            rows.append(block.permute(2, 1, 0).reshape(-1, NEGATIVES + 1))  # (t, b) x n, as einsum "tbn"
            start += (NEGATIVES + 1) * bsz * m
        logits = torch.cat(rows)
        target = torch.zeros(logits.shape[0], dtype=torch.long)
        loss = F.cross_entropy(logits, target, reduction="sum") / target.numel()
    else:
        loss = F.binary_cross_entropy_with_logits(preds, labels, reduction="sum") / preds.numel()
    loss.backward()
    total, correct = counts(preds, bsz, tsz, steps, offset)
    binary = int(((preds.detach() > 0).to(D) == labels).sum())
    dup = sum(int(neg_idxs[b, n * tsz + j]) == j for b in range(bsz) for n in range(NEGATIVES) for j in range(tsz))
    print(f"{name}: B={bsz} samples={wav.shape[1]} T={tsz} steps={steps} logits={preds.numel()} loss={loss.item():.12f} "
          f"accuracy {correct}/{total} binary {binary}/{preds.numel()} (negatives equal to their target frame: {dup})")
    out = {
        f"{name}.wav": wav.to(torch.float32),
        f"{name}.negatives": neg_idxs.view(bsz, NEGATIVES, tsz).to(D),
        f"{name}.loss": loss.detach().reshape(1),
        f"{name}.predictions": preds.detach(),
        f"{name}.counts": torch.tensor([total, correct, binary], dtype=D),
    }
    for k in grad_names:
        out[f"{name}.grad.{k}"] = p[k].grad.detach().clone()
    return out, dup


def main():
    gen = torch.Generator().manual_seed(2019)
    params = make_params(gen)
    tensors = {f"param.{k}": v.to(torch.float32) for k, v in params.items()}
    a, dup = run_case("a", params, signals(2400, 2, seed=7), seed=11, grad_names=sorted(params))
    assert dup > 0, "case a should contain a negative equal to its target frame"
    head = [k for k in params if k.startswith("wav2vec_predictions")]
    b, _ = run_case("b", params, signals(1200, 1, seed=8), seed=12,
                    grad_names=head + ["feature_extractor.conv_layers.0.0.weight", "feature_aggregator.conv_layers.2.1.weight"])
    nce, _ = run_case("nce", params, signals(2400, 2, seed=7), seed=11, infonce=True,
                      grad_names=head + ["feature_extractor.conv_layers.0.0.weight", "feature_extractor.conv_layers.5.2.weight"])
    for k in ("nce.wav", "nce.negatives", "nce.predictions", "nce.counts"):
        del nce[k]  # the same as case a's
    tensors.update(a)
    tensors.update(b)
    tensors.update(nce)
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    save_file(tensors, OUT, metadata={"generator": "generate_wav2vec_pretraining.py", "torch": torch.__version__})
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(tensors)} tensors)")


if __name__ == "__main__":
    main()
