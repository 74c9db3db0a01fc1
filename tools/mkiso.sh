#!/bin/sh
# SPDX-License-Identifier: MIT
# mkiso.sh OUT.iso KERNEL.elf "COMMAND LINE"
# Build a hybrid ISO (SeaBIOS/El Torito and UEFI) with GRUB loading the
# kernel through Multiboot2.
set -eu
out=$1
elf=$2
cmdline=${3:-}

root=$(mktemp -d "${TMPDIR:-/tmp}/cairn-iso.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp "$elf" "$root/boot/cairn.elf"
cat > "$root/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
insmod all_video
menuentry "Cairn" {
    multiboot2 /boot/cairn.elf $cmdline
    boot
}
CFG
mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out.tmp" "$root" >"$out.log" 2>&1; then
    cat "$out.log" >&2
    echo "mkiso: grub-mkrescue failed" >&2
    exit 1
fi
mv "$out.tmp" "$out"
rm -f "$out.log"
