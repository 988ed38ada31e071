#!/usr/bin/env python3
"""Compares an exported raw-audio ONNX model with `ser-cli predict` on the same audio files, and times both.

    ser-cli export --model M.safetensors --format onnx --input audio --output m.onnx
    /usr/bin/time ser-cli predict --model M.safetensors --window 600 --hop 600 --json FILES > predict.json
    .venv-onnx/bin/python scripts/onnx_predict_compare.py m.onnx predict.json

Each file (16-bit or float WAV at the model's sample rate, mono) is cut into the same analysis windows as
`ser-cli predict` (--window/--hop seconds, read from the JSON; a file no longer than one window is one window,
the last window aligned to the end), ONNX Runtime classifies each window (batch 1) and the file's posteriors
are the mean of its windows', as in predict. Prints per file the two classes and the largest posterior
difference, then the agreement, the worst difference and the ONNX Runtime times (session creation and
inference). Exits 1 when a class differs or a posterior differs by more than --tolerance (default 1e-4).
Needs only numpy and onnxruntime (scripts/onnx-requirements.txt).
"""
import argparse
import json
import sys
import time
import wave

import numpy as np
import onnxruntime as ort


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit mono WAV")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
        return data, w.getframerate()


def window_ranges(samples, rate, window_seconds, hop_seconds):
    """SwiftSER's AnalysisWindows.ranges."""
    w = max(1, int(round(window_seconds * rate)))
    h = max(1, int(round(hop_seconds * rate)))
    if samples <= w:
        return [(0, samples)]
    out, start = [], 0
    while start + w <= samples:
        out.append((start, start + w))
        start += h
    if out[-1][1] < samples:
        out.append((samples - w, samples))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="exported model (--input audio)")
    parser.add_argument("predict_json", help="output of ser-cli predict --json on the files")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=0, help="ONNX Runtime intra-op threads (0: its default)")
    args = parser.parse_args()
    report = json.load(open(args.predict_json))

    start = time.perf_counter()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    created = time.perf_counter() - start
    classes = json.loads(session.get_modelmeta().custom_metadata_map["classes"])
    if classes != report["classes"]:
        print(f"class lists differ: ONNX {classes}, predict {report['classes']}", file=sys.stderr)
        return 1
    rate = int(session.get_modelmeta().custom_metadata_map["sample_rate"])

    inference, agree, worst, failed = 0.0, 0, 0.0, 0
    for entry in report["files"]:
        audio, file_rate = read_wav(entry["file"])
        if file_rate != rate:
            raise ValueError(f"{entry['file']}: {file_rate} Hz, the model reads {rate} Hz")
        t0 = time.perf_counter()
        windows = [session.run(["posteriors"], {"audio": audio[None, a:b]})[0][0]
                   for a, b in window_ranges(len(audio), rate, report["windowSeconds"], report["hopSeconds"])]
        inference += time.perf_counter() - t0
        onnx_posteriors = np.mean(windows, axis=0)
        swift = np.asarray(entry["posteriors"])
        difference = float(np.max(np.abs(onnx_posteriors - swift)))
        same = classes[int(onnx_posteriors.argmax())] == entry["predicted"]
        agree += same
        worst = max(worst, difference)
        failed += (not same) or difference > args.tolerance
        print(f"{entry['file'].split('/')[-1]:>14}  {len(windows)} window(s)  predict {entry['predicted']:>8}  "
              f"onnx {classes[int(onnx_posteriors.argmax())]:>8}  max |posterior difference| {difference:.1e}")
    n = len(report["files"])
    print(f"same class on {agree} of {n} files; worst posterior difference {worst:.2e} (tolerance {args.tolerance:g})")
    print(f"ONNX Runtime {ort.__version__}: session creation {created:.3f} s, inference {inference:.3f} s "
          f"({inference / n * 1000:.1f} ms per file)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
