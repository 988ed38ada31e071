#!/usr/bin/env python3
"""Checks ONNX models exported by SwiftSER against SwiftSER's own outputs, with ONNX Runtime.

For every NAME.onnx in the given folders (or given directly), with NAME.input.npy,
NAME.expected.logits.npy and NAME.expected.posteriors.npy beside it (written by
`ser-cli export --check-data` or the SERExportTests):

  1. onnx.checker.check_model(full_check=True) (includes shape inference);
  2. the metadata names the classes, the input and the outputs, and they match the graph;
  3. ONNX Runtime (CPU) runs the input; each output is compared with SwiftSER's:
     relative error = max |onnx - swiftser| / max |swiftser| over the output;
  4. the dynamic batch axis: the first item alone gives the first row again;
  5. the check is not blind: the two test items' logits differ by at least 100 x the tolerance.

Prints one line per model with the worst relative error; exits 1 if any model fails or exceeds
--tolerance (default 1e-4), 2 if no model was found. Pinned packages: scripts/onnx-requirements.txt.
"""
import argparse
import json
import pathlib
import sys

import numpy as np
import onnx
import onnxruntime as ort


def relative_error(actual, expected):
    scale = float(np.max(np.abs(expected)))
    return float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64)))) / max(scale, 1e-30)


def check(model_path, tolerance):
    stem = model_path.with_suffix("")
    model = onnx.load(str(model_path))
    onnx.checker.check_model(model, full_check=True)
    metadata = {p.key: p.value for p in model.metadata_props}
    classes = json.loads(metadata["classes"]) if "classes" in metadata else None   # none for wav2vec 1.0
    outputs = json.loads(metadata["output_names"])
    graph_inputs = [i.name for i in model.graph.input]
    if graph_inputs != [metadata["input_name"]]:
        raise AssertionError(f"graph inputs {graph_inputs} but metadata input_name {metadata['input_name']!r}")
    if [o.name for o in model.graph.output] != outputs:
        raise AssertionError(f"graph outputs {[o.name for o in model.graph.output]} but metadata {outputs}")

    x = np.load(f"{stem}.input.npy").astype(np.float32)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    results = dict(zip(outputs, session.run(outputs, {metadata["input_name"]: x})))
    errors = {}
    for name in outputs:
        expected = np.load(f"{stem}.expected.{name}.npy")
        if results[name].shape != expected.shape or (classes and name != "z" and expected.shape[-1] != len(classes)):
            raise AssertionError(f"{name}: ONNX {results[name].shape}, SwiftSER {expected.shape}, classes {classes}")
        errors[name] = relative_error(results[name], expected)
    # The check input must move the outputs: a model whose logits hardly depend on its input would hide errors
    # in the front end behind the output biases.
    expected_logits = np.load(f"{stem}.expected.{outputs[0]}.npy")
    spread = relative_error(expected_logits[:1], expected_logits[1:2]) if len(expected_logits) > 1 else 1.0
    if spread < 100 * tolerance:
        raise AssertionError(f"the two test items' {outputs[0]} differ by only {spread:.1e} (relative): the check would be blind")
    errors["(item spread)"] = spread
    single = dict(zip(outputs, session.run(outputs, {metadata["input_name"]: x[:1]})))
    errors["batch-of-1"] = max(relative_error(single[n], results[n][:1]) for n in outputs)
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=pathlib.Path, help="folders with exported models, or .onnx files")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="largest relative error accepted (default 1e-4)")
    args = parser.parse_args()
    models = []
    for p in args.paths:
        models += sorted(p.glob("*.onnx")) if p.is_dir() else [p]
    if not models:
        print("onnx_check: no .onnx models found in " + ", ".join(map(str, args.paths)), file=sys.stderr)
        return 2
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}; tolerance {args.tolerance:g} "
          "(relative error = max |onnx - swiftser| / max |swiftser|)")
    failed = 0
    worst = 0.0
    for m in models:
        try:
            errors = check(m, args.tolerance)
        except Exception as e:  # report every model, then fail
            print(f"FAIL {m.name}: {type(e).__name__}: {e}")
            failed += 1
            continue
        spread = errors.pop("(item spread)")
        model_worst = max(errors.values())
        worst = max(worst, model_worst)
        ok = model_worst <= args.tolerance
        failed += 0 if ok else 1
        detail = ", ".join(f"{k} {v:.2e}" for k, v in errors.items())
        print(f"{'ok  ' if ok else 'FAIL'} {m.name}: worst relative error {model_worst:.2e} ({detail}; "
              f"items differ by {spread:.2f})")
    print(f"onnx_check: {len(models) - failed} of {len(models)} models agree with SwiftSER")
    print(f"worst relative error over all models: {worst:.2e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
