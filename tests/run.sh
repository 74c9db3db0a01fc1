#!/bin/sh
# SPDX-License-Identifier: MIT
# The test runner behind `make test` (run from the project root after the
# kernel and host tests are built).
#
#  1. host unit tests: every build/host/test_* program, and every host
#     fuzzer (build/fuzz/fuzz_*) over its corpus and a short fixed-seed run;
#  2. in-kernel and user-mode tests: the ISO booted with `test` under BIOS
#     and UEFI, with 1 and 4 CPUs, 64 MiB and 4 GiB; each boot must print the
#     boot line with the right CPU count and memory size and bring every CPU
#     online, every in-kernel test must pass, and then init runs each
#     user-mode test program (tests/os, boot modules test-NAME), every one
#     must report, and init must exit with status 0;
#     then the session tests (tests/session): normal boots driven from the
#     host over the serial port and the QEMU monitor (tools/session); then
#     build/cairn.iso, signed for Secure Boot, booted under BIOS, UEFI and
#     UEFI with Secure Boot enforced, and refused when tampered with;
#  3. fault dumps: deliberate kernel faults whose dump must name the
#     faulting function;
#  4. fuzz: a short run of the system call fuzzer (tests/sysfuzz), one boot on
#     one CPU with a fixed seed and one on four CPUs with a seed that
#     changes every run (printed, so a failure can be replayed).
#
# Every boot but the Secure Boot ones runs the test kernel,
# build/san/cairn.elf: the same sources built with UBSan and the stack
# protector (KERNEL= names another).
#
# Every check prints "ok <name>" or "FAIL <name>: <why>"; the last line is
# "N passed, N failed"; the exit status is non-zero if anything failed.
# Logs are kept in build/test/. TESTS_QUICK=1 runs only one boot of each kind.
set -u

out=build/test
kernel=${KERNEL:-build/san/cairn.elf}
mkdir -p "$out"
passed=0
failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# Count the ok/FAIL lines of a test program's output, prefixed with where
# they came from.
tally() { # tally PREFIX FILE
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "$1${line#ok }" ;;
        "FAIL "*) rest=${line#FAIL }; fail "$1${rest%%:*}" "${rest#*: }" ;;
        esac
    done < "$2"
}

# Host programs run two at a time, each keeping one host core busy: the
# list split into two queues that run side by side (every other entry),
# each leaving its log and result; the results are tallied in order after.
two_queues() { # two_queues FUNCTION ITEM...
    fn=$1
    shift
    (
        i=0
        for x in "$@"; do
            [ $((i % 2)) = 0 ] && "$fn" "$x"
            i=$((i + 1))
        done
    ) &
    i=0
    for x in "$@"; do
        [ $((i % 2)) = 1 ] && "$fn" "$x"
        i=$((i + 1))
    done
    wait
}

# --- 1. host unit tests -------------------------------------------------------
host_unit() { # host_unit PATH: runs it, its status in $out/host-NAME.status
    log="$out/host-$(basename "$1").log"
    "$1" > "$log" 2> "$log.err"
    echo $? > "$log.status"
}
units=""
for t in build/host/test_*; do
    [ -x "$t" ] && units="$units $t"
done
# shellcheck disable=SC2086 # one word per program
two_queues host_unit $units
for t in $units; do
    name=$(basename "$t")
    log="$out/host-$name.log"
    status=$(cat "$log.status" 2>/dev/null || echo none)
    tally "host/$name/" "$log"
    if [ "$status" != 0 ] && ! grep -q '^FAIL ' "$log"; then
        fail "host/$name" "exited with status $status (see $log.err)"
    fi
done

# --- 1b. host fuzzers: their corpora, then a short fixed-seed run ------------------
# Every build/fuzz/fuzz_NAME replays tests/fuzz/corpus/NAME, then mutates
# from it for a fixed number of inputs with a fixed seed (the same run every
# time, a few seconds). New inputs and a crashing one go to $out/fuzz-NAME/,
# never into the tree. `make fuzz-host` is the long run.
host_fuzz() { # host_fuzz PATH: its verdict in $out/host-NAME.verdict
    f=$1
    name=$(basename "$f")
    short=${name#fuzz_}
    log="$out/host-$name.log"
    work="$out/fuzz-$short"
    rm -rf "$work"
    mkdir -p "$work"
    # Given files rather than the folder, libFuzzer only runs them: the tree stays as it is.
    if ! "$f" -artifact_prefix="$work/" "tests/fuzz/corpus/$short"/* > "$log" 2>&1; then
        input=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
        echo "a corpus input fails (see $log); reproduce with: $f $input" > "$log.verdict"
    elif ! "$f" -seed=1 -runs=30000 -max_total_time=20 -timeout=10 -artifact_prefix="$work/" \
        "$work" "tests/fuzz/corpus/$short" >> "$log" 2>&1; then
        input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        echo "crashed (see $log); reproduce with: $f $input" > "$log.verdict"
    else
        echo ok > "$log.verdict"
    fi
}
fuzzers=""
for f in build/fuzz/fuzz_*; do
    [ -f "$f" ] && fuzzers="$fuzzers $f"
done
# shellcheck disable=SC2086 # one word per program
two_queues host_fuzz $fuzzers
for f in $fuzzers; do
    name=$(basename "$f")
    verdict=$(cat "$out/host-$name.log.verdict" 2>/dev/null || echo "left no verdict")
    if [ "$verdict" = ok ]; then
        pass "host/$name"
    else
        fail "host/$name" "$verdict"
    fi
done

# --- 2. boots ---------------------------------------------------------------------
# The boot modules, NAME=PATH: every program and the test programs (mk/user.mk
# passes them; run alone, take what the build left).
if [ -z "${USER_MODULES:-}" ]; then
    USER_MODULES="init=build/user/init.elf"
    for p in build/user/*.elf; do
        [ "$p" = build/user/init.elf ] || USER_MODULES="$USER_MODULES $(basename "$p" .elf)=$p"
    done
    for t in build/user/tests/*.elf; do
        [ -f "$t" ] && USER_MODULES="$USER_MODULES test-$(basename "$t" .elf)=$t"
    done
    [ -f build/initfs.tar ] && USER_MODULES="$USER_MODULES initfs=build/initfs.tar"
fi

# A test boot carries init, the test child (the in-kernel tests start it
# from its module) and the initfs, from which init starts every test
# program: no other module, so the number of programs is not bounded by
# the 16 modules GRUB hands the kernel.
TEST_MODULES=
for m in $USER_MODULES; do
    case ${m%%=*} in init | child | initfs) TEST_MODULES="$TEST_MODULES $m" ;; esac
done

mkiso() { # mkiso NAME CMDLINE
    # shellcheck disable=SC2086 # one word per module
    sh tools/mkiso.sh "$out/$1.iso" "$kernel" "$2" $TEST_MODULES || {
        fail "iso/$1" "grub-mkrescue failed"
        return 1
    }
}

# boot NAME ISO FIRMWARE CPUS MEM TIMEOUT [ICOUNT [DISK [BUS]]]: run QEMU,
# leave the log in $out/NAME.log and the exit status in $status. ICOUNT=1
# runs on the instruction clock (tools/qemu.sh --icount); DISK, a raw image
# attached as a virtio disk, or on BUS (ahci: a SATA disk on port 1).
boot() {
    log="$out/$1.log"
    rm -f "$log"
    sh tools/qemu.sh test --iso "$2" --uefi "$([ "$3" = uefi ] && echo 1 || echo 0)" \
        --smp "$4" --mem "$5" --log "$log" --timeout "$6" --icount "${7:-0}" \
        ${8:+--disk "$8"} ${9:+--disk-bus "$9"}
    status=$?
    [ -f "$log" ] || : > "$log"
}

# The boot line: "cairn: boot ok: cpus=N mem=MMiB".
check_boot_line() { # check_boot_line NAME CPUS MIN_MIB MAX_MIB
    line=$(grep -a '^cairn: boot ok: ' "$out/$1.log" | tr -d '\r')
    if [ -z "$line" ]; then
        fail "boot/$1" "no boot line (see $out/$1.log)"
        return
    fi
    if [ "$(printf '%s\n' "$line" | wc -l)" -ne 1 ]; then
        fail "boot/$1" "more than one boot line"
        return
    fi
    cpus=$(printf '%s' "$line" | sed -n 's/.*cpus=\([0-9]*\) .*/\1/p')
    mib=$(printf '%s' "$line" | sed -n 's/.*mem=\([0-9]*\)MiB$/\1/p')
    if [ "$cpus" != "$2" ]; then
        fail "boot/$1" "cpus=$cpus, expected $2"
    elif [ -z "$mib" ] || [ "$mib" -lt "$3" ] || [ "$mib" -gt "$4" ]; then
        fail "boot/$1" "mem=${mib}MiB, expected $3..$4"
    else
        pass "boot/$1 ($line)"
    fi
}

if mkiso ktest "test services"; then
    if [ "${TESTS_QUICK:-0}" = 1 ]; then
        matrix="bios:1:64M uefi:4:4G"
    else
        matrix="bios:1:64M bios:4:64M bios:1:4G bios:4:4G uefi:1:64M uefi:4:64M uefi:1:4G uefi:4:4G"
    fi
    # The BIOS boots carry the test disk (tools/mktestdisk.sh, made once a
    # run) as a virtio disk for test-block, each its own copy: two boots run
    # at once, and QEMU locks an image. The UEFI boots carry their own copy
    # as a SATA disk on q35's AHCI controller (OVMF leaves the controller
    # otherwise than SeaBIOS does), for the same checks through ahci; there
    # test-block's virtio part says it skipped, and in the BIOS boots the
    # AHCI part (the controller holds only the CD there).
    testdisk=""
    if sh tools/mktestdisk.sh "$out/testdisk.img" > "$out/testdisk.log" 2>&1; then
        testdisk="$out/testdisk.img"
    else
        fail "disk/mktestdisk" "$(tail -n 1 "$out/testdisk.log")"
    fi
    # The one-CPU boots run two at a time: each keeps one host core busy
    # (QEMU runs a virtual CPU on a host thread), so two of them use both
    # cores of a two-core machine without slowing each other; the boots
    # with four CPUs run alone. Each leaves its status in NAME.status.
    matrix_boot() { # matrix_boot FIRMWARE:CPUS:MEM
        rest=${1#*:}
        name="${1%%:*}-smp${rest%%:*}-${rest#*:}"
        disk="" bus=virtio
        if [ -n "$testdisk" ]; then
            disk="$out/$name.disk.img"
            cp --sparse=always "$testdisk" "$disk"
            if [ "${1%%:*}" = uefi ]; then
                bus=ahci
                # OVMF mounts every FAT volume of the SATA disk, and at 64
                # MiB what each mount takes leaves GRUB too little to load
                # the initfs: the damaged volumes of partitions 2 and 3,
                # which only test-block's virtio part uses, lose their
                # boot sectors in the UEFI copies.
                for s in 110592 129024; do
                    dd if=/dev/zero of="$disk" bs=512 seek=$s count=1 conv=notrunc status=none
                done
            fi
        fi
        boot "$name" "$out/ktest.iso" "${1%%:*}" "${rest%%:*}" "${rest#*:}" 300 0 "$disk" "$bus"
        echo "$status" > "$out/$name.status"
        [ -z "$disk" ] || rm -f "$disk"
    }
    pending=""
    for m in $matrix; do
        case $m in
        *:1:*)
            if [ -z "$pending" ]; then
                pending=$m
            else
                matrix_boot "$pending" &
                matrix_boot "$m"
                wait
                pending=""
            fi
            ;;
        *) matrix_boot "$m" ;;
        esac
    done
    [ -z "$pending" ] || matrix_boot "$pending"
    for m in $matrix; do
        fw=${m%%:*}
        rest=${m#*:}
        cpus=${rest%%:*}
        mem=${rest#*:}
        name="$fw-smp$cpus-$mem"
        case $mem in
        64M) lo=56 hi=64 ;;
        4G) lo=3900 hi=4096 ;;
        esac
        status=$(cat "$out/$name.status" 2>/dev/null || echo none)
        check_boot_line "$name" "$cpus" "$lo" "$hi"
        if grep -aq "^cairn: smp: $cpus CPUs online" "$out/$name.log"; then
            pass "smp/$name"
        else
            fail "smp/$name" "not all $cpus CPUs came online (see $out/$name.log)"
        fi
        tally "kernel/$name/" "$out/$name.log"
        # init prints one result line per test program it ran.
        for m in $USER_MODULES; do
            case ${m%%=*} in
            test-*)
                grep -aqE "^(ok|FAIL) program/${m%%=*}([^A-Za-z0-9._-]|$)" "$out/$name.log" ||
                    fail "kernel/$name/program/${m%%=*}" "no result from it (see $out/$name.log)"
                ;;
            esac
        done
        case $status in
        33) pass "exit/$name" ;;
        124) fail "exit/$name" "timed out (see $out/$name.log)" ;;
        *) fail "exit/$name" "QEMU exit status $status, expected 33 (see $out/$name.log)" ;;
        esac
    done
fi

# --- 2a. sessions: normal boots driven from the host -------------------------------
# Each tests/session/NAME.session is a script for tools/session (docs/testing.md,
# "Session tests") run on a normal boot: an empty command line, as `make
# run` boots, with the QEMU monitor on a socket for sendkey and screendump.
# The script's own time limits bound it; 600 s in all stop a hung QEMU.
# session NAME SCRIPT [qemu.sh options...]: one script on one boot.
session() {
    name=$1 script=$2
    shift 2
    mon="$out/session-$name.mon"
    rm -f "$mon"
    if timeout -k 5 600 build/tools/session --monitor "$mon" "$script" \
        "$out/session-$name.log" -- sh tools/qemu.sh session --iso "$out/session.iso" \
        --monitor "$mon" "$@" > "$out/session-$name.err" 2>&1; then
        pass "session/$name"
    else
        fail "session/$name" "$(grep -m1 '^session: ' "$out/session-$name.err" || echo 'it did not finish') (see $out/session-$name.err, $out/session-$name.log)"
    fi
    rm -f "$mon"
}
# disk_check NAME clean|cut IMAGE: fsck.fat on the test image's volume
# (tests/disk-check.sh says what each mode lets pass).
disk_check() {
    if sh tests/disk-check.sh "$2" "$3" > "$out/disk-check-$1.log" 2>&1; then
        pass "disk/$1/fsck_$2"
    else
        fail "disk/$1/fsck_$2" "$(sed -n 2p "$out/disk-check-$1.log") (see $out/disk-check-$1.log)"
    fi
}
# disk_files NAME IMAGE PATH=TEXT...: each file of the test image's volume
# read with mtools holds TEXT (a line; or a sha256 of 64 hex digits), or
# is missing for an empty TEXT.
big_sha=b834c2799a922c00d6f4cd348fc90ab4db25d009b34828aedc863b812e227295
disk_files() {
    name=$1 image=$2
    shift 2
    for spec in "$@"; do
        path=${spec%%=*} want=${spec#*=}
        got=$(MTOOLS_SKIP_CHECK=1 mtype -i "$image@@1M" "::/$path" 2>/dev/null) || got="(missing)"
        case $want in
        "") [ "$got" = "(missing)" ] && want="(missing)" ;;
        ????????????????????????????????????????????????????????????????)
            got=$(MTOOLS_SKIP_CHECK=1 mtype -i "$image@@1M" "::/$path" 2>/dev/null |
                sha256sum | cut -d' ' -f1) ;;
        esac
        if [ "$got" = "$want" ]; then
            pass "disk/$name/file/$path"
        else
            fail "disk/$name/file/$path" "mtools reads \"$(printf '%.60s' "$got")\", expected \"$want\""
        fi
    done
}
if [ -x build/tools/session ] && mkiso session ""; then
    for script in tests/session/*.session; do
        [ -f "$script" ] || continue
        case $script in */disk*.session) continue ;; esac # below, with a disk
        session "$(basename "$script" .session)" "$script"
    done
    # The disk: a fresh test image (tools/mktestdisk.sh) written in a
    # first boot on virtio and checked on the host (fsck.fat finds
    # nothing, mtools reads back what Cairn wrote), then booted again on
    # AHCI, which sees the first boot's files and is killed in the middle
    # of writes (fsck finds nothing worse than lost clusters, and the
    # first boot's files are whole).
    disk="$out/disk.img"
    if sh tools/mktestdisk.sh "$disk" > "$out/mktestdisk.log" 2>&1; then
        session disk tests/session/disk.session --disk "$disk" --disk-bus virtio
        disk_files disk "$disk" "sub/A Longer Name.txt=written in cairn" \
            "sub/COPY.TXT=Hello from the test disk!" "sub/trunc.txt=0123456789" \
            "w1.bin=$big_sha" "w2.bin=$big_sha" "hello.txt=" "killed.bin="
        disk_check disk clean "$disk"
        session disk-again tests/session/disk-again.session --disk "$disk" --disk-bus ahci
        disk_check disk-again cut "$disk"
        disk_files disk-again "$disk" "sub/A Longer Name.txt=written in cairn" \
            "sub/trunc.txt=01234" "sub/COPY.TXT=" "w1.bin=$big_sha" "w2.bin=$big_sha"
    else
        fail "session/disk" "tools/mktestdisk.sh failed (see $out/mktestdisk.log)"
    fi
    # Two CPUs above; a person's first minutes with the utilities on one
    # CPU and on four as well.
    session utils-smp1 tests/session/utils.session --smp 1
    session utils-smp4 tests/session/utils.session --smp 4
fi

# --- 2b. Secure Boot: the signed ISO under every firmware ---------------------------------
# build/cairn.iso, as `make iso` signs it (docs/boot.md, "Secure Boot"),
# boots to the shell's prompt under BIOS, plain UEFI and UEFI with Secure
# Boot enforced on one CPU and four (OVMF's Secure Boot build on a
# variable store trusting only the build's certificate); a copy with one
# byte of its kernel changed is refused by the signed loader, and an
# unsigned loader (a test ISO's) by the firmware: neither ever prints a
# kernel line. One-CPU boots run two at a time.
# sbrun NAME SCRIPT [qemu.sh options...]: a script of tools/session on a
# boot of another ISO, its exit status left in secureboot-NAME.status (so
# two can run at once); sbresult NAME then counts it.
sbrun() {
    name=$1 script=$2
    shift 2
    st=0
    timeout -k 5 600 build/tools/session "$script" "$out/secureboot-$name.log" -- \
        sh tools/qemu.sh session "$@" > "$out/secureboot-$name.err" 2>&1 || st=$?
    echo "$st" > "$out/secureboot-$name.status"
}
sbresult() {
    if [ "$(cat "$out/secureboot-$1.status" 2>/dev/null)" = 0 ]; then
        pass "secureboot/$1"
    else
        fail "secureboot/$1" "$(grep -m1 '^session: ' "$out/secureboot-$1.err" || echo 'it did not finish') (see $out/secureboot-$1.err, $out/secureboot-$1.log)"
    fi
}
# no_kernel NAME: the boot's log holds no line of the kernel's.
no_kernel() {
    if grep -aq 'cairn: ' "$out/secureboot-$1.log"; then
        fail "secureboot/$1/no_kernel" "a kernel ran (see $out/secureboot-$1.log)"
    else
        pass "secureboot/$1/no_kernel"
    fi
}
if [ -f build/cairn.iso ] && [ -f build/secureboot-vars.fd ]; then
    sbvars=build/secureboot-vars.fd sb=tests/secureboot
    # One byte of the kernel's text changed: a letter of its boot line.
    cp build/cairn.iso "$out/tampered.iso"
    at=$(grep -boa 'cairn: loaded by' "$out/tampered.iso" | head -n 1 | cut -d: -f1)
    if [ -n "$at" ] && [ "$(grep -coa 'cairn: loaded by' "$out/tampered.iso")" = 1 ]; then
        printf 'C' | dd of="$out/tampered.iso" bs=1 seek="$at" conv=notrunc status=none
    else
        fail "secureboot/tampered" "the kernel's boot line is not once in build/cairn.iso"
        at=""
    fi
    sbrun bios-smp1 $sb/boots.session --iso build/cairn.iso --smp 1 &
    sbrun secureboot-smp1 $sb/boots.session --iso build/cairn.iso --smp 1 --secureboot $sbvars
    wait
    sbrun uefi-smp1 $sb/boots.session --iso build/cairn.iso --smp 1 --uefi 1 &
    if [ -n "$at" ]; then
        sbrun tampered $sb/tampered.session --iso "$out/tampered.iso" --smp 1 \
            --secureboot $sbvars
    fi
    wait
    if [ -f "$out/ktest.iso" ]; then
        sbrun unsigned $sb/refused.session --iso "$out/ktest.iso" --smp 1 \
            --secureboot $sbvars &
    fi
    sbrun secureboot-smp4 $sb/bootline-smp4.session --iso build/cairn.iso --smp 4 \
        --secureboot $sbvars
    wait
    for name in bios-smp1 secureboot-smp1 uefi-smp1 secureboot-smp4; do
        sbresult $name
    done
    if [ -n "$at" ]; then
        sbresult tampered
        no_kernel tampered
    fi
    if [ -f "$out/ktest.iso" ]; then
        sbresult unsigned
        no_kernel unsigned
    fi
else
    fail "secureboot" "no build/cairn.iso or build/secureboot-vars.fd (make test builds both)"
fi

# --- 2c. soak: the IPC stress test until millions of messages have passed ---------------
# One boot on two CPUs with "soak" on the command line; every test program
# runs, and the IPC stress run goes on (clients killed at random) until
# two million calls have been answered, then checks that no object or frame
# leaked. It runs on the instruction clock: the guest's time then follows
# the instructions it ran, not the host's clock, so a loaded host makes the
# boot slower but can never make a guest time limit run out (on the host's
# clock a stalled virtual CPU once turned 90 s of stress into more than the
# 420 s init gives a program). The run passes about the same number of
# messages (about 3.5 million) whatever the host does; the other SMP boots
# run the CPUs in parallel.
#
# On the instruction clock QEMU runs the guest's CPUs in turns on one host
# thread, so the soak boot keeps one host core busy: it runs in the
# background beside the fault boots and the one-CPU fuzz boot (also on the
# instruction clock), and is counted once they are done (soak_result).
soak_pid=
if [ "${TESTS_QUICK:-0}" != 1 ] && mkiso soak "test soak"; then
    rm -f "$out/soak.status"
    (
        boot soak "$out/soak.iso" bios 2 256M 900 1
        echo "$status" > "$out/soak.status"
    ) &
    soak_pid=$!
fi
soak_result() {
    [ -n "$soak_pid" ] || return 0
    wait "$soak_pid"
    status=$(cat "$out/soak.status" 2>/dev/null || echo none)
    tally "soak/" "$out/soak.log"
    if grep -aq '^ipc: stress run passed [0-9]\{7,\} messages' "$out/soak.log"; then
        pass "soak/millions_of_messages"
    else
        fail "soak/millions_of_messages" "the stress run did not reach millions (see $out/soak.log)"
    fi
    case $status in
    33) pass "exit/soak" ;;
    124) fail "exit/soak" "timed out (see $out/soak.log)" ;;
    *) fail "exit/soak" "QEMU exit status $status, expected 33 (see $out/soak.log)" ;;
    esac
}

# --- 3. deliberate faults -------------------------------------------------------------
# fault KIND EXPECT...: boot with crash=KIND; every EXPECT must be in the log.
fault() {
    kind=$1
    shift
    mkiso "crash-$kind" "test crash=$kind" || return
    boot "crash-$kind" "$out/crash-$kind.iso" bios 1 64M 60
    if [ "$status" != 35 ]; then
        fail "fault/$kind" "QEMU exit status $status, expected 35 (see $out/crash-$kind.log)"
        return
    fi
    for want in "$@"; do
        if ! grep -aqE "$want" "$out/crash-$kind.log"; then
            fail "fault/$kind" "dump lacks /$want/ (see $out/crash-$kind.log)"
            return
        fi
    done
    pass "fault/$kind"
}

fault pagefault 'kernel page fault .* at address 00000deadbeef000' \
    'RIP [0-9a-f]+ <crash_page_fault\+0x' '(#[0-9]+|\?) +[0-9a-f]+ <crash_trigger\+0x' \
    '#[0-9]+ +[0-9a-f]+ <kmain\+0x' 'RAX [0-9a-f]{16}'
fault gp 'kernel general protection fault' 'RIP [0-9a-f]+ <crash_general_protection\+0x'
fault ud 'kernel invalid opcode' 'RIP [0-9a-f]+ <crash_invalid_opcode\+0x'
fault divide 'kernel divide error' 'RIP [0-9a-f]+ <crash_divide\+0x'
fault stack 'kernel stack overflow in thread crash-stack ' 'kernel double fault' \
    'RIP [0-9a-f]+ <crash_stack_overflow\+0x'
fault panic 'kernel panic on cpu 0: deliberate panic' '#0 +[0-9a-f]+ <crash_trigger\+0x' \
    '<kmain\+0x'
# The sanitizers of the test kernel: the report names the check, the place
# and the values, and the backtrace starts in the function that failed it.
fault ubsan 'ubsan: kernel/core/crash\.c:[0-9]+:[0-9]+: signed integer overflow: 2147483647 \+ 1 cannot be represented in type .int.' \
    '#0 +[0-9a-f]+ <crash_ubsan_overflow(\.cold)?\+0x' '<crash_trigger\+0x'
fault ubsan-bounds 'ubsan: kernel/core/crash\.c:[0-9]+:[0-9]+: index 4 out of bounds for type .int ?\[4\].' \
    '#0 +[0-9a-f]+ <crash_ubsan_bounds(\.cold)?\+0x'
fault stackprotector 'kernel panic on cpu 0: stack protector: ' \
    '#1 +[0-9a-f]+ <crash_stack_protector(\.cold)?\+0x' '<kmain\+0x'

# --- 4. fuzz ----------------------------------------------------------------------------
# fuzz NAME SEED CPUS CALLS: a fuzz boot; the fuzzer must report its result
# with no leak and no violation, and the kernel must not crash.
fuzz() {
    mkiso "fuzz-$1" "test fuzz seed=$2 calls=$4" || return
    if [ "$3" = 1 ]; then # the instruction clock, as make fuzz: exactly replayable
        boot "fuzz-$1" "$out/fuzz-$1.iso" bios 1 256M 900 1
    else
        boot "fuzz-$1" "$out/fuzz-$1.iso" bios "$3" 256M 180
    fi
    log="$out/fuzz-$1.log"
    # A worker's debug_write of dots with no newline may come just before it.
    result=$(grep -a 'fuzz: result: ' "$log" | tail -1 | tr -d '\r' | sed 's/^.*fuzz: result: /fuzz: result: /')
    replay="replay: make fuzz FUZZ_SEED=$2 FUZZ_CALLS=$4 FUZZ_SMP=$3"
    if grep -aqE '\*\*\* (kernel |system halted|fault while)' "$log"; then
        fail "fuzz/$1" "seed $2: kernel crash: $(grep -aE '\*\*\* (kernel |fault while)' "$log" |
            head -1 | tr -d '\r') (see $log; $replay)"
    elif [ -z "$result" ]; then
        fail "fuzz/$1" "seed $2: no result (QEMU exit status $status; see $log; $replay)"
    elif ! printf '%s' "$result" | grep -q ' 0 leaks, 0 violations'; then
        fail "fuzz/$1" "seed $2: ${result#fuzz: result: } (see $log; $replay)"
    else
        pass "fuzz/$1 (${result#fuzz: result: })"
    fi
}

# The modules of a fuzz boot: init and the fuzzer.
fuzz_modules=
for m in $USER_MODULES; do
    case ${m%%=*} in init | fuzz) fuzz_modules="$fuzz_modules $m" ;; esac
done
if [ -n "$fuzz_modules" ]; then
    TEST_MODULES=$fuzz_modules
    fuzz smp1 1 1 60000
fi
# The soak boot is done before the four-CPU fuzz boot, which wants both cores.
soak_result
if [ -n "$fuzz_modules" ]; then
    fuzz_seed=$(date +%s)
    echo "fuzz: this run's seed is $fuzz_seed"
    fuzz smp4 "$fuzz_seed" 4 60000
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
