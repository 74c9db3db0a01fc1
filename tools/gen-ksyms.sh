#!/bin/sh
# SPDX-License-Identifier: MIT
# Turn `nm -n` output of the kernel's first link (on stdin) into the
# assembly of its .ksyms section (on stdout); the layout is described in
# kernel/core/ksyms.h. Only text symbols are kept: backtraces name code.
set -eu
awk '
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ {
    addr[n] = $1; name[n] = $3; n++
}
END {
    print "\t.section .ksyms, \"a\""
    print "\t.balign 8"
    printf "\t.quad %d\n", n
    off = 0
    for (i = 0; i < n; i++) {
        printf "\t.quad 0x%s, %d\n", addr[i], off
        off += length(name[i]) + 1
    }
    for (i = 0; i < n; i++)
        printf "\t.asciz \"%s\"\n", name[i]
}'
