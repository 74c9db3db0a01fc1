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
#   the scratch region after the partition, sectors 98304-100351: its
#   sector n (n = 0..2047, counted from the region's start) is 16 lines of
#   32 bytes, line l reading "cairn scratch %08u line %02u \n" (n, l);
#   sectors 100352-110591 are zeros, free for the block tests to write;
#   partition 2, type 0x06 (FAT16), sectors 110592-129023 (9 MiB): a
#   volume damaged on purpose for the fat server's test (tests/os/block.c),
#   made FAT16 by mkfs.fat (512-byte sectors, two a cluster, two
#   FATs, 512 root entries), filled by mtools, then patched:
#     ok.txt        "this file is whole, whatever lies around it\n"
#     sub/inner.txt "a healthy file in a healthy directory\n"
#     loop.bin      4096 bytes, 4 clusters; the last one's FAT entry points
#                   back to the first: the chain loops
#     far.bin       1000 bytes; its entry's first cluster is made 0xF000,
#                   past the volume's last cluster
#     long.txt      600 bytes in one cluster; its entry's size is made
#                   50000: the file is larger than its chain
#     freemid.bin   4096 bytes, 4 clusters; the second one's FAT entry is
#                   made to point at the cluster in the middle of the
#                   volume, which is free (its own entry stays 0): a free
#                   cluster inside a chain
#     junk/         a directory (it held a.txt) whose one cluster is
#                   overwritten with pseudo-random bytes, none of them zero
#                   (the generator of big.bin, each byte the top 8 bits of
#                   a word, a zero made 0x5a): 32 entries of random names,
#                   attributes, clusters and sizes, and no end marker;
#   the patches, both FATs alike, go to offsets computed from the boot
#   sector mkfs.fat wrote, after checking what they replace;
#   partition 3, type 0x01 (FAT12), sectors 129024-131071 (1 MiB): a FAT12
#   volume whose boot sector is made to say it holds 65535 sectors, more
#   than its partition, so that no FAT server mounts it. (tests/run.sh
#   zeroes the boot sectors of partitions 2 and 3 in the copies its UEFI
#   boots carry: OVMF would mount them, and GRUB then lacks the memory to
#   load the initfs at 64 MiB.)
set -eu
image=$1
part_first=2048
part_sectors=96256 # to 48 MiB
scratch_first=98304
bad_first=110592 # partition 2: the damaged FAT16 volume
bad_sectors=18432
boot_first=129024 # partition 3: the refused boot sector
boot_sectors=2048

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
{ echo 'label: dos' && printf 'start=%s, size=%s, type=%s\n' $part_first $part_sectors c \
    $bad_first $bad_sectors 6 $boot_first $boot_sectors 1; } | "$tool_sfdisk" --quiet "$image"
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

# Partition 2: a FAT16 volume, filled, then damaged.
"$tool_mkfs_fat" -F 16 -s 2 -f 2 -r 512 -n CAIRNBAD --offset $bad_first "$image" \
    $((bad_sectors / 2)) >/dev/null
at="$image@@$((bad_first * 512))"
printf 'this file is whole, whatever lies around it\n' > "$tmp/ok.txt"
printf 'a healthy file in a healthy directory\n' > "$tmp/inner.txt"
"$tool_perl" -e 'print "loop" x 1024' > "$tmp/loop.bin"
"$tool_perl" -e 'print "f" x 1000' > "$tmp/far.bin"
"$tool_perl" -e 'print "l" x 600' > "$tmp/long600.txt"
"$tool_perl" -e 'print "free" x 1024' > "$tmp/freemid.bin"
"$tool_mcopy" -i "$at" "$tmp/ok.txt" ::ok.txt
"$tool_mmd" -i "$at" ::sub
"$tool_mcopy" -i "$at" "$tmp/inner.txt" ::sub/inner.txt
"$tool_mcopy" -i "$at" "$tmp/loop.bin" ::loop.bin
"$tool_mcopy" -i "$at" "$tmp/far.bin" ::far.bin
"$tool_mcopy" -i "$at" "$tmp/long600.txt" ::long.txt
"$tool_mcopy" -i "$at" "$tmp/freemid.bin" ::freemid.bin
"$tool_mmd" -i "$at" ::junk
"$tool_mcopy" -i "$at" "$tmp/ok.txt" ::junk/a.txt
"$tool_perl" - "$image" $bad_first <<'EOF'
use strict;
my ($image, $first) = @ARGV;
my $base = $first * 512;
open(my $fh, '+<:raw', $image) or die "mktestdisk: $image: $!\n";
sub rd {
    my ($at, $n) = @_;
    my $b;
    seek($fh, $base + $at, 0) && read($fh, $b, $n) == $n or die "mktestdisk: read at $at\n";
    return $b;
}
sub wr {
    my ($at, $b) = @_;
    seek($fh, $base + $at, 0) && print $fh $b or die "mktestdisk: write at $at\n";
}
my ($bps, $spc, $rsvd, $nfats, $roots, $tot16, $fatsz) = unpack('v C v C v v x v', rd(11, 13));
die "mktestdisk: partition 2 is not the FAT16 layout asked for\n"
    unless $bps == 512 && $spc == 2 && $nfats == 2 && $roots == 512 && $tot16;
my $root = ($rsvd + $nfats * $fatsz) * $bps;          # the fixed root's byte offset
my $data = $root + $roots * 32;                       # cluster 2's
my $clusters = int(($tot16 * $bps - $data) / ($spc * $bps));
sub fat_get { return unpack('v', rd($rsvd * $bps + 2 * $_[0], 2)); }
sub fat_set {
    wr(($rsvd + $_ * $fatsz) * $bps + 2 * $_[0], pack('v', $_[1])) for 0 .. $nfats - 1;
}
sub entry { # the byte offset of the root's short entry NAME (11 bytes, 8.3)
    for my $i (0 .. $roots - 1) {
        my $e = rd($root + 32 * $i, 32);
        last if substr($e, 0, 1) eq "\0";
        return $root + 32 * $i if substr($e, 0, 11) eq $_[0] && ord(substr($e, 11, 1)) != 0x0f;
    }
    die "mktestdisk: no entry \"$_[0]\" in partition 2's root\n";
}
sub first_cluster { return unpack('v', rd($_[0] + 26, 2)); }
sub chain {
    my @c = ($_[0]);
    push @c, fat_get($c[-1]) while @c < 16 && fat_get($c[-1]) < 0xfff8;
    return @c;
}
my @loop = chain(first_cluster(entry('LOOP    BIN')));
die "mktestdisk: loop.bin has " . @loop . " clusters, not 4\n" unless @loop == 4;
fat_set($loop[3], $loop[0]);
my $far = entry('FAR     BIN');
die "mktestdisk: far.bin's cluster\n" unless first_cluster($far) >= 2 && 0xf000 > $clusters + 1;
wr($far + 26, pack('v', 0xf000));
my $long = entry('LONG    TXT');
die "mktestdisk: long.txt's size\n" unless unpack('V', rd($long + 28, 4)) == 600;
wr($long + 28, pack('V', 50000));
my @free = chain(first_cluster(entry('FREEMID BIN')));
my $mid = 2 + int($clusters / 2);
die "mktestdisk: freemid.bin's chain, or cluster $mid is not free\n"
    unless @free == 4 && fat_get($mid) == 0;
fat_set($free[1], $mid);
my $junk = first_cluster(entry('JUNK       '));
die "mktestdisk: junk's cluster\n" unless $junk >= 2 && fat_get($junk) >= 0xfff8;
my ($x, $bytes) = (1, '');
for (1 .. $spc * $bps) {
    $x = (1103515245 * $x + 12345) & 0xffffffff;
    $bytes .= chr(($x >> 24) || 0x5a);
}
wr($data + ($junk - 2) * $spc * $bps, $bytes);
close($fh) or die "mktestdisk: $image: $!\n";
EOF

# Partition 3: a boot sector that says more sectors than its partition has.
"$tool_mkfs_fat" -F 12 -n CAIRNBOOT --offset $boot_first "$image" $((boot_sectors / 2)) >/dev/null
printf '\377\377' | dd of="$image" bs=1 seek=$((boot_first * 512 + 19)) conv=notrunc status=none

echo "mktestdisk: $image: MBR, FAT32 partition 1 at sector $part_first, scratch at" \
    "$scratch_first, damaged FAT16 partition 2 at $bad_first, refused FAT12 partition 3" \
    "at $boot_first"
