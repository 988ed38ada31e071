#!/usr/bin/env python3
"""PyTorch references for SERTensor's convolution, pooling, normalisation and loss ops.

For each case: float32 inputs, the op's output, and the gradients of L = sum(proj * output) with respect to every
input, where proj is a fixed random tensor stored in the fixture. Writes Tests/Fixtures/nn/ops.json.
Run: venv/bin/python Tests/Fixtures/generate_nn_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(2021)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn", "ops.json")


def short(v):
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def enc(t):
    a = t.detach().cpu().numpy().astype(np.float32)
    return {"shape": list(a.shape), "data": [short(v) for v in a.ravel()]}


cases = []


def case(name, fn, inputs, **params):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = fn(*xs)
    proj = torch.randn_like(y) if y.dim() > 0 else torch.ones(())
    (proj * y).sum().backward()
    cases.append({"name": name, "params": params, "inputs": [enc(x) for x in inputs], "output": enc(y),
                  "projection": enc(proj), "grads": [enc(x.grad) for x in xs]})


r = torch.randn
# Convolutions.
case("conv1d", lambda x, w, b: F.conv1d(x, w, b), [r(2, 3, 11), r(4, 3, 3), r(4)])
case("conv1d_stride2_pad1", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [r(2, 3, 11), r(4, 3, 3), r(4)])
case("conv1d_causal_dil2", lambda x, w: F.conv1d(F.pad(x, (4, 0)), w, dilation=2), [r(2, 3, 11), r(4, 3, 3)])
case("conv1d_replicate", lambda x, w, b: F.conv1d(F.pad(x, (2, 1), mode="replicate"), w, b, stride=3),
     [r(2, 3, 11), r(4, 3, 3), r(4)])
case("conv2d", lambda x, w, b: F.conv2d(x, w, b), [r(2, 2, 7, 5), r(3, 2, 3, 2), r(3)])
case("conv2d_stride_pad", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), [r(2, 2, 7, 5), r(3, 2, 3, 3), r(3)])
case("conv2d_dilation", lambda x, w: F.conv2d(x, w, dilation=2), [r(2, 2, 7, 5), r(3, 2, 3, 2)])
case("conv2d_replicate", lambda x, w, b: F.conv2d(F.pad(x, (1, 1, 1, 2), mode="replicate"), w, b, stride=(1, 2)),
     [r(2, 2, 7, 5), r(3, 2, 3, 2), r(3)])
# Pooling.
case("avg_pool2d", lambda x: F.avg_pool2d(x, (2, 3), stride=(2, 1)), [r(2, 3, 7, 5)])
case("max_pool2d", lambda x: F.max_pool2d(x, (3, 2), stride=(2, 2)), [r(2, 3, 7, 5)])
case("avg_pool1d", lambda x: F.avg_pool1d(x, 3, stride=2), [r(2, 3, 9)])
case("max_pool1d", lambda x: F.max_pool1d(x, 4), [r(6, 35)])
# Normalisation.
case("batch_norm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [r(4, 3, 5), r(3), r(3)])
rm, rv = r(3), r(3).abs() + 0.5
case("batch_norm_eval", lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), [r(4, 3, 5), r(3), r(3)],
     running_mean=enc(rm), running_var=enc(rv))
case("batch_norm2d_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [r(3, 2, 3, 4), r(2), r(2)])
case("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), [r(2, 4, 7), r(4), r(4)])
case("layer_norm", lambda x, w, b: F.layer_norm(x, (5,), w, b), [r(2, 3, 5), r(5), r(5)])
case("layer_norm_2d", lambda x, w, b: F.layer_norm(x, (3, 5), w, b), [r(2, 3, 5), r(3, 5), r(3, 5)])
# Losses.
targets = [0, 3, 1, 1, 2]
cw = torch.tensor([1.0, 1.6, 0.8, 1.3])
t = torch.tensor(targets)
case("cross_entropy", lambda x: F.cross_entropy(x, t), [r(5, 4)], targets=targets)
case("cross_entropy_weighted", lambda x: F.cross_entropy(x, t, weight=cw), [r(5, 4)], targets=targets, weights=enc(cw))
case("cross_entropy_smoothed", lambda x: F.cross_entropy(x, t, weight=cw, label_smoothing=0.1), [r(5, 4)],
     targets=targets, weights=enc(cw), smoothing=0.1)
yb = (torch.rand(3, 4) > 0.5).float()
case("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x, yb), [r(3, 4) * 3], targets=enc(yb))

# Convolutions for the direct path (stride 1, padding below the kernel size), drawn last so the cases above keep
# their values: 3 x 3 "same" with two 32-column tiles, the second partial, and 5 output channels (not a whole tile);
# a 3 x 5 kernel (the weight gradient's general loop); asymmetric padding; a column stride of 2. Few rows and images, so that every output
# and gradient element sums at most ~80 terms, as in the cases above: the float32 reference's own rounding grows with
# the number of terms, and the check is relative per element.
case("conv2d_direct_same", lambda x, w, b: F.conv2d(x, w, b, padding=1), [r(1, 2, 2, 37), r(5, 2, 3, 3), r(5)])
case("conv2d_direct_wide_kernel", lambda x, w: F.conv2d(x, w, padding=(1, 2)), [r(1, 3, 3, 20), r(11, 3, 3, 5)])
case("conv2d_direct_asymmetric", lambda x, w, b: F.conv2d(F.pad(x, (1, 0, 0, 2)), w, b), [r(1, 2, 4, 17), r(9, 2, 3, 3), r(9)])
# Column stride 2 (STRFNet's residual blocks): 35 output columns, two tiles.
case("conv2d_direct_stride_w2", lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=1), [r(1, 3, 2, 70), r(10, 3, 3, 3), r(10)])
# Batch normalisation with rows longer than 32 values (float32 rows are summed in 32 lanes, then the tail): 5 x 17 =
# 85 values per row, two whole blocks and a 21-value tail; drawn after the cases above.
case("batch_norm2d_train_rows", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     [r(2, 3, 5, 17), r(3), r(3)])

# Inference convolutions with an evaluation-mode batch norm and LeakyReLU after them (Tensor.conv2dInference folds
# both into the convolution); drawn after the cases above. The running statistics, eps and slope are in params;
# inputs are x, weight, (bias,) gamma, beta. The gradients are stored but not used.
def eval_stats(channels):
    mean, var = r(channels), r(channels).abs() + 0.5
    return mean, var, {"running_mean": enc(mean), "running_var": enc(var)}


rm_d, rv_d, stats_d = eval_stats(10)
case("inference_conv2d_bn_leaky_direct",
     lambda x, w, b, g, be: F.leaky_relu(F.batch_norm(F.conv2d(x, w, b, padding=1), rm_d, rv_d, g, be, training=False,
                                                      eps=1e-5), 0.01),
     [r(2, 3, 5, 40), r(10, 3, 3, 3), r(10), r(10), r(10)], negative_slope=0.01, eps=1e-5, **stats_d)
rm_t, rv_t, stats_t = eval_stats(8)
case("inference_conv2d_bn_leaky_wide",
     lambda x, w, g, be: F.leaky_relu(F.batch_norm(F.conv2d(x, w, stride=(1, 2), padding=1), rm_t, rv_t, g, be,
                                                   training=False, eps=1e-3), 0.2),
     [r(2, 40, 4, 12), r(8, 40, 3, 3), r(8), r(8)], negative_slope=0.2, eps=1e-3, **stats_t)

# Batch norm with LeakyReLU after it, one op in SwiftSER (Tensor.batchNorm(..., negativeSlope:)): training (rows of
# 85 values: lane blocks and a tail) and evaluation with running statistics; drawn after the cases above. The slope
# (and the running statistics) are in params; inputs are x, gamma, beta.
case("batch_norm2d_leaky_train",
     lambda x, w, b: F.leaky_relu(F.batch_norm(x, None, None, w, b, training=True), 0.2),
     [r(2, 3, 5, 17), r(3), r(3)], negative_slope=0.2)
rm_l, rv_l, stats_l = eval_stats(3)
case("batch_norm_leaky_eval",
     lambda x, w, b: F.leaky_relu(F.batch_norm(x, rm_l, rv_l, w, b, training=False), 0.01),
     [r(4, 3, 40), r(3), r(3)], negative_slope=0.01, **stats_l)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_nn_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
