/* SPDX-License-Identifier: MIT */
/*
 * The power server (servers/power, docs/power.md): turning the machine off
 * and resetting it through ACPI. It registers as `power`; programs find it
 * with cairn_registry_lookup("power", ...) (the manifest's [programs]
 * lookup list names it). Message shape: include/proto/io.h.
 *
 * A request that works does not return: the machine goes off or resets
 * while the caller waits. So every reply is a failure, and it always comes
 * (the server waits PROTO_POWER_SETTLE_NS for the machine to act, then
 * answers), so a caller never hangs on a machine that ignored the write.
 * A failure's reply carries in its buffer why, in words for a person (at
 * most PROTO_POWER_WHY_MAX bytes, no NUL): "the DSDT has no \_S5_ (soft
 * off)", "still on after the S5 write".
 */
#ifndef CAIRN_PROTO_POWER_H
#define CAIRN_PROTO_POWER_H

#include <stddef.h>
#include <stdint.h>

/* How long the server gives the hardware before it answers that nothing
 * happened: 2 s. */
#define PROTO_POWER_SETTLE_NS 2000000000ull
/* The longest a request can take before its answer: settling twice (the
 * reset register, then the keyboard controller) and the keyboard driver's
 * own wait. A client's time limit above this never cuts a real answer. */
#define PROTO_POWER_ANSWER_NS (4 * PROTO_POWER_SETTLE_NS + 1000000000ull)
#define PROTO_POWER_WHY_MAX   128u

/*
 * PROTO_POWER_OFF: no arguments. Enters the ACPI soft-off state S5:
 * SLP_TYPa | SLP_EN written to PM1a_CNT (and SLP_TYPb | SLP_EN to PM1b_CNT
 * when the FADT has one). Reply, only if the machine is still on:
 * -CAIRN_ENOSYS (no usable FADT or no \_S5_ in the DSDT: the server
 * cannot know how to turn this machine off), -CAIRN_EIO (written, and the
 * machine did not go off).
 */
#define PROTO_POWER_OFF        0x701u
/*
 * PROTO_POWER_REBOOT: no arguments. Writes the FADT's reset value to its
 * reset register when it has one, else (or when that did nothing) asks
 * the keyboard driver, which owns the i8042, for PROTO_POWER_RESET_8042.
 * Reply, only if the machine is still running: -CAIRN_ENOSYS (no way to
 * reset known), -CAIRN_EIO (tried, and the machine did not reset).
 */
#define PROTO_POWER_REBOOT     0x702u
/*
 * PROTO_POWER_RESET_8042: no arguments; answered by the PS/2 keyboard
 * driver (drivers/ps2kbd), not the power server: the driver pulses the
 * CPU's reset line through its controller (command 0xfe to port 0x64), so
 * port 0x64 stays with the one process that drives the controller. Only
 * holders of the driver's endpoint can ask (the manifest's `lookup = kbd`:
 * the console and the power server). Reply, only if the machine is still
 * running: -CAIRN_ENOENT (no controller), -CAIRN_EIO (the pulse did
 * nothing).
 */
#define PROTO_POWER_RESET_8042 0x703u

/*
 * The start handle PROTO_HANDLE_ACPI (include/proto/handles.h): a
 * read-only memory object (READ, MAP) that init filled with a copy of the
 * ACPI tables power management needs, for `grant = acpi-power`
 * (docs/init.md). It starts with this header; then count tables follow,
 * the first at offset sizeof(struct proto_acpi_copy) and each next one at
 * the end of the one before rounded up to 8 bytes: the FADT, then the
 * DSDT (when init could read it). size is where the last one ends. The
 * copy is of firmware bytes, and its reader checks every table again
 * (signature, length within size, checksum).
 */
#define PROTO_ACPI_COPY_MAGIC 0x59504f4349504341ull /* "ACPICOPY" */
#define PROTO_ACPI_COPY_MAX   (4u << 20)            /* the largest size */

struct proto_acpi_copy {
    uint64_t magic; /* PROTO_ACPI_COPY_MAGIC */
    uint32_t size;  /* bytes of the copy, this header included */
    uint32_t count; /* tables after the header */
};

_Static_assert(sizeof(struct proto_acpi_copy) == 16, "proto_acpi_copy is ABI");

#endif
