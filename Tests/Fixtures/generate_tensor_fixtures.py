#!/usr/bin/env python3
"""Reference values for SERTensor's elementwise ops, reductions, softmax and matmul, computed by NumPy.

Writes Tests/Fixtures/tensor/ops.json: a list of cases {op, inputs: [{shape, data}], params, output: {shape, data}}.
Inputs are float32; NumPy computes in float64 from those float32 values and the result is rounded to float32,
so the fixture holds the correctly rounded answer and the Swift test measures SwiftSER's own float32 error.
Run: venv/bin/python Tests/Fixtures/generate_tensor_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20211)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor", "ops.json")


def arr(shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def repr_f32(v):
    """Shortest decimal that round-trips the float32 value (keeps the JSON small)."""
    return np.format_float_positional(np.float32(v), unique=True, trim="-") if np.isfinite(v) else float(v)


def enc(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [float(repr_f32(v)) for v in a.astype(np.float32).ravel()]}


cases = []


def case(op, inputs, output, **params):
    cases.append({"op": op, "inputs": [enc(x) for x in inputs], "params": params, "output": enc(output)})


d = lambda a: a.astype(np.float64)

# Binary ops with broadcasting.
for sa, sb in [((3, 5), (3, 5)), ((2, 3, 5), (5,)), ((4, 1, 3), (1, 6, 1)), ((7,), ()), ((), (2, 3)), ((3, 1), (1, 4))]:
    a, b = arr(sa), arr(sb)
    bp = np.where(np.abs(b) < 0.3, 0.7, b).astype(np.float32)
    case("add", [a, b], d(a) + d(b))
    case("sub", [a, b], d(a) - d(b))
    case("mul", [a, b], d(a) * d(b))
    case("div", [a, bp], d(a) / d(bp))
    case("maximum", [a, b], np.maximum(d(a), d(b)))
    case("minimum", [a, b], np.minimum(d(a), d(b)))
    pa = arr(sa, 0.2, 3.0)
    case("pow", [pa, b], np.power(d(pa), d(b)))

# Unary ops.
x = arr((4, 7), -3, 3)
xp = arr((4, 7), 0.05, 5)
case("neg", [x], -d(x))
case("exp", [x], np.exp(d(x)))
case("log", [xp], np.log(d(xp)))
case("log1p", [xp], np.log1p(d(xp)))
case("sqrt", [xp], np.sqrt(d(xp)))
case("abs", [x], np.abs(d(x)))
case("sin", [x], np.sin(d(x)))
case("cos", [x], np.cos(d(x)))
case("tanh", [x], np.tanh(d(x)))
case("sigmoid", [x], 1 / (1 + np.exp(-d(x))))
case("relu", [x], np.maximum(d(x), 0))
case("leakyRelu", [x], np.where(d(x) > 0, d(x), 0.2 * d(x)), slope=0.2)
case("clamp", [x], np.clip(d(x), -1.0, 0.5), low=-1.0, high=0.5)
case("powScalar", [xp], np.power(d(xp), 1.7), exponent=1.7)
big = arr((3, 9), -80, 80)
case("sigmoid", [big], 1 / (1 + np.exp(-d(big))))
c, a, b = (arr((3, 4)) > 0).astype(np.float32), arr((3, 4)), arr((4,))
case("where", [c, a, b], np.where(c != 0, d(a), d(b)))

# Reductions.
t = arr((3, 4, 5))
for axes in [None, [0], [1], [2], [0, 2], [1, 2], [-1]]:
    ax = None if axes is None else tuple(axes)
    case("sum", [t], np.sum(d(t), axis=ax), axes=axes)
    case("mean", [t], np.mean(d(t), axis=ax), axes=axes)
    case("max", [t], np.max(d(t), axis=ax), axes=axes)
    case("min", [t], np.min(d(t), axis=ax), axes=axes)
    case("variance", [t], np.var(d(t), axis=ax, ddof=1), axes=axes)
    m = np.max(d(t), axis=ax, keepdims=True)
    case("logSumExp", [t], np.squeeze(np.log(np.sum(np.exp(d(t) - m), axis=ax, keepdims=True)) + m, axis=ax), axes=axes)
case("sum", [t], np.sum(d(t), axis=1, keepdims=True), axes=[1], keepDims=True)
long = arr((2, 1031))
case("sum", [long], np.sum(d(long), axis=1), axes=[1])
for axis in [0, 1, 2]:
    case("argmax", [t], np.argmax(t, axis=axis).astype(np.float64), axis=axis)
    e = np.exp(d(t) - np.max(d(t), axis=axis, keepdims=True))
    sm = e / e.sum(axis=axis, keepdims=True)
    case("softmax", [t], sm, axis=axis)
    case("logSoftmax", [t], np.log(sm), axis=axis)

# Matmul, including transposes and broadcast batches.
def mm(a, b, ta, tb):
    aa = np.swapaxes(d(a), -1, -2) if ta else d(a)
    bb = np.swapaxes(d(b), -1, -2) if tb else d(b)
    return np.matmul(aa, bb)

for sa, sb, ta, tb in [((3, 4), (4, 5), False, False), ((4, 3), (4, 5), True, False), ((3, 4), (5, 4), False, True),
                       ((4, 3), (5, 4), True, True), ((2, 3, 4), (4, 5), False, False), ((2, 3, 4), (2, 4, 5), False, False),
                       ((4, 5), (3, 5, 2), False, False), ((2, 1, 3, 4), (1, 3, 5, 4), False, True),
                       ((4,), (4, 5), False, False), ((3, 4), (4,), False, False)]:
    a, b = arr(sa), arr(sb)
    case("matmul", [a, b], mm(a, b, ta, tb) if len(sa) > 1 and len(sb) > 1 else np.matmul(d(a), d(b)),
         transposeA=ta, transposeB=tb)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "generate_tensor_fixtures.py", "numpy": np.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
