#!/bin/sh
# SPDX-License-Identifier: MIT
# disk-check.sh clean|cut IMAGE: fsck.fat -n on the FAT volume of partition
# 1 of IMAGE (tools/mktestdisk.sh's layout: sectors 2048 to 98303), after
# a session wrote to it (tests/run.sh). `clean`: the volume must be
# perfect (fsck's status 0, no remark). `cut`: QEMU was killed in the
# middle of writes, and the report may hold only what an interrupted
# write may leave (docs/fat.md, "Write ordering"): lost clusters, a chain
# longer than its file, a stale free count, FAT copies that differ while
# the first is whole, the dirty bit. Prints the report and exits 1
# otherwise.
set -u
mode=$1 image=$2
fsck=$(command -v fsck.fat || true)
for d in /usr/sbin /sbin; do
    [ -n "$fsck" ] || { [ -x "$d/fsck.fat" ] && fsck=$d/fsck.fat; } || true
done
[ -n "$fsck" ] || { echo "disk-check: fsck.fat not found (dosfstools)"; exit 1; }
vol=$(mktemp)
trap 'rm -f "$vol"' EXIT
dd if="$image" of="$vol" bs=512 skip=2048 count=96256 status=none || exit 1
report=$("$fsck" -n "$vol" 2>&1)
status=$?
bad=$(printf '%s\n' "$report" | grep -v \
    -e '^fsck\.fat ' -e ' files, ' -e 'Leaving filesystem unchanged' -e '^Checking' \
    -e '^$' | if [ "$mode" = cut ]; then grep -v \
    -e 'unused cluster' -e 'Reclaimed' -e '[Ll]ost cluster' -e 'cluster chain length is > ' \
    -e 'Truncating file to' -e '^/' -e 'Free cluster summary' -e 'free cluster' \
    -e 'FATs differ but appear to be intact' -e 'Using first FAT' -e '[Dd]irty bit' \
    -e 'properly unmounted' -e 'Auto-correcting' -e 'Automatically removing dirty bit' \
    -e '^ *[0-9]*) ' -e 'Remove dirty bit' -e '^\[' ; else cat; fi)
if [ -n "$bad" ] || { [ "$mode" = clean ] && [ "$status" -ne 0 ]; } || [ "$status" -gt 1 ]; then
    echo "disk-check: fsck.fat -n (status $status) reports:"
    printf '%s\n' "$report"
    exit 1
fi
exit 0
