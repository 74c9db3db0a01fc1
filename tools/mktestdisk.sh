#!/bin/sh
# SPDX-License-Identifier: MIT
# mktestdisk.sh IMAGE: the disk image of the block and file system tests
# (docs/testing.md), made with host tools only. What IMAGE held is gone.
#
#   64 MiB, sparse;
#   an MBR with partition 1, type 0x0c (FAT32 LBA), from sector 2048 to
#   48 MiB (sectors 2048-98303), formatted FAT32 with one sector a
#   cluster, holding
#     hello.txt                                   "Hello from the test disk!\n"
#     Long Directory Name/a file with a long name.txt   "a long name, a long way down\n"
#     big.bin   5 MiB of pseudo-random bytes: little-endian 32-bit words
#               x(k+1) = 1103515245 * x(k) + 12345 mod 2^32, x(0) = 1
#               (the first word written is x(1))
#     big.sha   big.bin's sha256 as sha256sum prints it ("HEX  big.bin\n");
#   the scratch region after the partition, from sector 98304 on: its
#   sector n (n = 0..2047, counted from the region's start) is 16 lines of
#   32 bytes, line l reading "cairn scratch %08u line %02u \n" (n, l); the
#   rest of the disk is zeros.
set -eu
image=$1
part_first=2048
part_sectors=96256 # to 48 MiB
scratch_first=98304

for t in sfdisk mkfs.fat mcopy mmd sha256sum perl awk; do
    p=$(command -v $t || true)
    for d in /usr/sbin /sbin; do
        [ -n "$p" ] || { [ -x "$d/$t" ] && p=$d/$t; } || true
    done
    [ -n "$p" ] || { echo "mktestdisk: $t not found (fdisk, dosfstools, mtools)" >&2; exit 1; }
    eval "tool_$(echo $t | tr . _)=$p"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f "$image"
truncate -s 64M "$image"
printf 'label: dos\nstart=%s, size=%s, type=c\n' $part_first $part_sectors |
    "$tool_sfdisk" --quiet "$image"
"$tool_mkfs_fat" -F 32 -s 1 -n CAIRNTEST --offset $part_first "$image" $((part_sectors / 2)) \
    >/dev/null

printf 'Hello from the test disk!\n' > "$tmp/hello.txt"
printf 'a long name, a long way down\n' > "$tmp/long.txt"
"$tool_perl" -e 'my $x = 1; for (1 .. 5 * 1024 * 1024 / 4) {
    $x = (1103515245 * $x + 12345) & 0xffffffff; print pack("V", $x); }' > "$tmp/big.bin"
(cd "$tmp" && "$tool_sha256sum" big.bin > big.sha)
at="$image@@$((part_first * 512))"
export MTOOLS_SKIP_CHECK=1
"$tool_mcopy" -i "$at" "$tmp/hello.txt" ::hello.txt
"$tool_mmd" -i "$at" "::Long Directory Name"
"$tool_mcopy" -i "$at" "$tmp/long.txt" "::Long Directory Name/a file with a long name.txt"
"$tool_mcopy" -i "$at" "$tmp/big.bin" ::big.bin
"$tool_mcopy" -i "$at" "$tmp/big.sha" ::big.sha

LC_ALL=C "$tool_awk" 'BEGIN { for (n = 0; n < 2048; n++) for (l = 0; l < 16; l++)
    printf "cairn scratch %08u line %02u \n", n, l }' > "$tmp/scratch"
dd if="$tmp/scratch" of="$image" bs=512 seek=$scratch_first conv=notrunc status=none
echo "mktestdisk: $image: MBR, FAT32 partition 1 at sector $part_first, scratch at $scratch_first"
