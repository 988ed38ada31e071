#!/usr/bin/env python3
"""PyTorch references for SERTraining's optimisers, gradient clipping and learning-rate schedules.

Writes Tests/Fixtures/optim/optim.json with
  * model: a tiny network y = tanh(x @ hidden.weight + hidden.bias) @ out.weight, a fixed input x and target t;
    the loss is mean((y - t)^2). Parameter names follow the Swift test model.
  * trajectories: for each optimiser configuration, the parameters after each of 10 steps
    (torch.optim.Adam / AdamW / SGD, single-tensor CPU path, i.e. foreach=False), the loss before each step,
    optional parameter groups with their own lr / weight decay, optional clip_grad_norm_ before each step.
    Each configuration in float32 and in float64 (the latter at a few steps only).
  * clipping: torch.nn.utils.clip_grad_norm_ on fixed gradients (clipping and non-clipping max_norm).
  * schedules: learning rates of two parameter groups after 0..N scheduler steps for StepLR, LambdaLR with
    linear warm-up then cosine decay, and ReduceLROnPlateau driven by a fixed metric sequence.
Run: /work/venv/bin/python Tests/Fixtures/generate_optim_fixtures.py   (versions: requirements.txt)
"""
import json
import math
import os

import numpy as np
import torch

torch.manual_seed(7)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim", "optim.json")
STEPS = 10


def short32(v):
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def enc(t):
    if t.dtype == torch.float64:
        a = t.detach().cpu().numpy()
        return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}
    a = t.detach().cpu().numpy().astype(np.float32)
    return {"shape": list(a.shape), "data": [short32(v) for v in a.ravel()]}


# The model's data (float32; the float64 run converts these exact values).
x0 = torch.randn(4, 3)
t0 = torch.randn(4, 2)
init = {
    "hidden.weight": torch.randn(3, 5) * 0.8,
    "hidden.bias": torch.randn(5) * 0.3,
    "out.weight": torch.randn(5, 2) * 0.8,
}
NAMES = list(init.keys())


def loss_fn(p, x, t):
    y = torch.tanh(x @ p["hidden.weight"] + p["hidden.bias"]) @ p["out.weight"]
    return ((y - t) ** 2).mean()


def make_optimizer(kind, groups, hyper):
    if kind == "adam":
        return torch.optim.Adam(groups, foreach=False, **hyper)
    if kind == "adamw":
        return torch.optim.AdamW(groups, foreach=False, **hyper)
    if kind == "sgd":
        return torch.optim.SGD(groups, foreach=False, **hyper)
    raise ValueError(kind)


def trajectory(name, kind, hyper, groups=None, clip=None, dtype=torch.float32):
    """groups: list of (group name, [param names], {overrides}); the rest go to a final 'default' group."""
    p = {n: init[n].clone().to(dtype).requires_grad_(True) for n in NAMES}
    x, t = x0.to(dtype), t0.to(dtype)
    spec = []
    torch_groups = []
    used = set()
    for gname, names, over in groups or []:
        torch_groups.append({"params": [p[n] for n in names], **over})
        spec.append({"name": gname, "parameters": names, **over})
        used.update(names)
    rest = [n for n in NAMES if n not in used]
    if rest:
        torch_groups.append({"params": [p[n] for n in rest]})
        spec.append({"name": "default", "parameters": rest})
    opt = make_optimizer(kind, torch_groups, hyper)
    steps = []
    for k in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(p, x, t)
        loss.backward()
        norm = None
        if clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_([p[n] for n in NAMES], clip, foreach=False))
        opt.step()
        steps.append({"step": k + 1, "loss": float(loss.detach()), "grad_norm": norm,
                      "params": {n: enc(p[n]) for n in NAMES}})
    return {"name": name, "optimizer": kind, "dtype": "float64" if dtype == torch.float64 else "float32",
            "hyper": hyper, "groups": spec, "clip": clip, "steps": steps}


# Every configuration runs in float32 (all 10 steps stored) and in float64 (steps F64_STEPS stored, to keep the
# file small). The float64 runs check the optimiser arithmetic to double precision; the float32 runs check the
# float32 path, whose agreement is limited by float32 rounding of the forward/backward pass that the 10 steps
# amplify. The configurations are chosen so that torch's own float32 trajectory stays within ~3e-6 (relative,
# floor 1e-2) of its float64 trajectory; chaotic ones (e.g. SGD lr 0.1, momentum 0.9, whose float32 run drifts
# 4e-5 from float64) would only measure that noise.
F64_STEPS = [1, 3, 10]
CONFIGS = [
    ("adam", "adam", {"lr": 1e-2}, None, None),
    ("adam_l2", "adam", {"lr": 1e-2, "weight_decay": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}, None, None),
    ("adamw", "adamw", {"lr": 1e-2, "weight_decay": 0.1}, None, None),
    ("sgd_momentum", "sgd", {"lr": 0.01, "momentum": 0.9}, None, None),
    ("sgd_dampening_wd", "sgd", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, None, None),
    ("sgd_nesterov", "sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, None, None),
    ("sgd_plain", "sgd", {"lr": 0.05}, None, None),
    ("adam_groups", "adam", {"lr": 1e-2}, [("head", ["out.weight"], {"lr": 3e-3, "weight_decay": 0.05})], None),
    ("adamw_clip", "adamw", {"lr": 1e-2, "weight_decay": 0.1}, None, 0.5),
]
trajectories = []
for name, kind, hyper, groups, clip in CONFIGS:
    trajectories.append(trajectory(name, kind, hyper, groups=groups, clip=clip))
    tr64 = trajectory(name + "_float64", kind, hyper, groups=groups, clip=clip, dtype=torch.float64)
    tr64["steps"] = [s for s in tr64["steps"] if s["step"] in F64_STEPS]
    trajectories.append(tr64)
for tr in trajectories:  # JSON has no tuples
    if "betas" in tr["hyper"]:
        tr["hyper"]["betas"] = list(tr["hyper"]["betas"])

# Gradient clipping on fixed gradients.
clip_grads = [torch.randn(3, 4), torch.randn(5), torch.randn(2, 2, 2)]
clipping = []
for max_norm in (0.5, 100.0):
    ps = [torch.zeros_like(g, requires_grad=True) for g in clip_grads]
    for q, g in zip(ps, clip_grads):
        q.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, foreach=False)
    clipping.append({"max_norm": max_norm, "grads": [enc(g) for g in clip_grads], "total_norm": float(total),
                     "clipped": [enc(q.grad) for q in ps]})


# Learning-rate schedules over two parameter groups with different base learning rates.
BASE_LRS = [0.1, 0.01]


def two_group_optimizer():
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    return torch.optim.SGD([{"params": [a], "lr": BASE_LRS[0]}, {"params": [b], "lr": BASE_LRS[1]}])


def record(sched, opt, n):
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(n):
        opt.step()
        sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    return lrs


schedules = []
opt = two_group_optimizer()
schedules.append({"name": "step", "step_size": 3, "gamma": 0.5, "base_lrs": BASE_LRS,
                  "lrs": record(torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), opt, 12)})


def cosine_warmup(warmup, total, min_factor):
    # The Swift CosineWarmupLR convention: linear warm-up (step+1)/warmup, then half a cosine from 1 to min_factor
    # over the remaining total - warmup steps, then min_factor.
    def f(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))
    return f


for warmup, total, min_factor in ((4, 14, 0.05), (0, 10, 0.0)):
    opt = two_group_optimizer()
    sched = torch.optim.lr_scheduler.LambdaLR(opt, cosine_warmup(warmup, total, min_factor))
    schedules.append({"name": "cosine_warmup", "warmup_steps": warmup, "total_steps": total, "min_factor": min_factor,
                      "base_lrs": BASE_LRS, "lrs": record(sched, opt, total + 3)})

plateau = []
metrics_min = [1.0, 0.9, 0.95, 0.899, 0.91, 0.92, 0.93, 0.85, 0.86, 0.86, 0.86, 0.86, 0.84, 0.9, 0.9, 0.9, 0.9,
               0.9, 0.9, 0.9, 0.9]
metrics_max = [0.30, 0.35, 0.351, 0.34, 0.36, 0.36, 0.36, 0.40, 0.40, 0.399, 0.41, 0.405, 0.405, 0.405, 0.5, 0.5]
for cfg, metrics in (
        ({"mode": "min", "factor": 0.5, "patience": 2, "threshold": 1e-2, "cooldown": 1, "min_lr": 0.02}, metrics_min),
        ({"mode": "max", "factor": 0.1, "patience": 1, "threshold": 1e-3, "cooldown": 0, "min_lr": 0.0}, metrics_max),
        ({"mode": "min", "factor": 0.3, "patience": 0, "threshold": 0.0, "cooldown": 2, "min_lr": 1e-4}, metrics_min)):
    opt = two_group_optimizer()
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="rel", **cfg)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for m in metrics:
        opt.step()
        sched.step(m)
        lrs.append([g["lr"] for g in opt.param_groups])
    plateau.append({**cfg, "base_lrs": BASE_LRS, "metrics": metrics, "lrs": lrs})

model = {"x": enc(x0), "target": enc(t0), "params": {n: enc(init[n]) for n in NAMES}}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_optim_fixtures.py", "torch": torch.__version__, "model": model,
               "trajectories": trajectories, "clipping": clipping, "schedules": schedules, "plateau": plateau}, f,
              separators=(",", ":"))
print(f"wrote {len(trajectories)} trajectories, {len(clipping)} clipping, {len(schedules)} schedule and "
      f"{len(plateau)} plateau cases to {OUT}")
