#!/bin/sh
# SPDX-License-Identifier: MIT
# mkinitfs.sh OUT.tar [NAME=PATH ...]
# Build the initfs: one ustar archive, the boot module initfs.tar, holding
# each PATH as the member NAME, and a member `filler` of FILLER_LINES lines
# of 32 bytes, line i reading "initfs filler line NNNNNNNNNNNN" (i in
# twelve digits) and a newline: with it the module is several MiB, and a test can
# check every byte of it (tests/os/bootinfo.c). The archive is the same
# for the same inputs: members sorted, owner 0, time 0.
set -eu
out=$1
shift
lines=${FILLER_LINES:-65536}

dir=$(mktemp -d "${TMPDIR:-/tmp}/cairn-initfs.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for arg in "$@"; do
    name=${arg%%=*}
    path=${arg#*=}
    case $name in
    "" | *[!A-Za-z0-9._-]* | filler)
        echo "mkinitfs: bad member name in '$arg'" >&2
        exit 1
        ;;
    esac
    cp "$path" "$dir/$name"
done
awk -v n="$lines" 'BEGIN { for (i = 0; i < n; i++) printf "initfs filler line %012d\n", i }' \
    > "$dir/filler"
mkdir -p "$(dirname "$out")"
names=$(cd "$dir" && ls)
# shellcheck disable=SC2086 # one word per member
tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$out.tmp" -C "$dir" $names
mv "$out.tmp" "$out"
