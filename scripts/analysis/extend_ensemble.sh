#!/bin/bash
# Copies a finished combined cross-validation run (`ser-cli cv --ensemble N` or a `--preset best-*` run) into a new
# folder that asks for more networks, so that `ser-cli cv` run on the copy with `--ensemble M` reloads the N finished
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
grep -q '"ensemble" : [0-9]*,' "$run/config.json" || { echo "$run/config.json has no ensemble setting" >&2; exit 1; }
cp -r "$run" "$new"
rm -f "$new"/summary.* "$new"/confusion-pooled.svg "$new"/fold*/result.json "$new"/fold*/model.safetensors \
      "$new"/fold*/confusion-test.svg
for f in "$new"/config.json "$new"/fold*/config.json; do
  sed -i "s/\"ensemble\" : [0-9]*,/\"ensemble\" : $m,/" "$f"
done
echo "$new: ensemble set to $m in $(ls "$new"/config.json "$new"/fold*/config.json | wc -l) config files"
