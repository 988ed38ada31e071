#!/usr/bin/env python3
"""One-off check that files written by SwiftSER load in the reference libraries (not run by `swift test`).

Usage:
  SWIFTSER_IO_EXPORT_DIR=/tmp/swiftser-io swift test --filter PersistenceTests/testExportForPythonCheck
  venv/bin/python Tests/Fixtures/check_swift_written.py /tmp/swiftser-io

The Swift test writes tensors whose element i of tensor number k is (i - 3) / (k + 4) (computed in float64,
stored as float32 unless the tensor is float64 and written with keepFloat64). This script loads them with
safetensors (numpy and torch front ends) and numpy.load, compares every value exactly, and checks that the
reference writers produce the same bytes for the loaded values.
"""
import io
import os
import sys

import numpy as np
import safetensors
import safetensors.numpy
import safetensors.torch
import torch
from safetensors import safe_open

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/swiftser-io"
failures = []


def expect(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def values(shape, k, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    return ((np.arange(n, dtype=np.float64) - 3) / (k + 4)).astype(dtype).reshape(shape)


specs = {"a": ([2, 3], 0), "b.weight": ([4], 1), "c": ([], 2), "d": ([0, 2], 3), "e64": ([3, 2], 4)}
print("safetensors", safetensors.__version__, "numpy", np.__version__, "torch", torch.__version__)

for fname, keep64, metadata in [("swift_f32.safetensors", False, {"format": "pt", "note": "written by SwiftSER"}),
                                ("swift_f64.safetensors", True, None)]:
    path = os.path.join(d, fname)
    arrays = safetensors.numpy.load_file(path)
    tensors = safetensors.torch.load_file(path)
    with safe_open(path, framework="np") as f:
        expect(f.metadata() == metadata, f"{fname}: metadata {f.metadata()}")
    expect(sorted(arrays) == sorted(specs), f"{fname}: names {sorted(arrays)}")
    for name, (shape, k) in specs.items():
        dtype = np.float64 if (keep64 and name == "e64") else np.float32
        want = values(shape, k, dtype)
        got = arrays[name]
        expect(got.dtype == dtype and list(got.shape) == shape and got.tobytes() == want.tobytes(),
               f"{fname}/{name}: {got.dtype} {list(got.shape)} values exact")
        expect(np.array_equal(tensors[name].numpy(), want), f"{fname}/{name}: torch load")
    if metadata is None or len(metadata) <= 1:
        ref = safetensors.numpy.save(arrays, metadata=metadata)
        expect(ref == open(path, "rb").read(), f"{fname}: bytes identical to safetensors.numpy.save")

for fname, shape, k, dtype in [("swift_f4.npy", [2, 3, 4], 5, np.float32), ("swift_f8.npy", [5], 6, np.float64),
                               ("swift_0d.npy", [], 7, np.float32)]:
    path = os.path.join(d, fname)
    got = np.load(path, allow_pickle=False)
    want = values(shape, k, dtype)
    expect(got.dtype == dtype and list(got.shape) == shape and np.array_equal(got, want), f"{fname}: np.load values exact")
    buf = io.BytesIO()
    np.save(buf, want)
    expect(buf.getvalue() == open(path, "rb").read(), f"{fname}: bytes identical to numpy.save")

print("FAILED:" if failures else "all checks passed", *failures, sep="\n  " if failures else "")
sys.exit(1 if failures else 0)
