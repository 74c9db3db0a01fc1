#!/bin/sh
# SPDX-License-Identifier: MIT
# mkiso.sh OUT.iso KERNEL.elf "COMMAND LINE" [NAME=PATH ...]
# Build a hybrid ISO (SeaBIOS/El Torito and UEFI) with GRUB loading the
# kernel through Multiboot2. Each NAME=PATH becomes a boot module: the file
# is copied to /boot/NAME and GRUB loads it with the module command line
# NAME (e.g. init=build/user/init.elf gives `module2 /boot/init init`).
set -eu
out=$1
elf=$2
cmdline=${3:-}
[ $# -ge 3 ] && shift 3 || shift $#

root=$(mktemp -d "${TMPDIR:-/tmp}/cairn-iso.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
# Without its debug information: the loader does not need it, and GRUB under
# OVMF with 64 MiB of RAM fails to read a kernel file of a few MiB (the
# debugger reads the build's own copy).
objcopy --strip-debug "$elf" "$root/boot/cairn.elf"

modules=
for arg in "$@"; do
    name=${arg%%=*}
    path=${arg#*=}
    # The name is a file name under /boot and the whole module command line.
    case $name in
    "" | *[!A-Za-z0-9._-]* | cairn.elf | grub)
        echo "mkiso: bad module name in '$arg' (want NAME=PATH, NAME of [A-Za-z0-9._-])" >&2
        exit 1
        ;;
    esac
    if [ "$name" = "$arg" ]; then
        echo "mkiso: module '$arg': want NAME=PATH" >&2
        exit 1
    fi
    if [ ! -f "$path" ]; then
        echo "mkiso: module '$arg': no file '$path'" >&2
        exit 1
    fi
    if [ -e "$root/boot/$name" ]; then
        echo "mkiso: module '$name' given twice" >&2
        exit 1
    fi
    cp "$path" "$root/boot/$name"
    modules="$modules    module2 /boot/$name $name
"
done

cat > "$root/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
insmod all_video
menuentry "Cairn" {
    multiboot2 /boot/cairn.elf $cmdline
${modules}    boot
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
