#!/bin/sh
# SPDX-License-Identifier: MIT
# check-user-elf.sh PROGRAM.elf
# Fails unless a user program has the shape the kernel's ELF loader accepts
# (common/elf.h): ET_EXEC; PT_LOAD segments inside
# [CAIRN_USER_BASE, CAIRN_USER_TOP), in address order, none both writable
# and executable, no page shared by two segments; the entry point inside an
# executable segment. Catches a linker-script mistake at build time instead
# of as a refused boot module.
set -eu
elf=$1
user_base=$((0x400000))      # CAIRN_USER_BASE, include/cairn/init.h
user_top=$((0x800000000000)) # CAIRN_USER_TOP
page=4096

fail() {
    echo "check-user-elf: $elf: $*" >&2
    exit 1
}

# below_user_top HEX: HEX < CAIRN_USER_TOP (2^47), judged on the digits,
# because shell arithmetic is signed 64-bit and kernel addresses overflow it.
below_user_top() {
    digits=$(printf '%s' "${1#0x}" | sed 's/^0*//')
    case ${#digits}:$digits in
    [0-9]:* | 1[01]:* | 12:[0-7]*) return 0 ;;
    *) return 1 ;;
    esac
}

readelf -hW "$elf" | grep -q 'Type:[[:space:]]*EXEC' || fail "not ET_EXEC"
entry=$(readelf -hW "$elf" | awk '/Entry point address:/ { print $4 }')
below_user_top "$entry" || fail "entry point $entry is outside user space"
entry=$((entry))

# One line per PT_LOAD: vaddr memsz flags (flags without spaces, e.g. "RE").
segments=$(readelf -lW "$elf" | awk '$1 == "LOAD" {
    flags = ""
    for (i = 7; i < NF; i++) flags = flags $i
    print $3, $6, flags
}')
[ -n "$segments" ] || fail "no PT_LOAD segment"

prev_last=-1
entry_ok=0
while read -r vaddr memsz flags; do
    below_user_top "$vaddr" && below_user_top "$memsz" ||
        fail "segment at $vaddr is outside user space"
    start=$((vaddr))
    end=$((vaddr + memsz))
    first=$((start / page))
    last=$(((end - 1) / page))
    case $flags in
    *W*E*) fail "segment at $vaddr is writable and executable" ;;
    esac
    [ $((memsz)) -gt 0 ] || fail "segment at $vaddr is empty"
    [ $start -ge $user_base ] || fail "segment at $vaddr is below CAIRN_USER_BASE"
    [ $end -le $user_top ] || fail "segment at $vaddr ends above CAIRN_USER_TOP"
    [ $first -gt $prev_last ] || fail "segment at $vaddr shares a page with the one before"
    prev_last=$last
    case $flags in
    *E*) [ $entry -ge $start ] && [ $entry -lt $end ] && entry_ok=1 ;;
    esac
done <<SEGMENTS
$segments
SEGMENTS
[ $entry_ok = 1 ] || fail "entry point is not in an executable segment"
