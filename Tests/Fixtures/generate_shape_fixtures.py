#!/usr/bin/env python3
"""Reference values for SERTensor's shape ops (permute, transpose, slice, narrow, concat, stack, pad,
indexSelect, gather, expand), computed by NumPy.

Writes one JSON file per op family to Tests/Fixtures/shape/: {"cases": [{op, inputs: [{shape, data}],
params, output: {shape, data}, gradOutput: {shape, data}, gradInputs: [{shape, data}]}]}.

These ops only move elements, so the Swift tests compare with zero tolerance:
- inputs are float32 values and outputs are copies of them;
- gradOutput holds small integers, and each gradient is computed independently of any backward rule,
  as the transposed Jacobian of the (linear) op applied to gradOutput: element k of input i gets
  sum(gradOutput * f(e_k)) where e_k is the k-th basis tensor (the constant of constant padding is 0
  there). Sums of small integers are exact in float32.
Run: venv/bin/python Tests/Fixtures/generate_shape_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240613)
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shape")


def arr(shape):
    return rng.uniform(-2.0, 2.0, size=shape).astype(np.float32)


def repr_f32(v):
    """Shortest decimal that round-trips the float32 value (keeps the JSON small)."""
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def enc(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [repr_f32(v) for v in a.astype(np.float32).ravel()]}


def jacobian_transpose(f, inputs, gout):
    """sum(gout * f(basis)) for every basis element of every input: the exact gradient of a linear f."""
    grads = []
    for i, x in enumerate(inputs):
        g = np.zeros(x.size, dtype=np.float64)
        for k in range(x.size):
            basis = [np.zeros(y.shape, dtype=np.float64) for y in inputs]
            basis[i].reshape(-1)[k] = 1.0
            g[k] = np.sum(gout * f(*basis))
        grads.append(g.reshape(x.shape))
    return grads


files = {}


def case(family, op, inputs, f, linear=None, **params):
    """Records op(inputs) = f(*inputs) with its gradient (from `linear`, default f) for a random gradOutput."""
    out = f(*inputs)
    gout = rng.integers(-4, 5, size=out.shape).astype(np.float64)
    grads = jacobian_transpose(linear or f, inputs, gout)
    files.setdefault(family, []).append({
        "op": op, "inputs": [enc(x) for x in inputs], "params": params, "output": enc(out),
        "gradOutput": enc(gout), "gradInputs": [enc(g) for g in grads]})


# Permute and transpose (numpy.transpose / numpy.swapaxes).
for shape, axes in [((3, 5, 2), [2, 0, 1]), ((4, 3), [1, 0]), ((9, 11), [1, 0]), ((2, 3, 4, 5), [0, 2, 3, 1]),
                    ((2, 3, 4, 5), [3, 1, 0, 2]), ((3, 5, 2), [-1, 0, 1]), ((5, 6, 7), [0, 2, 1]), ((7,), [0])]:
    case("permute", "permute", [arr(shape)], lambda x, axes=axes: np.transpose(x, axes), axes=axes)
for shape, a, b in [((3, 5, 2), 0, 2), ((2, 3, 5), -2, -1), ((4, 6), 0, 1), ((2, 3, 5), 1, 1)]:
    case("permute", "transpose", [arr(shape)], lambda x, a=a, b=b: np.swapaxes(x, a, b), a=a, b=b)


# Strided slices (Python slicing, including negative and out-of-range bounds) and narrow.
def slicer(axis, start, end, step):
    def f(x):
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, end, step)
        return x[tuple(index)]
    return f


for shape, axis, start, end, step in [((7, 4), 0, 1, 6, 2), ((3, 9, 2), 1, -7, None, 2), ((5, 6), -1, -4, -1, 1),
                                      ((5, 7), 1, None, None, 3), ((4, 5), 0, 10, 20, 1), ((4, 5), 0, -100, 2, 1),
                                      ((2, 3, 11), 2, 1, None, 4), ((9,), 0, None, -2, 2), ((3, 5, 2), 0, -1, None, 1),
                                      ((6, 3), 0, 4, 1, 1), ((2, 5, 3), -2, 1, 100, 2)]:
    case("slice", "slice", [arr(shape)], slicer(axis, start, end, step), axis=axis, start=start, end=end, step=step)
for shape, axis, start, length in [((5, 4), 0, 1, 3), ((3, 7), -1, -3, 2), ((2, 5, 3), 1, 0, 5), ((4, 3), 0, 2, 0)]:
    s = start if start >= 0 else start + shape[axis]
    case("slice", "narrow", [arr(shape)], slicer(axis, s, s + length, 1), axis=axis, start=start, length=length)

# Concatenation and stacking.
for shapes, axis in [([(2, 3), (4, 3), (1, 3)], 0), ([(3, 1, 2), (3, 4, 2)], 1), ([(2, 3), (2, 5)], -1),
                     ([(2, 3), (2, 0), (2, 2)], 1), ([(5,), (3,)], 0), ([(2, 3, 2), (2, 3, 1), (2, 3, 3)], 2)]:
    case("concat", "concat", [arr(s) for s in shapes], lambda *xs, axis=axis: np.concatenate(xs, axis=axis), axis=axis)
for shape, n, axis in [((3, 2), 3, 0), ((3, 2), 3, 1), ((3, 2), 2, -1), ((5,), 4, 1), ((), 3, 0)]:
    case("concat", "stack", [arr(shape) for _ in range(n)], lambda *xs, axis=axis: np.stack(xs, axis=axis), axis=axis)

# Padding: F.pad modes constant / replicate / reflect are numpy.pad constant / edge / reflect.
NP_MODE = {"constant": "constant", "replicate": "edge", "reflect": "reflect"}
for shape, pads, mode, value in [((5,), [(2, 4)], "reflect", 0.0), ((3, 5), [(1, 2), (2, 4)], "reflect", 0.0),
                                 ((4, 3), [(3, 2), (2, 2)], "reflect", 0.0), ((2, 3, 5), [(0, 0), (2, 1), (3, 0)], "replicate", 0.0),
                                 ((3, 1), [(2, 1), (0, 3)], "replicate", 0.0), ((3, 4), [(1, 0), (2, 3)], "constant", 1.5),
                                 ((2, 5, 3), [(0, 1), (0, 0), (1, 1)], "constant", -2.0), ((2, 7), [(0, 0), (3, 3)], "reflect", 0.0),
                                 ((3, 2, 4), [(1, 1), (1, 0), (0, 2)], "reflect", 0.0)]:
    def f(x, pads=pads, mode=mode, value=value):
        kw = {"constant_values": value} if mode == "constant" else {}
        return np.pad(x, pads, mode=NP_MODE[mode], **kw)

    def lin(x, pads=pads, mode=mode):
        return np.pad(x, pads, mode=NP_MODE[mode])

    case("pad", "pad", [arr(shape)], f, lin, pads=[list(p) for p in pads], mode=mode, value=value)
# paddedLast: pads for the last axes only, listed outermost first.
case("pad", "padLast", [arr((2, 3, 5))], lambda x: np.pad(x, [(0, 0), (0, 0), (1, 3)], mode="reflect"),
     pads=[[1, 3]], mode="reflect", value=0.0)
case("pad", "padLast", [arr((2, 3, 4))], lambda x: np.pad(x, [(0, 0), (2, 1), (1, 1)], mode="edge"),
     pads=[[2, 1], [1, 1]], mode="replicate", value=0.0)

# indexSelect (numpy.take) and gather (numpy.take_along_axis on the leading block of the input,
# which is torch.gather's rule for an index smaller than the input along the other axes).
for shape, axis, indices in [((5, 3), 0, [4, 0, 0, 2]), ((2, 6, 3), 1, [5, 1, 1, 1, 3]), ((3, 4), -1, [3, 3, 0]),
                             ((4,), 0, []), ((3, 5), 1, [2])]:
    case("index", "indexSelect", [arr(shape)], lambda x, axis=axis, ix=indices: np.take(x, np.array(ix, dtype=np.int64), axis=axis),
         axis=axis, indices=indices)
for shape, axis, ishape in [((3, 5), 1, (3, 4)), ((4, 3), 0, (6, 2)), ((2, 5, 3), 1, (2, 7, 2)), ((3, 4, 2), 2, (2, 3, 5)),
                            ((3, 5), -1, (2, 6)), ((6,), 0, (9,)), ((2, 3, 4), 0, (3, 2, 4))]:
    ax = axis % len(shape)
    index = rng.integers(0, shape[ax], size=ishape)

    def g(x, ax=ax, index=index):
        block = tuple(slice(0, index.shape[d]) if d != ax else slice(None) for d in range(x.ndim))
        return np.take_along_axis(x[block], index, axis=ax)

    case("index", "gather", [arr(shape)], g, axis=axis, index=enc(index.astype(np.float64)))

# Broadcast expansion (numpy.broadcast_to).
for shape, target in [((3, 1), (3, 4)), ((1, 5), (4, 5)), ((5,), (2, 3, 5)), ((2, 1, 3), (4, 2, 5, 3)),
                      ((), (2, 3)), ((1, 1), (3, 1)), ((3, 1, 1), (3, 2, 4))]:
    case("expand", "expand", [arr(shape)], lambda x, target=target: np.broadcast_to(x, target), target=list(target))

os.makedirs(OUT_DIR, exist_ok=True)
for family, cases in files.items():
    path = os.path.join(OUT_DIR, f"{family}.json")
    with open(path, "w") as f:
        json.dump({"generator": "generate_shape_fixtures.py", "numpy": np.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {path}")
