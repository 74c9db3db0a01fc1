#!/bin/sh
# SPDX-License-Identifier: MIT
# qemu.sh MODE --iso ISO [--mem M] [--smp N] [--uefi 0|1] [--elf ELF] [--log FILE] [--timeout S]
#          [--machine q35|pc] [--reboot 0|1] [--disk IMAGE] [--disk-bus virtio|ahci]
#          [--secureboot VARS]
#   run   boot with the serial console on this terminal (a window too when
#         a display is available)
#   gdb   boot paused with a gdb stub on :1234 and attach gdb
#   session  no display, the serial port on this process's standard input
#         and output (for tools/session), the monitor on the unix socket
#         --monitor PATH when given; exits with QEMU's status
#   test  no display, serial to --log, a second serial port (COM2, 0x2f8,
#         ISA IRQ 3, connected to nothing) for the serial driver's test, an
#         edu device (PCI, MSI) for the MSI test, leave through
#         isa-debug-exit; exits
#         with QEMU's status (33 pass, 35 fail, 124 time-out); --icount 1
#         runs with -icount shift=0,sleep=off (make bench), --icount 2 with
#         sleep=on (the disk's figures: see below)
# --machine picks QEMU's machine: q35 (the default: ICH9, PCIe) or pc
# (i440fx and PIIX4); their ACPI power-management ports differ. A guest's
# reset ends QEMU (-no-reboot) unless --reboot 1, when the machine boots
# again; an ACPI power-off ends QEMU with status 0 either way.
# --disk attaches a raw image as a disk: a virtio-blk PCI device (the
# default) or, with --disk-bus ahci, a SATA disk on port 1 of q35's AHCI
# controller (port 0 holds the boot CD). QEMU locks the image: one that
# another QEMU has open is refused with a message, never opened twice.
# --secureboot boots UEFI with Secure Boot enforced: OVMF's Secure Boot
# build (its variables protected by SMM, as on a PC) on a copy of the
# variable store VARS, in which tools/efivars enrolled the keys (make's
# build/secureboot-vars.fd). q35 only.
# KVM is used only where the CPU virtualizes in hardware; elsewhere TCG.
set -eu
mode=$1
shift
iso="" mem=256M smp=2 uefi=0 elf="" log="" timeout=120 icount=0 monitor="" machine=q35 reboot=0
disk="" disk_bus=virtio secureboot=""
while [ $# -gt 0 ]; do
    case $1 in
    --iso) iso=$2 ;;
    --mem) mem=$2 ;;
    --smp) smp=$2 ;;
    --uefi) uefi=$2 ;;
    --elf) elf=$2 ;;
    --log) log=$2 ;;
    --timeout) timeout=$2 ;;
    --icount) icount=$2 ;;
    --monitor) monitor=$2 ;;
    --machine) machine=$2 ;;
    --reboot) reboot=$2 ;;
    --disk) disk=$2 ;;
    --disk-bus) disk_bus=$2 ;;
    --secureboot) secureboot=$2 uefi=1 ;;
    *) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

case $machine in
q35 | pc) ;;
*) echo "qemu.sh: --machine is q35 or pc" >&2; exit 2 ;;
esac
machine_opts=$machine
if [ -n "$secureboot" ]; then
    [ "$machine" = q35 ] || { echo "qemu.sh: --secureboot needs --machine q35" >&2; exit 2; }
    [ -f "$secureboot" ] || { echo "qemu.sh: no variable store $secureboot" >&2; exit 2; }
    machine_opts=q35,smm=on
fi
set -- -machine "$machine_opts" -m "$mem" -smp "$smp" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -drive file="$iso",media=cdrom,format=raw,if=ide
case $disk_bus in
virtio) disk_dev=virtio-blk-pci ;;
ahci)
    [ "$machine" = q35 ] || { echo "qemu.sh: --disk-bus ahci needs --machine q35" >&2; exit 2; }
    disk_dev=ide-hd,bus=ide.1
    ;;
*) echo "qemu.sh: --disk-bus is virtio or ahci" >&2; exit 2 ;;
esac
if [ -n "$disk" ]; then
    [ -f "$disk" ] || { echo "qemu.sh: no disk image $disk (make disk makes one)" >&2; exit 2; }
    # The CD first: SeaBIOS would otherwise try the disk before it, and
    # a data disk's boot sector (mkfs.fat's, or an MBR without code)
    # never boots.
    set -- "$@" -drive file="$disk",if=none,id=disk0,format=raw -device "$disk_dev",drive=disk0 \
        -boot order=d
fi
if [ "$reboot" != 1 ]; then
    set -- "$@" -no-reboot
fi

if [ "$icount" = 1 ]; then
    # Benchmarks: one guest instruction per nanosecond of virtual time, so
    # every figure is a deterministic instruction count (TCG only). The
    # RTC follows that clock too: on the host's, its periodic interrupt
    # would hardly move while idle virtual time leaps ahead.
    set -- "$@" -accel tcg -cpu max -icount shift=0,sleep=off -rtc clock=vm
elif [ "$icount" = 2 ]; then
    # The same clock, but idle time passes as the host's does: a guest
    # waiting for the host's disk would otherwise leap to its next timer
    # (a time-out) before the data came. Busy stretches still count
    # instructions; waits count the host's nanoseconds.
    set -- "$@" -accel tcg -cpu max -icount shift=0,sleep=on -rtc clock=vm
elif grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    set -- "$@" -accel kvm -cpu host
else
    set -- "$@" -accel tcg -cpu max
fi

if [ "$uefi" = 1 ]; then
    code=/usr/share/OVMF/OVMF_CODE_4M.fd template=/usr/share/OVMF/OVMF_VARS_4M.fd
    if [ -n "$secureboot" ]; then
        code=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd template=$secureboot
        set -- "$@" -global driver=cfi.pflash01,property=secure,value=on
    fi
    vars=$(mktemp "${TMPDIR:-/tmp}/cairn-vars.XXXXXX")
    cp "$template" "$vars"
    trap 'rm -f "$vars"' EXIT
    set -- "$@" -drive if=pflash,format=raw,readonly=on,file="$code" \
        -drive if=pflash,format=raw,file="$vars"
fi

case $mode in
run)
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        set -- "$@" -serial mon:stdio
    else
        set -- "$@" -display none -serial mon:stdio
    fi
    echo "qemu: serial console here; Ctrl-A X quits" >&2
    exec qemu-system-x86_64 "$@"
    ;;
gdb)
    set -- "$@" -display none -serial mon:stdio -s -S
    qemu-system-x86_64 "$@" &
    qemu=$!
    gdb -q -x tools/gdbinit "$elf"
    kill "$qemu" 2>/dev/null || true
    ;;
session)
    set -- "$@" -display none -serial stdio
    if [ -n "$monitor" ]; then
        set -- "$@" -monitor unix:"$monitor",server=on,wait=off
    else
        set -- "$@" -monitor none
    fi
    exec qemu-system-x86_64 "$@"
    ;;
test)
    # QEMU's edu device: a PCI device with MSI that raises an interrupt when
    # told, for the MSI test (tests/os/bootinfo.c); nothing else uses it.
    # COM2 (-serial null) is a 16550 for the serial driver's test
    # (tests/os/serial.c), which runs it in the chip's loopback mode.
    set -- "$@" -display none -serial file:"$log" -serial null -monitor none -device edu
    status=0
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "$@" </dev/null || status=$?
    exit "$status"
    ;;
*)
    echo "qemu.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
