#!/usr/bin/env python3
"""PyTorch references for SERModels' wav2vec 1.0 (Tests/SERModelsTests/Wav2Vec*Tests.swift).

The network is rebuilt here with fairseq's module tree (fairseq/models/wav2vec/wav2vec.py: ConvFeatureExtractionModel,
ConvAggegator, Wav2VecPredictionsModel.project_to_steps), so that its state_dict keys are fairseq's, e.g.
`feature_extractor.conv_layers.0.0.weight`, `feature_aggregator.conv_layers.2.1.bias`,
`feature_aggregator.residual_proj.1.weight`, `wav2vec_predictions.project_to_steps.weight`.
fairseq itself is not needed. Weights are random and rounded to values float16 represents exactly, so that the
float16 and float32 checkpoints hold the same numbers and share one set of references.

Checkpoints are written the way fairseq's `save_state` writes them: a dict with 'args' (argparse.Namespace, 2019)
or 'cfg' (plain dict, fairseq >= 0.10), 'model' (the state dict), 'optimizer_history', 'extra_state' (holding an
object of class `fairseq.meters.AverageMeter`, as the 2019 files do) and 'last_optimizer_state'.

Writes Tests/Fixtures/wav2vec/:
  small_legacy_fp32.pt   config "small": the large architecture with 32 channels and 3 aggregator layers (k = 2, 3, 4),
                         'args' Namespace, legacy torch.save format (_use_new_zipfile_serialization=False), float32
  small_zip_fp16.pt      the same weights, zip format, float16 (model.half())
  general_zip_fp32.pt    config "general": every option of the general form switched away from the large model's value
                         (encoder skip connections, no log compression, residual_scale 0.3, zero padding, no conv bias,
                         non-affine group norm, a 16 -> 12 channel change with a residual projection, aggregator
                         dropout 0.1); 'cfg' dict; zip format, float32; two tensors are strided views (one transposed,
                         two tensors are slices of one storage (the second at a
                         non-zero storage offset))
  general_legacy_fp16.pt the same, legacy format, float16
  reference.safetensors  signal_<i> [batch, samples] (float32) and, per config, <config>_z_<i> / <config>_c_<i>
                         [batch, channels, frames] computed in float64 (same weights, float64 group norm), as F64
  float32_order_spread.json
                         per config, how far float32 itself lands from the float64 references when only the order
                         of the convolutions' sums changes: every Conv1d is recomputed in float32 with its C_in * k
                         products summed one at a time (each product and each sum rounded to float32) in 4096 seeded
                         random orders; the worst relative error (the Swift tests' measure) over all signals, z and c,
                         is recorded per order, with min / median / p99 / max. The float32 Swift tests take the max as
                         their tolerance: a float32 result outside it is not explained by summation order. The
                         measure has a long tail (one near-zero output after group norm and log compression
                         decides it), so the max needs many orders: 64 orders gave 1.30e-4 on "small", which
                         PyTorch's own float32 on an AMD Zen 4 (1.39e-4) and oneDNN's sgemm (1.70e-4) exceed;
                         4096 orders reach 1.86e-4.

Run: /work/venv/bin/python Tests/Fixtures/generate_wav2vec_fixtures.py   (versions: requirements.txt)
     --order-spread writes only float32_order_spread.json (the checkpoints' bytes are left as they are).

Large check (nothing committed): --large-check DIR builds wav2vec large (the released architecture) with random
weights, writes DIR/w2v_large_legacy.pt, and for two emodb utterances DIR/<name>.wav (copied), DIR/<name>_c64.npy
(c as [frames, 512] in float64) and DIR/<name>_c32.npy (torch float32). --compare DIR OUT1.npy... prints the worst
errors of Swift's outputs (ser-cli wav2vec features) against those references.
"""
import argparse
import json
import math
import os
import shutil
import sys
import types
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

assert torch.__version__.startswith("2.11.0"), torch.__version__
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wav2vec")


# ----------------------------------------------------------------------------------------------------------------
# fairseq's module tree
# ----------------------------------------------------------------------------------------------------------------
class Fp32GroupNorm(nn.GroupNorm):
    """fairseq's Fp32GroupNorm computes in float32 for half inputs; for the float64 references it computes in
    the input's own precision (the only deviation from fairseq, and it only makes the references more exact)."""

    def forward(self, x):
        dt = torch.float32 if x.dtype == torch.float16 else x.dtype
        w = self.weight.to(dt) if self.weight is not None else None
        b = self.bias.to(dt) if self.bias is not None else None
        return F.group_norm(x.to(dt), self.num_groups, w, b, self.eps).type_as(x)


class ZeroPad1d(nn.Module):
    def __init__(self, left, right):
        super().__init__()
        self.left, self.right = left, right

    def forward(self, x):
        return F.pad(x, (self.left, self.right))


class ConvFeatureExtractionModel(nn.Module):
    def __init__(self, layers, log_compression, skip_connections, residual_scale, affine):
        super().__init__()
        self.conv_layers = nn.ModuleList()
        c_in = 1
        for dim, k, stride in layers:
            self.conv_layers.append(nn.Sequential(nn.Conv1d(c_in, dim, k, stride=stride, bias=False),
                                                  nn.Dropout(p=0.0),  # fairseq passes dropout=0.0 here
                                                  Fp32GroupNorm(1, dim, affine=affine), nn.ReLU()))
            c_in = dim
        self.log_compression = log_compression
        self.skip_connections = skip_connections
        self.residual_scale = math.sqrt(residual_scale)

    def forward(self, x):
        x = x.unsqueeze(1)
        for block in self.conv_layers:
            residual = x
            x = block(x)
            if self.skip_connections and x.size(1) == residual.size(1):
                t, rt = x.size(2), residual.size(2)
                residual = residual[..., :: rt // t][..., :t]
                x = (x + residual) * self.residual_scale
        if self.log_compression:
            x = (x.abs() + 1).log()
        return x


class ConvAggegator(nn.Module):  # [sic], fairseq's class name
    def __init__(self, layers, embed, dropout, skip_connections, residual_scale, affine, conv_bias, zero_pad):
        super().__init__()
        self.conv_layers = nn.ModuleList()
        self.residual_proj = nn.ModuleList()
        c_in = embed
        for dim, k, stride in layers:
            ka = k // 2
            kb = ka - 1 if k % 2 == 0 else ka
            pad = ZeroPad1d(ka + kb, 0) if zero_pad else nn.ReplicationPad1d((ka + kb, 0))
            self.residual_proj.append(nn.Conv1d(c_in, dim, 1, bias=False) if (c_in != dim and skip_connections) else None)
            self.conv_layers.append(nn.Sequential(pad, nn.Conv1d(c_in, dim, k, stride=stride, bias=conv_bias),
                                                  nn.Dropout(p=dropout), Fp32GroupNorm(1, dim, affine=affine),
                                                  nn.ReLU()))
            c_in = dim
        self.conv_layers = nn.Sequential(*self.conv_layers)
        self.skip_connections = skip_connections
        self.residual_scale = math.sqrt(residual_scale)

    def forward(self, x):
        for rproj, block in zip(self.residual_proj, self.conv_layers):
            residual = x
            x = block(x)
            if self.skip_connections:
                if rproj is not None:
                    residual = rproj(residual)
                x = (x + residual) * self.residual_scale
        return x


class Wav2VecPredictionsModel(nn.Module):
    """Only the parameters (the prediction loss is not needed for feature extraction)."""

    def __init__(self, in_dim, out_dim, steps, dropout):
        super().__init__()
        self.project_to_steps = nn.ConvTranspose2d(in_dim, out_dim, (1, steps))
        self.dropout = nn.Dropout(p=dropout)


class Wav2VecModel(nn.Module):
    def __init__(self, a):
        super().__init__()
        fe_layers = eval(a["conv_feature_layers"])  # as fairseq does; our own strings
        agg_layers = eval(a["conv_aggregator_layers"])
        self.feature_extractor = ConvFeatureExtractionModel(fe_layers, a["log_compression"], a["skip_connections_feat"],
                                                            a["residual_scale"], not a["non_affine_group_norm"])
        embed = fe_layers[-1][0]
        self.feature_aggregator = ConvAggegator(agg_layers, embed, a["dropout"], a["skip_connections_agg"],
                                                a["residual_scale"], not a["non_affine_group_norm"],
                                                not a["no_conv_bias"], a["agg_zero_pad"])
        self.wav2vec_predictions = Wav2VecPredictionsModel(agg_layers[-1][0], embed, a["prediction_steps"], a["dropout"])
        self.dropout_feats = nn.Dropout(p=a["dropout_features"])
        self.dropout_agg = nn.Dropout(p=a["dropout_agg"])

    def features(self, wav):
        z = self.feature_extractor(wav)
        c = self.feature_aggregator(self.dropout_feats(z))
        return z, self.dropout_agg(c)


# ----------------------------------------------------------------------------------------------------------------
# fairseq-like checkpoint contents
# ----------------------------------------------------------------------------------------------------------------
class AverageMeter:
    """Stands in for fairseq.meters.AverageMeter so that the checkpoint holds a GLOBAL the reader must not run."""

    def __init__(self):
        self.val, self.avg, self.sum, self.count = 0.25, 0.5, 1.0, 2


fake = types.ModuleType("fairseq.meters")
fake.AverageMeter = AverageMeter
AverageMeter.__module__ = "fairseq.meters"
sys.modules.setdefault("fairseq", types.ModuleType("fairseq"))
sys.modules["fairseq.meters"] = fake

SMALL = {
    # The 2019 README command's layout with 32 channels; the feature layers as an expression, as fairseq's
    # base_wav2vec_architecture default is written, to exercise the literal evaluator.
    "arch": "wav2vec", "task": "audio_pretraining", "criterion": "binary_cross_entropy", "fp16": True,
    "conv_feature_layers": "[(32, 10, 5), (32, 8, 4)] + [(32, 4, 2)] * 3 + [(32, 1, 1), (32, 1, 1)]",
    "conv_aggregator_layers": "[(32, 2, 1), (32, 3, 1), (32, 4, 1)]",
    "skip_connections_agg": True, "skip_connections_feat": False, "residual_scale": 0.5, "log_compression": True,
    "agg_zero_pad": False, "no_conv_bias": False, "non_affine_group_norm": False, "aggregator": "cnn",
    "prediction_steps": 2, "num_negatives": 10, "offset": "auto", "sample_distance": None,
    "cross_sample_negatives": 0, "balanced_classes": False, "project_features": "none",
    "dropout": 0.0, "dropout_features": 0.0, "dropout_agg": 0.0, "lr": [1e-06], "max_lr": 0.005,
    "max_tokens": 1500000, "max_sample_size": 150000, "seed": 1, "optimizer": "adam", "adam_betas": "(0.9, 0.999)",
}
GENERAL = {
    "_name": "wav2vec",
    "conv_feature_layers": "[(16, 10, 5), (16, 8, 4), (16, 4, 2), (16, 3, 3), (16, 1, 1)]",
    "conv_aggregator_layers": "[(12, 3, 1), (12, 2, 1), (12, 5, 1)]",
    "skip_connections_agg": True, "skip_connections_feat": True, "residual_scale": 0.3, "log_compression": False,
    "agg_zero_pad": True, "no_conv_bias": True, "non_affine_group_norm": True, "aggregator": "cnn",
    "prediction_steps": 1, "num_negatives": 10, "offset": "auto", "sample_distance": None,
    "cross_sample_negatives": 0, "balanced_classes": False, "project_features": "none",
    "dropout": 0.1, "dropout_features": 0.0, "dropout_agg": 0.0, "activation": "relu", "vq_type": "none",
    "infonce": False,
}
LARGE = dict(SMALL, conv_feature_layers="[(512, 10, 5), (512, 8, 4), (512, 4, 2), (512, 4, 2), (512, 4, 2), "
                                        "(512, 1, 1), (512, 1, 1)]",
             conv_aggregator_layers="[" + ", ".join(f"(512, {k}, 1)" for k in range(2, 14)) + "]",
             prediction_steps=12)


def build(a, seed):
    torch.manual_seed(seed)
    m = Wav2VecModel(a)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if p.dim() == 1 and name.endswith("weight"):  # group-norm scales
                p.uniform_(0.5, 1.5)
            elif p.dim() == 1:  # group-norm shifts and conv biases
                p.uniform_(-0.5, 0.5)
            # conv weights keep PyTorch's default U(+-1/sqrt(fan_in))
            p.copy_(p.half().float())  # exactly representable in float16
    return m.eval()


def checkpoint(m, a, *, dtype, as_cfg, strided):
    sd = OrderedDict((k, v.detach().clone().to(dtype)) for k, v in m.state_dict().items())
    if strided:
        # A transposed view: storage laid out [k, out, in], the tensor [out, in, k] (strides (in, 1, out*in)).
        key = "feature_aggregator.conv_layers.1.1.weight"
        w = sd[key]
        base = w.permute(2, 0, 1).contiguous()
        sd[key] = base.permute(1, 2, 0)
        assert not sd[key].is_contiguous() and torch.equal(sd[key], w)
        # Two slices of one storage (the second at a non-zero storage offset).
        k1, k2 = "feature_aggregator.conv_layers.0.1.weight", "feature_extractor.conv_layers.4.0.weight"
        joint = torch.cat([sd[k1].reshape(-1), sd[k2].reshape(-1)])
        n1 = sd[k1].numel()
        v1 = joint[:n1].view(sd[k1].shape)
        v2 = joint[n1:].view(sd[k2].shape)
        assert torch.equal(v1, sd[k1]) and torch.equal(v2, sd[k2]) and v2.storage_offset() == n1
        sd[k1], sd[k2] = v1, v2
    # fairseq's optimizer state: a step counter (int64) and moments, never needed by the importer.
    opt = {"state": {0: {"step": torch.tensor(7, dtype=torch.int64), "exp_avg": torch.linspace(-1, 1, 8),
                         "exp_avg_sq": torch.linspace(0, 1, 8)}},
           "param_groups": [{"lr": 0.005, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "params": [0]}],
           "loss_scale": 128.0}
    ckpt = {
        "model": sd,
        "optimizer_history": [{"criterion_name": "BinaryCrossEntropyCriterion", "optimizer_name": "FP16Optimizer",
                               "lr_scheduler_state": {"best": 3.25}, "num_updates": 400000}],
        "extra_state": {"train_iterator": {"epoch": 3, "iterations_in_epoch": 17, "shuffle": True},
                        "val_loss": 3.25, "train_meters": {"train_loss": AverageMeter()},
                        "flags": {1, 2, 3}, "blob": b"\x00\x01\xfe"},
        "last_optimizer_state": opt,
    }
    if as_cfg:
        ckpt["args"] = None
        ckpt["cfg"] = {"common": {"fp16": True, "seed": 1}, "model": dict(a), "task": {"_name": "audio_pretraining"}}
    else:
        ckpt["args"] = argparse.Namespace(**a)
    return ckpt


def signals():
    g = np.random.default_rng(4242)

    def tone(n, f0, dc=0.0):
        t = np.arange(n) / 16000.0
        x = 0.3 * np.sin(2 * np.pi * f0 * t) + 0.1 * np.sin(2 * np.pi * 3.1 * f0 * t + 0.4)
        return (x + 0.05 * g.standard_normal(n) + dc).astype(np.float32)

    return [
        tone(465, 220.0)[None, :],                                   # exactly one frame
        tone(1000, 180.0, dc=0.02)[None, :],                         # 4 frames
        np.stack([tone(2400, 140.0), 0.5 * tone(2400, 300.0)]),     # batch of 2, 13 frames
        tone(3337, 95.0)[None, :],                                   # 18 frames, ragged end
    ]


def references(m, sigs, prefix):
    out = {}
    m.double()  # in place; the weights are float16-exact, so converting back is lossless
    with torch.no_grad():
        for i, s in enumerate(sigs):
            z, c = m.features(torch.from_numpy(s).double())
            out[f"{prefix}_z_{i}"] = z.contiguous()
            out[f"{prefix}_c_{i}"] = c.contiguous()
    m.float()
    # float32 torch against the float64 reference, for context in the Swift tests' messages:
    # worst |a - e| / max(|e|, f * max|e|) per output tensor, for floors f = 1e-2 and 1e-3
    worst = {1e-2: 0.0, 1e-3: 0.0}
    with torch.no_grad():
        for i, s in enumerate(sigs):
            z, c = m.features(torch.from_numpy(s))
            for name, v in (("z", z), ("c", c)):
                r = out[f"{prefix}_{name}_{i}"]
                for f in worst:
                    rel = (v.double() - r).abs() / r.abs().clamp_min(f * r.abs().max())
                    worst[f] = max(worst[f], float(rel.max()))
    print(f"{prefix}: torch float32 vs float64 worst relative error {worst[1e-2]:.3g} (floor 1e-2 max|e|), "
          f"{worst[1e-3]:.3g} (floor 1e-3 max|e|)")
    return out


def worst_relative_error(outputs, refs):
    """The Swift tests' measure: worst |a - e| / max(|e|, 1e-2 max|e|) over every output tensor."""
    w = 0.0
    for v, r in zip(outputs, refs):
        rel = (v.double() - r).abs() / r.abs().clamp_min(1e-2 * r.abs().max())
        w = max(w, float(rel.max()))
    return w


def conv1d_summed_in_order(x, w, b, stride, rng):
    """float32 Conv1d (no padding, no dilation; the modules pad separately) whose C_in * k products per output
    are summed one at a time in a random order, each product and each partial sum rounded to float32."""
    batch, _, t_in = x.shape
    n_out, _, k = w.shape
    t_out = (t_in - k) // stride + 1
    xs = x.numpy()
    cols = np.stack([xs[:, :, t * stride:t * stride + k].reshape(batch, -1) for t in range(t_out)], axis=2)
    wm = w.detach().numpy().reshape(n_out, -1)
    acc = np.zeros((batch, n_out, t_out), np.float32)
    for j in rng.permutation(wm.shape[1]):
        acc = acc + (wm[None, :, j, None] * cols[:, None, j, :]).astype(np.float32)
    out = torch.from_numpy(acc)
    return out if b is None else out + b.detach()[None, :, None]


def float32_order_spread(m, sigs, refs, prefix, orders=4096):
    expected = [refs[f"{prefix}_{n}_{i}"] for i in range(len(sigs)) for n in ("z", "c")]
    m.float()

    def outputs():
        with torch.no_grad():
            return [t for s in sigs for t in m.features(torch.from_numpy(s))]

    torch_default = worst_relative_error(outputs(), expected)
    original = nn.Conv1d._conv_forward
    worst = []
    try:
        for seed in range(orders):
            rng = np.random.default_rng(seed)
            nn.Conv1d._conv_forward = lambda self, x, w, b: conv1d_summed_in_order(x, w, b, self.stride[0], rng)
            worst.append(worst_relative_error(outputs(), expected))
    finally:
        nn.Conv1d._conv_forward = original
    spread = {"torch_float32": torch_default, "orders": orders, "min": min(worst),
              "median": float(np.median(worst)), "p99": float(np.quantile(worst, 0.99)), "max": max(worst)}
    print(f"{prefix}: float32 in {orders} summation orders: worst relative error min {spread['min']:.3g}, "
          f"median {spread['median']:.3g}, p99 {spread['p99']:.3g}, max {spread['max']:.3g} "
          f"(torch float32 {torch_default:.3g})")
    return spread


def write_order_spread(small, general, refs):
    sigs = signals()
    spread = {"small": float32_order_spread(small, sigs, refs, "small"),
              "general": float32_order_spread(general, sigs, refs, "general"),
              "generator": "generate_wav2vec_fixtures.py --order-spread", "torch": torch.__version__,
              "numpy": np.__version__}
    with open(os.path.join(OUT, "float32_order_spread.json"), "w") as f:
        json.dump(spread, f, indent=2)
        f.write("\n")


def order_spread_only():
    from safetensors.torch import load_file
    refs = load_file(os.path.join(OUT, "reference.safetensors"))
    write_order_spread(build(SMALL, 11), build(GENERAL, 12), refs)


def fixtures():
    os.makedirs(OUT, exist_ok=True)
    sigs = signals()
    refs = {f"signal_{i}": torch.from_numpy(s) for i, s in enumerate(sigs)}
    small = build(SMALL, 11)
    general = build(GENERAL, 12)
    torch.save(checkpoint(small, SMALL, dtype=torch.float32, as_cfg=False, strided=False),
               os.path.join(OUT, "small_legacy_fp32.pt"), _use_new_zipfile_serialization=False)
    torch.save(checkpoint(small, SMALL, dtype=torch.float16, as_cfg=False, strided=False),
               os.path.join(OUT, "small_zip_fp16.pt"))
    torch.save(checkpoint(general, GENERAL, dtype=torch.float32, as_cfg=True, strided=True),
               os.path.join(OUT, "general_zip_fp32.pt"))
    torch.save(checkpoint(general, GENERAL, dtype=torch.float16, as_cfg=True, strided=True),
               os.path.join(OUT, "general_legacy_fp16.pt"), _use_new_zipfile_serialization=False)
    refs.update(references(small, sigs, "small"))
    refs.update(references(general, sigs, "general"))
    save_file(refs, os.path.join(OUT, "reference.safetensors"), metadata={"generator": "generate_wav2vec_fixtures.py"})
    write_order_spread(small, general, refs)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")


# ----------------------------------------------------------------------------------------------------------------
# Large check (not committed)
# ----------------------------------------------------------------------------------------------------------------
EMODB = "/work/shared/data/emodb/wav"
UTTERANCES = ["03a01Fa.wav", "03a01Nc.wav"]


def large_check(d):
    import soundfile as sf
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(5)
    m = Wav2VecModel(LARGE).eval()  # PyTorch default init, group norm 1/0 as fairseq
    n = sum(p.numel() for p in m.parameters())
    print(f"wav2vec large: {n} parameters (README: 32.5M)")
    torch.save(checkpoint(m, LARGE, dtype=torch.float32, as_cfg=False, strided=False),
               os.path.join(d, "w2v_large_legacy.pt"), _use_new_zipfile_serialization=False)
    for u in UTTERANCES:
        wav, sr = sf.read(os.path.join(EMODB, u), dtype="float32")
        assert sr == 16000, sr
        shutil.copy(os.path.join(EMODB, u), os.path.join(d, u))
        x = torch.from_numpy(wav)[None, :]
        with torch.no_grad():
            _, c32 = m.features(x)
            m.double()
            _, c64 = m.features(x.double())
            m.float()
        name = u[:-4]
        np.save(os.path.join(d, f"{name}_c32.npy"), c32[0].T.contiguous().numpy())
        np.save(os.path.join(d, f"{name}_c64.npy"), c64[0].T.contiguous().numpy())
        print(f"{u}: {wav.shape[0]} samples -> c {tuple(c64[0].T.shape)}")


def compare(d, outputs):
    for u, path in zip(UTTERANCES, outputs):
        name = u[:-4]
        ref = np.load(os.path.join(d, f"{name}_c64.npy"))
        t32 = np.load(os.path.join(d, f"{name}_c32.npy")).astype(np.float64)
        sw = np.load(path).astype(np.float64)
        assert sw.shape == ref.shape, (sw.shape, ref.shape)
        floor = 1e-2 * np.abs(ref).max()
        for label, v in (("swift", sw), ("torch fp32", t32)):
            err = np.abs(v - ref)
            rel = err / np.maximum(np.abs(ref), floor)
            i = np.unravel_index(np.argmax(rel), rel.shape)
            print(f"{u} {label:10s}: worst rel {rel.max():.3g} at {i} (value {v[i]:.7g} vs {ref[i]:.7g}), "
                  f"worst abs {err.max():.3g}, max |c| {np.abs(ref).max():.4g}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--large-check", metavar="DIR")
    ap.add_argument("--compare", nargs="+", metavar=("DIR", "OUT"))
    ap.add_argument("--order-spread", action="store_true")
    args = ap.parse_args()
    if args.order_spread:
        order_spread_only()
    elif args.large_check:
        large_check(args.large_check)
    elif args.compare:
        compare(args.compare[0], args.compare[1:])
    else:
        fixtures()
