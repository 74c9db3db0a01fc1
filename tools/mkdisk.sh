#!/bin/sh
# SPDX-License-Identifier: MIT
# mkdisk.sh IMAGE [SIZE_MIB]: a fresh FAT32 volume, the whole image with no
# partition table (Cairn mounts a whole-disk volume as well as a partition),
# made by the host's mkfs.fat; SIZE_MIB defaults to 256 (sparse: the file
# takes only what is written). What IMAGE held before is gone.
set -eu
image=$1
size=${2:-256}
mkfs=$(command -v mkfs.fat || true)
for d in /usr/sbin /sbin; do
    [ -n "$mkfs" ] || { [ -x "$d/mkfs.fat" ] && mkfs=$d/mkfs.fat; } || true
done
if [ -z "$mkfs" ]; then
    echo "mkdisk: mkfs.fat not found: apt-get install dosfstools" >&2
    exit 1
fi
rm -f "$image"
truncate -s "${size}M" "$image"
"$mkfs" -F 32 -n CAIRN "$image" >/dev/null
echo "mkdisk: $image: FAT32, $size MiB"
