#!/bin/sh
# SPDX-License-Identifier: MIT
# user-syms.sh ELF OUT: the function table of the linked program ELF (its
# .symtab, before it is stripped) in the layout of lib/elfsym/elfsym.h,
# written raw to OUT for `objcopy --add-section .cairn.syms=OUT`: the
# FUNC symbols, sorted by address, each a 4-byte address and a name.
# Assembled with $CC (so no tool beyond the build's own), then dumped.
set -eu
elf=$1 out=$2
tmp=$out.tmp
trap 'rm -f "$tmp.S" "$tmp.o"' EXIT
readelf -sW "$elf" | awk '$4 == "FUNC" && $7 != "UND" && $8 != "" { print $2, $8 }' |
    sort | awk '
BEGIN { n = 0 }
{
    addr = $1
    sub(/^0+/, "", addr)
    if (length(addr) > 8) {
        print "user-syms.sh: " $2 " lies above 4 GiB" > "/dev/stderr"
        exit 1
    }
    a[n] = addr == "" ? "0" : addr; name[n] = $2; n++
}
END {
    print "\t.section .cairn.syms, \"\", @progbits"
    printf "\t.long %d\n", n
    for (i = 0; i < n; i++)
        printf "\t.long 0x%s\n", a[i]
    for (i = 0; i < n; i++)
        printf "\t.asciz \"%s\"\n", name[i]
}' > "$tmp.S"
${CC:-cc} -c -x assembler -o "$tmp.o" "$tmp.S"
objcopy --dump-section .cairn.syms="$out" "$tmp.o"
