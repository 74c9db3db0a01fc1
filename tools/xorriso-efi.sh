#!/bin/sh
# SPDX-License-Identifier: MIT
# xorriso-efi.sh ARGS...: xorriso as grub-mkrescue runs it (its --xorriso=),
# with the EFI system partition grub-mkrescue made replaced by the one in
# $CAIRN_EFI_IMAGE (tools/mkiso.sh --sign: a FAT image whose
# EFI/BOOT/BOOTX64.EFI is the signed GRUB). grub-mkrescue hands xorriso
# its work directory, whose efi.img becomes both the El Torito EFI boot
# image and the ISO's EFI partition; the BIOS half stays grub-mkrescue's.
# Its first runs only ask xorriso what it can do, and pass through; the
# one that replaced the image leaves $CAIRN_EFI_IMAGE.used for mkiso.sh
# to check.
set -eu
: "${CAIRN_EFI_IMAGE:?tools/mkiso.sh --sign sets it}"
for arg; do
    if [ -d "$arg" ] && [ -f "$arg/efi.img" ]; then
        cp "$CAIRN_EFI_IMAGE" "$arg/efi.img"
        : > "$CAIRN_EFI_IMAGE.used"
    fi
done
exec xorriso "$@"
