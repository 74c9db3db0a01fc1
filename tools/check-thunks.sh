#!/bin/sh
# SPDX-License-Identifier: MIT
# Check the kernel's disassembly listing (cairn.lst, the argument) for the
# system call thunks of kernel/sys/syscall.c: each loads the argument
# registers and jumps to its handler, so none may hold a `ret` (a thunk
# that returns has called its handler through a frame of its own, which
# costs every system call a call, a return and the frame). Exits non-zero
# with their names if any does, or if the listing has no thunk at all.
set -eu
awk '
/^[0-9a-f]+ <syscall_thunk_[a-z0-9_]+>:$/ { thunk = $2; gsub(/[<>:]/, "", thunk); count++; next }
/^[0-9a-f]+ </ { thunk = ""; next }
thunk != "" && $2 ~ /^ret/ { bad = bad " " thunk; thunk = "" }
END {
    if (count == 0) {
        print "check-thunks: no syscall_thunk_ in " FILENAME > "/dev/stderr"
        exit 1
    }
    if (bad != "") {
        print "check-thunks: thunks that return instead of jumping:" bad > "/dev/stderr"
        exit 1
    }
}' "$1"
