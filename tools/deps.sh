#!/bin/sh
# SPDX-License-Identifier: MIT
# Check for every tool the build and the tests need; install what is missing
# from Debian's packages when run as root, or print the exact command.
set -eu

missing=""
need() { # need PACKAGE TEST...
    pkg=$1
    shift
    if ! "$@" >/dev/null 2>&1; then
        case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
    fi
}
have() { command -v "$1"; }
# libFuzzer's runtime, which clang's own package may leave out.
# mkfs.fat sits in sbin, which a user's PATH may leave out.
have_mkfs_fat() { have mkfs.fat || test -x /usr/sbin/mkfs.fat || test -x /sbin/mkfs.fat; }
have_sfdisk() { have sfdisk || test -x /usr/sbin/sfdisk || test -x /sbin/sfdisk; }
have_fuzzer_rt() { test -f "$(clang --print-runtime-dir)/libclang_rt.fuzzer-x86_64.a"; }

need make          have make
need gcc           have gcc
need binutils      have objdump
need gzip          have gzip
need qemu-system-x86 have qemu-system-x86_64
need grub-common   have grub-mkrescue
need grub-pc-bin   test -f /usr/lib/grub/i386-pc/multiboot2.mod
need grub-efi-amd64-bin test -f /usr/lib/grub/x86_64-efi/multiboot2.mod
need xorriso       have xorriso
need mtools        have mformat
need dosfstools    have_mkfs_fat
need fdisk         have_sfdisk
need ovmf          test -f /usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
need sbsigntool    have sbsign
need gnupg         have gpg
need openssl       have openssl
need console-setup-linux test -f /usr/share/consolefonts/Lat15-Terminus16.psf.gz
need clang         have clang
need libclang-rt-14-dev have_fuzzer_rt

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    echo "deps: done"
else
    echo "Cairn needs these Debian packages:$missing" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
