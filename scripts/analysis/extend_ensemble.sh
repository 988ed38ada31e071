#!/bin/bash
# Copies a finished combined cross-validation run (`ser-cli cv --ensemble N` or a `--preset best-*` run) into a new
# folder that asks for M > N networks, so that `ser-cli cv` run on the copy with `--ensemble M` reloads the N finished
# members of every fold (same seeds, not retrained) and trains only members N+1..M (seeds seed+N, …); the fold
# results, combined model files and summaries are removed so that each fold is combined and evaluated again.
# Used for Docs/Results.md J (three networks against five on the same first three).
#
# usage: scripts/analysis/extend_ensemble.sh RUN_FOLDER NEW_FOLDER M
#   then: ser-cli cv <the run's own options> --ensemble M --output NEW_FOLDER
set -euo pipefail
if [ $# -ne 3 ]; then echo "usage: $0 RUN_FOLDER NEW_FOLDER M" >&2; exit 2; fi
run=$1 new=$2 m=$3
[ -f "$run/config.json" ] || { echo "$run: no config.json (not a cv run folder)" >&2; exit 1; }
[ -e "$new" ] && { echo "$new exists; choose a new folder" >&2; exit 1; }
# Checked before anything is copied: the run's ensemble size, and that M adds networks to it.
python3 - "$run/config.json" "$m" <<'PY'
import json, sys
path, m = sys.argv[1], sys.argv[2]
n = json.load(open(path)).get("ensemble")
if not isinstance(n, int):
    sys.exit(f"{path}: no ensemble setting (not a combined run)")
if not m.isdigit() or int(m) <= n:
    sys.exit(f"M must be a whole number above the run's ensemble ({n}); got {m}")
PY
cp -r "$run" "$new"
rm -f "$new"/summary.* "$new"/confusion-pooled.svg "$new"/fold*/result.json "$new"/fold*/model.safetensors \
      "$new"/fold*/confusion-test.svg
# The run's and every fold's config.json ask for M networks (cv compares decoded settings, not bytes).
python3 - "$m" "$new"/config.json "$new"/fold*/config.json <<'PY'
import json, sys
m, paths = int(sys.argv[1]), sys.argv[2:]
for path in paths:
    config = json.load(open(path))
    config["ensemble"] = m
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
print(f"ensemble set to {m} in {len(paths)} config files")
PY
