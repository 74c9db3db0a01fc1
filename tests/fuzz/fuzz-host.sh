#!/bin/sh
# SPDX-License-Identifier: MIT
# `make fuzz-host`: runs each host fuzzer (build/fuzz/fuzz_NAME) for SECONDS,
# one after another, from its seed corpus tests/fuzz/corpus/NAME.
#
#     sh tests/fuzz/fuzz-host.sh SECONDS NAME...
#
# New inputs the fuzzer finds go to build/fuzz/corpus-NAME, never into the
# tree (copy an interesting one into tests/fuzz/corpus/NAME by hand); a
# crashing input goes to build/fuzz/NAME-crash-<hash>, and the whole output
# to build/fuzz/NAME.log. Prints one line per fuzzer, "ok fuzz_NAME: ..."
# or "FAIL fuzz_NAME: ...", then a summary; exits non-zero if any crashed.
set -u

[ $# -ge 2 ] || { echo "usage: $0 SECONDS NAME..." >&2; exit 2; }
secs=$1
shift
out=build/fuzz
passed=0
failed=0

for name in "$@"; do
    bin=$out/fuzz_$name
    work=$out/corpus-$name
    log=$out/$name.log
    mkdir -p "$work"
    # -timeout: one input taking 10 s is a hang, reported as a crash.
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/$name-" "$work" "tests/fuzz/corpus/$name" > "$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ $status -eq 0 ]; then
        echo "ok fuzz_$name: ${runs:-?} inputs in ${secs} s, ${cov:-cov: ?}, $(ls "$work" | wc -l) new inputs kept in $work"
        passed=$((passed + 1))
    else
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        why=$(grep -m 1 -o 'ERROR: [A-Za-z]*Sanitizer: [a-z-]*\|broken promise: .*\|ERROR: libFuzzer: [a-z-]*' "$log")
        echo "FAIL fuzz_$name: ${why:-exit status $status}; reproduce with: $bin ${crash:-(see $log)}"
        failed=$((failed + 1))
    fi
done
echo "fuzz-host: $passed passed, $failed failed"
[ $failed -eq 0 ]
