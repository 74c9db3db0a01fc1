#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz.sh: the runner behind `make fuzz` (run from the project root after
# the kernel and the boot modules are built; docs/testing.md, "Fuzzing").
#
# Runs FUZZ_CALLS system calls (default 10 million) through the in-kernel
# fuzzer (tests/sysfuzz) on each CPU count of FUZZ_SMP (default "1 4"), in boots
# of at most FUZZ_CHUNK calls (default 100000). Boot k of a CPU count has
# seed FUZZ_SEED + k * 1000003 (FUZZ_SEED defaults to the time), so
# `FUZZ_SEED=<a boot's seed> FUZZ_CALLS=<its calls> FUZZ_SMP=<its CPUs>`
# replays that boot. FUZZ_AVOID passes avoid=... (tests/sysfuzz/main.c).
#
# A boot is a kernel crash when its log holds a panic or fault dump, when
# it timed out, or when it ended (exit status 35 or otherwise) before the
# fuzzer printed its result; its log is kept as build/fuzz/crash-*.log. A
# leak is a boot whose fuzzer found objects or frames not given back. The
# last line is
#   fuzz: <calls> calls, <crashes> kernel crashes, <leaks> leaks, seed <s>
# and the exit status is non-zero on any crash, leak or violation.
set -u

out=build/fuzz
mkdir -p "$out"
calls_total=${FUZZ_CALLS:-10000000}
seed0=${FUZZ_SEED:-$(date +%s)}
chunk=${FUZZ_CHUNK:-100000}
smp_list=${FUZZ_SMP:-1 4}
avoid=${FUZZ_AVOID:-}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
mem=${FUZZ_MEM:-256M}

if [ -z "${USER_MODULES:-}" ]; then
    USER_MODULES="init=build/user/init.elf fuzz=build/user/fuzz.elf"
fi
# Only init and the fuzzer: the test programs are not run in a fuzz boot.
modules=
for m in $USER_MODULES; do
    case ${m%%=*} in init | fuzz) modules="$modules $m" ;; esac
done

echo "fuzz: $calls_total calls on ${smp_list} CPUs, seed $seed0"
calls_done=0
crashes=0
leaks=0
violations=0

# fuzz_boot SEED CALLS CPUS: one boot; writes "calls crashes leaks
# violations" to $out/seed<SEED>-smp<CPUS>.res, which the loop below adds
# to the counters (a boot may run in the background).
fuzz_boot() {
    seed=$1 n=$2 cpus=$3
    name="seed$seed-smp$cpus"
    log="$out/$name.log"
    iso="$out/$name.iso"
    calls_done=0 crashes=0 leaks=0 violations=0
    cmdline="test fuzz seed=$seed calls=$n"
    [ -n "$avoid" ] && cmdline="$cmdline avoid=$avoid"
    # shellcheck disable=SC2086 # one word per module
    if ! sh tools/mkiso.sh "$iso" "${KERNEL:-build/san/cairn.elf}" "$cmdline" $modules; then
        echo "fuzz: cannot build the ISO" >&2
        echo "0 1 0 0" > "$out/$name.res"
        return
    fi
    rm -f "$log"
    # One CPU runs on the instruction clock: the boot is then the same every
    # time (a seed replays exactly) and a loaded host cannot make the
    # fuzzer's watchdogs fire. Four CPUs run in parallel, where races show.
    # The kernel gives init 120 s of guest time; the fuzzer stops starting
    # workers at 80. On the instruction clock those guest-time limits end a
    # hung boot however busy the host is, so the host's limit there only
    # guards against QEMU itself hanging: it must not fire because the host
    # is slow (a guest second takes several, more on a loaded machine).
    icount=0 limit=180
    [ "$cpus" = 1 ] && icount=1 limit=3600
    sh tools/qemu.sh test --iso "$iso" --smp "$cpus" --mem "$mem" --log "$log" \
        --timeout "$limit" --icount "$icount"
    status=$?
    rm -f "$iso"
    [ -f "$log" ] || : > "$log"
    # A worker's debug_write of dots with no newline may come just before it.
    result=$(grep -a 'fuzz: result: ' "$log" | tail -1 | tr -d '\r' | sed 's/^.*fuzz: result: /fuzz: result: /')
    made=$(printf '%s' "$result" | sed -n 's/^fuzz: result: \([0-9]*\) calls.*/\1/p')
    if [ -z "$made" ]; then
        made=$(grep -a '^fuzz: progress: ' "$log" | tail -1 | sed -n 's/.*: \([0-9]*\) calls.*/\1/p')
    fi
    if grep -aqE '\*\*\* (kernel |system halted|fault while)' "$log" || [ "$status" = 124 ] ||
        [ -z "$result" ]; then
        crashes=$((crashes + 1))
        cp "$log" "$out/crash-$name.log"
        why=$(grep -aE '\*\*\* (kernel |fault while)' "$log" | head -1 | tr -d '\r')
        [ -z "$why" ] && [ "$status" = 124 ] && why="timed out"
        [ -z "$why" ] && why="QEMU exit status $status before the fuzzer's result"
        echo "fuzz: crash: seed $seed, $cpus CPUs: $why"
        grep -aE '^ *(RIP|#[0-9]+) ' "$log" | head -8 | tr -d '\r' | sed 's/^/fuzz:   /'
        echo "fuzz:   log $out/crash-$name.log; replay: make fuzz FUZZ_SEED=$seed" \
            "FUZZ_CALLS=$n FUZZ_SMP=$cpus${avoid:+ FUZZ_AVOID=$avoid}"
        boot_result "$name"
        return
    fi
    l=$(printf '%s' "$result" | sed -n 's/.* \([0-9]*\) leaks.*/\1/p')
    v=$(printf '%s' "$result" | sed -n 's/.* \([0-9]*\) violations.*/\1/p')
    if [ "${l:-0}" -gt 0 ] || [ "${v:-0}" -gt 0 ]; then
        leaks=$((leaks + ${l:-0}))
        violations=$((violations + ${v:-0}))
        cp "$log" "$out/fail-$name.log"
        grep -a '^fuzz: \(leak\|violation\)' "$log" | head -5 | tr -d '\r'
        echo "fuzz:   log $out/fail-$name.log; replay: make fuzz FUZZ_SEED=$seed" \
            "FUZZ_CALLS=$n FUZZ_SMP=$cpus${avoid:+ FUZZ_AVOID=$avoid}"
    fi
    # An in-kernel test that failed under load makes the exit status 35
    # with the fuzzer's result intact: not the fuzzer's finding.
    if [ "$status" != 33 ] && grep -aq '^FAIL ' "$log"; then
        grep -a '^FAIL ' "$log" | grep -avE '^FAIL (program\/fuzz|init_runs_user_tests)' | head -3 | tr -d '\r' |
            sed 's/^/fuzz: note: not from the fuzzer: /'
    fi
    echo "fuzz: seed $seed, $cpus CPUs: ${made:-0} calls"
    boot_result "$name"
}

# boot_result NAME: the boot's counters, for the loop (written whole, then
# renamed, so the loop never reads half a line).
boot_result() {
    echo "${made:-0} $crashes $leaks $violations" > "$out/$1.res.new"
    mv "$out/$1.res.new" "$out/$1.res"
}

# A boot that stops early (the fuzzer's time limit, a crash) leaves its
# calls to a later one; one that made none still counts its share as
# spent. Boots run in the background, at most $jobs at once for one CPU
# (one at a time otherwise); the loop collects each one's .res file.
calls_done=0 crashes=0 leaks=0 violations=0
for cpus in $smp_list; do
    left=$calls_total
    k=0
    running=
    most=$jobs
    [ "$cpus" = 1 ] || most=1
    while [ "$left" -gt 0 ] || [ -n "$running" ]; do
        while [ "$left" -gt 0 ] && [ "$(echo $running | wc -w)" -lt "$most" ]; do
            n=$chunk
            [ "$n" -gt "$left" ] && n=$left
            seed=$((seed0 + k * 1000003))
            rm -f "$out/seed$seed-smp$cpus.res"
            fuzz_boot "$seed" "$n" "$cpus" &
            running="$running $seed:$n"
            left=$((left - n))
            k=$((k + 1))
        done
        sleep 1
        still=
        for r in $running; do
            res="$out/seed${r%%:*}-smp$cpus.res"
            if [ ! -f "$res" ]; then
                still="$still $r"
                continue
            fi
            read -r m c l v < "$res"
            rm -f "$res"
            calls_done=$((calls_done + m))
            crashes=$((crashes + c))
            leaks=$((leaks + l))
            violations=$((violations + v))
            [ "$m" -gt 0 ] && [ "$m" -lt "${r#*:}" ] && left=$((left + ${r#*:} - m))
        done
        running=$still
    done
done
wait

[ "$violations" -gt 0 ] && echo "fuzz: $violations violations of the system call contract (see above)"
echo "fuzz: $calls_done calls, $crashes kernel crashes, $leaks leaks, seed $seed0"
[ "$crashes" -eq 0 ] && [ "$leaks" -eq 0 ] && [ "$violations" -eq 0 ]
