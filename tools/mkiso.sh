#!/bin/sh
# SPDX-License-Identifier: MIT
# mkiso.sh [--sign KEY CERT] OUT.iso KERNEL.elf "COMMAND LINE" [NAME=PATH ...]
# Build a hybrid ISO (SeaBIOS/El Torito and UEFI) with GRUB loading the
# kernel through Multiboot2. Each NAME=PATH becomes a boot module: the file
# is copied to /boot/NAME and GRUB loads it with the module command line
# NAME (e.g. init=build/user/init.elf gives `module2 /boot/init init`).
#
# --sign makes the UEFI path one that boots with Secure Boot enforced
# (docs/boot.md, "Secure Boot"): its GRUB is an image of ours signed with
# KEY and CERT (PEM) by sbsign, holding the public half of an OpenPGP key
# made for this ISO alone, and it loads nothing whose detached signature
# that key did not make: grub.cfg, the kernel, every module. The private
# half is thrown away with the build's temporary directory, so nothing but
# this ISO's files can ever carry its signatures.
set -eu
key="" cert=""
if [ "${1:-}" = --sign ]; then
    [ $# -ge 3 ] || { echo "mkiso: --sign KEY CERT" >&2; exit 1; }
    key=$2 cert=$3
    shift 3
    for f in "$key" "$cert"; do
        [ -f "$f" ] || { echo "mkiso: --sign: no file '$f'" >&2; exit 1; }
    done
fi
out=$1
elf=$2
cmdline=${3:-}
[ $# -ge 3 ] && shift 3 || shift $#

work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-iso.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
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
menuentry "Cairn" --unrestricted {
    multiboot2 /boot/cairn.elf $cmdline
${modules}    boot
}
CFG
mkdir -p "$(dirname "$out")"

# The signed UEFI path. Its GRUB holds in itself every module it needs
# (so it loads no code from the ISO) and a first configuration that turns
# signature checks on for good, locks the menu (an empty superuser list:
# nobody can edit an entry or reach GRUB's command line, so nobody can
# type a multiboot2 line of their own), finds the ISO and reads its
# grub.cfg, whose signature it checks like every file after it.
EFI_MODULES="normal configfile iso9660 part_msdos part_gpt pgp
    gcry_rsa gcry_sha256 multiboot2 boot all_video echo test"
mkrescue_xorriso=""
if [ -n "$key" ]; then
    gpghome=$work/gnupg
    mkdir -m 700 "$gpghome"
    gpg_() { gpg --batch --quiet --homedir "$gpghome" --passphrase '' --pinentry-mode loopback "$@"; }
    if ! gpg_ --quick-gen-key "Cairn ISO $(basename "$out")" rsa2048 sign never 2>"$work/gpg.log"; then
        cat "$work/gpg.log" >&2
        echo "mkiso: gpg could not make the ISO's key" >&2
        exit 1
    fi
    gpg_ --export > "$work/iso.pub"
    find "$root/boot" -type f | while read -r f; do
        gpg_ --digest-algo SHA256 --detach-sign --output "$f.sig" "$f" </dev/null
    done
    # GRUB's root is the device it was loaded from, this ISO (cmdpath's
    # device); nothing is looked for elsewhere.
    cat > "$work/early.cfg" <<'CFG'
set check_signatures=enforce
export check_signatures
set superusers=""
export superusers
configfile ($root)/boot/grub/grub.cfg
echo "Cairn: this ISO's grub.cfg could not be read or its signature is wrong"
CFG
    # shellcheck disable=SC2086
    # GRUB checks every file itself; without shim there is no shim_lock
    # protocol to ask, so its verifier is left out of the image.
    if ! grub-mkimage -O x86_64-efi -o "$work/grub.efi" -p /boot/grub --pubkey "$work/iso.pub" \
        --disable-shim-lock \
        -c "$work/early.cfg" $EFI_MODULES >"$work/mkimage.log" 2>&1 ||
        ! sbsign --key "$key" --cert "$cert" --output "$work/BOOTX64.EFI" "$work/grub.efi" \
            >"$work/sbsign.log" 2>&1; then
        cat "$work/mkimage.log" "$work/sbsign.log" 2>/dev/null >&2
        echo "mkiso: the signed EFI loader could not be made" >&2
        exit 1
    fi
    # The EFI system partition: a FAT image with room to spare.
    kib=$(( $(wc -c < "$work/BOOTX64.EFI") / 1024 + 512 ))
    PATH=$PATH:/usr/sbin:/sbin mkfs.fat -C -n CAIRN-EFI "$work/efi.img" "$kib" >/dev/null
    MTOOLS_SKIP_CHECK=1 mmd -i "$work/efi.img" ::/EFI ::/EFI/BOOT
    MTOOLS_SKIP_CHECK=1 mcopy -i "$work/efi.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
    export CAIRN_EFI_IMAGE="$work/efi.img"
    mkrescue_xorriso="--xorriso=$(cd "$(dirname "$0")" && pwd)/xorriso-efi.sh"
fi

if ! grub-mkrescue $mkrescue_xorriso -o "$out.tmp" "$root" >"$out.log" 2>&1; then
    cat "$out.log" >&2
    echo "mkiso: grub-mkrescue failed" >&2
    exit 1
fi
if [ -n "$key" ] && [ ! -f "$work/efi.img.used" ]; then
    echo "mkiso: grub-mkrescue's EFI image was not replaced by the signed one" >&2
    rm -f "$out.tmp"
    exit 1
fi
mv "$out.tmp" "$out"
rm -f "$out.log"
