#!/usr/bin/env python3
"""Reference files for SERTensor's safetensors and .npy readers/writers, made by the reference libraries.

Writes Tests/Fixtures/io/:
  st_*.safetensors  by safetensors.torch.save_file / safetensors.numpy.save_file (F32, F16, BF16, F64, mixed)
  npy_*.npy         by numpy.save / numpy.lib.format.write_array (f4, f8, 0-d, empty, 3-D, versions 2.0/3.0,
                    and files the reader must reject: Fortran order, big-endian, int32, object)
  expected.json     {"files": {file: {"metadata": {...} | null, "tensors": {name: {"shape", "dtype", "f32", "f64"}}}},
                     "byte_identical": {file: dtype}}
                    "f32"/"f64" are the element values after conversion to float32/float64 *by torch*,
                    as hex bit patterns (exact; NaNs are compared as "is NaN" because torch's float16->float32
                    NaN payload differs from a plain bit shift).
"byte_identical" lists the files whose bytes SwiftSER's writer must reproduce exactly after reading them
(only files whose metadata has at most one key: the reference writes metadata keys in hash-map order).
Run: venv/bin/python Tests/Fixtures/generate_io_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import safetensors
import safetensors.numpy
import safetensors.torch
import torch

assert safetensors.__version__ == "0.8.0", safetensors.__version__
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "io")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7741)
expected = {}


def bits(t):
    """Hex bit patterns of a tensor's float32 and float64 conversions (done by torch)."""
    t = t.detach().cpu().contiguous()
    f32 = t.to(torch.float32).reshape(-1).numpy().view(np.uint32)
    f64 = t.to(torch.float64).reshape(-1).numpy().view(np.uint64)
    return [format(int(v), "08x") for v in f32], [format(int(v), "016x") for v in f64]


def record(file, tensors, metadata, dtype_names):
    entry = {"metadata": metadata, "tensors": {}}
    for name, t in tensors.items():
        f32, f64 = bits(t)
        entry["tensors"][name] = {"shape": list(t.shape), "dtype": dtype_names[name], "f32": f32, "f64": f64}
    expected[file] = entry


def save_torch(file, tensors, metadata=None):
    safetensors.torch.save_file(tensors, os.path.join(OUT, file), metadata=metadata)
    names = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
    record(file, tensors, metadata, {k: names[v.dtype] for k, v in tensors.items()})


def save_numpy(file, arrays, metadata=None):
    safetensors.numpy.save_file(arrays, os.path.join(OUT, file), metadata=metadata)
    names = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.float16): "F16"}
    record(file, {k: torch.from_numpy(v.copy(order="C")) for k, v in arrays.items()}, metadata,
           {k: names[v.dtype] for k, v in arrays.items()})


inf, nan = float("inf"), float("nan")

# --- safetensors -------------------------------------------------------------------------------------------
# F32: several ranks, an empty tensor, special values; names whose byte order differs from other orders.
save_torch("st_f32.safetensors", {
    "weight": torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32)),
    "bias": torch.tensor([0.5, -0.25, 1e-3, 7.0], dtype=torch.float32),
    "scalar": torch.tensor(3.25, dtype=torch.float32),
    "empty": torch.zeros((0, 3), dtype=torch.float32),
    "special": torch.tensor([0.0, -0.0, inf, -inf, 1e-45, 3.4028235e38, -1.17549435e-38, nan], dtype=torch.float32),
    "B.upper": torch.tensor([1.0], dtype=torch.float32),
    "a.lower": torch.tensor([2.0], dtype=torch.float32),
}, metadata={"format": "pt"})

# F16: normal, subnormal, extreme and special values; multi-key metadata.
h = [0.0, -0.0, 65504.0, -65504.0, 6.103515625e-05, 5.960464477539063e-08, 3.0517578125e-05, inf, -inf, nan,
     1.0 / 3.0, -2.5, 1000.5, 0.1]
save_torch("st_f16.safetensors", {
    "half": torch.tensor(h, dtype=torch.float16).reshape(2, 7),
    "random": torch.from_numpy(rng.standard_normal((4, 4))).to(torch.float16),
}, metadata={"format": "pt", "note": "float16 fixture", "quote\"d": "line\nbreak"})

# BF16.
b = [0.0, -0.0, 3.3895313892515355e38, -3.3895313892515355e38, 1.1754943508222875e-38, 9.183549615799121e-41,
     inf, -inf, nan, 1.0 / 3.0, -2.5, 1000.5, 0.1, 65536.0]
save_torch("st_bf16.safetensors", {
    "bf": torch.tensor(b, dtype=torch.bfloat16).reshape(7, 2),
    "random": torch.from_numpy(rng.standard_normal((3, 5))).to(torch.bfloat16),
}, metadata={"format": "pt", "note": "bfloat16 fixture"})

# F64 (numpy writer): values that need rounding to float32, overflow/underflow, ties.
d = np.array([1.0 / 3.0, np.pi, -np.e, 1e300, -1e300, 1e-50, 1.0 + 2.0 ** -24, 1.0 + 3 * 2.0 ** -24,
              16777217.0, 0.1, -0.0, np.nan], dtype=np.float64).reshape(3, 4)
save_numpy("st_f64.safetensors", {"d": d, "v": rng.standard_normal(5)}, metadata={"producer": "safetensors.numpy"})

# Mixed dtypes in one file (tests offset handling across element sizes).
save_torch("st_mixed.safetensors", {
    "x64": torch.tensor([[1.5, -2.0], [1e-310, 2.0 ** 70]], dtype=torch.float64),
    "x32": torch.tensor([0.1, 0.2, 0.3], dtype=torch.float32),
    "x16": torch.tensor([0.1, -65504.0, 6e-8], dtype=torch.float16),
    "xbf": torch.tensor([0.1, -1e38, 1e-39], dtype=torch.bfloat16),
})

# Float64 + float32 without metadata, and no tensors at all: the writer must reproduce these bytes.
save_torch("st_f64_f32.safetensors", {
    "w": torch.from_numpy(rng.standard_normal((2, 3))),
    "b": torch.from_numpy(rng.standard_normal(3).astype(np.float32)),
    "s": torch.tensor(2.0, dtype=torch.float64),
})
save_torch("st_no_tensors.safetensors", {}, metadata={"k": "v"})

# --- npy ---------------------------------------------------------------------------------------------------


def save_npy(file, a, version=None, allow_pickle=False, record_values=True):
    path = os.path.join(OUT, file)
    if version is None:
        np.save(path, a, allow_pickle=allow_pickle)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    if record_values:
        t = torch.from_numpy(a.copy(order="C"))  # (np.ascontiguousarray would turn a 0-d array into 1-d)
        record(file, {"array": t}, None, {"array": a.dtype.str})


save_npy("npy_f4_2d.npy", rng.standard_normal((3, 4)).astype(np.float32))
save_npy("npy_f8.npy", np.array([1.0 / 3.0, 1e300, 1e-50, 1.0 + 2.0 ** -24, 1.0 + 3 * 2.0 ** -24, -0.0, np.inf],
                                dtype=np.float64))
save_npy("npy_0d.npy", np.array(2.5, dtype=np.float32))
save_npy("npy_empty.npy", np.zeros((0, 3), dtype=np.float32))
save_npy("npy_3d.npy", rng.standard_normal((2, 3, 4)).astype(np.float32))
save_npy("npy_long_axis.npy", np.arange(1234567, 1234567 + 12, dtype=np.float32).reshape(12, 1) / 7)
save_npy("npy_v2.npy", np.array([1.0, -2.0, 0.5], dtype=np.float32), version=(2, 0))
save_npy("npy_v3.npy", np.array([[1.0, -2.0], [0.5, 4.0]], dtype=np.float32), version=(3, 0))
# Files the reader must reject.
save_npy("npy_fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)), record_values=False)
save_npy("npy_bigendian.npy", np.arange(4).astype(">f4"), record_values=False)
save_npy("npy_int32.npy", np.arange(4, dtype=np.int32), record_values=False)
save_npy("npy_object.npy", np.array([1, "a"], dtype=object), allow_pickle=True, record_values=False)

byte_identical = {
    # file: dtype to read it as before re-encoding (float64 files are re-encoded with keepFloat64)
    "st_f32.safetensors": "float32",
    "st_f64_f32.safetensors": "float64",
    "st_no_tensors.safetensors": "float32",
    "npy_f4_2d.npy": "float32",
    "npy_f8.npy": "float64",
    "npy_0d.npy": "float32",
    "npy_empty.npy": "float32",
    "npy_3d.npy": "float32",
    "npy_long_axis.npy": "float32",
}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"files": expected, "byte_identical": byte_identical}, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", sorted(os.listdir(OUT)))
