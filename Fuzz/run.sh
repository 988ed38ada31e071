#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (release, -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS (default 60), one after the other, at low priority. FUZZ_TARGETS picks targets.
# Crashing inputs land in Fuzz/artifacts/<target>/; each must become a regression test.
# Prints per target: executions, and crashes found. Not part of `make test` or CI.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SWIFT=${SWIFT:-swift}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"FuzzAudioReader FuzzManifestCSV FuzzTrainingConfiguration FuzzSafetensors FuzzNpy FuzzTorchPickle FuzzRunFolder FuzzModelFile"}
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
./seed-corpora.sh
# Only the fuzz targets' products: a plain `swift build` also links the SwiftSER package's own executables
# (ser-cli), which ld.gold fails to link with the sanitizer flags (internal error in format_file_lineno).
for t in $targets; do "$SWIFT" build "${flags[@]}" --product "$t" || exit 1; done
bin=$("$SWIFT" build "${flags[@]}" --show-bin-path)
mkdir -p logs
# The audio and run-folder targets write each input to a file: keep those in memory when possible.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
# Foundation's Data(contentsOf:) leaks 4 KB per read of an empty file on Linux; lsan.supp silences that
# one allocation site (see Fuzz/README.md, "Leaks").
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for t in $targets; do
    mkdir -p "artifacts/$t"
    nice -n 19 "$bin/$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "corpus/$t" > "logs/$t.log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || true)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "logs/$t.log" | tail -1 || true)
    crashes=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    printf '%-26s %10s executions %6s/s  %-20s %3d crashing inputs  (exit %d, log Fuzz/logs/%s.log)\n' \
        "$t" "${runs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$crashes" "$rc" "$t"
    [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || status=1
done
exit $status
