#!/usr/bin/env bash
# The ONNX export check of `make test` (Docs/Export.md): exports small STRFNets of every exportable Table 1 row
# (SERExportTests.ONNXExportTests/testExportEveryCheckModel, with its check data), exports one of their model
# files again through `ser-cli export`, and compares ONNX Runtime's outputs with SwiftSER's
# (scripts/onnx_check.py, worst relative error <= 1e-4 per model). Needs the debug build (`swift build
# --build-tests`) and the Python packages of scripts/onnx-requirements.txt in $ONNX_VENV (default
# .venv-onnx), which it creates when missing or incomplete. Extra arguments go to `swift` (SWIFT_FLAGS).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${ONNX_VENV:-.venv-onnx}
swift=${SWIFT:-swift}
requirements=scripts/onnx-requirements.txt

# The venv is (re)made when it lacks the pinned onnx / onnxruntime.
if ! "$venv/bin/python" - "$requirements" >/dev/null 2>&1 <<'PY'
import sys, importlib.metadata as md
pins = [l.split("#")[0].strip() for l in open(sys.argv[1])]
for pin in filter(None, pins):
    name, version = pin.split("==")
    assert md.version(name) == version, pin
PY
then
    echo "onnx-check: installing $(grep -c '==' "$requirements") pinned packages into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/swiftser-onnx-check.XXXXXX")
trap 'rm -rf "$out"' EXIT
SWIFTSER_ONNX_CHECK_DIR="$out" "$swift" test --skip-build --disable-swift-testing "$@" \
    --filter 'SERExportTests.ONNXExportTests/test(ExportEveryCheckModel|Wav2VecClassifierExports|Wav2VecExport)' >"$out/swift-test.log" 2>&1 \
    || { cat "$out/swift-test.log"; echo "onnx-check: exporting the check models failed" >&2; exit 1; }
bin=$("$swift" build --show-bin-path "$@")
"$bin/ser-cli" export --model "$out/spectrogram-level-speaker.safetensors" --format onnx --input audio \
    --output "$out/cli-spectrogram-level-speaker.audio.onnx" --check-data >/dev/null
"$venv/bin/python" scripts/onnx_check.py "$out"
