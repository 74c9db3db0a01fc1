/* SPDX-License-Identifier: MIT */
/*
 * `grant = acpi-power` (docs/init.md, docs/power.md): what init hands the
 * power server, made from the ACPI tables init reads itself with
 * lib/acpi, so the server gets exactly the ports this machine's FADT
 * names and no authority over physical memory.
 */
#ifndef CAIRN_SERVERS_INIT_ACPIPOWER_H
#define CAIRN_SERVERS_INIT_ACPIPOWER_H

#include <stdint.h>

#include "manifest.h"

#define ACPI_POWER_PORTS_MAX 3 /* PM1a_CNT, PM1b_CNT, the reset register */

struct acpi_power_grant {
    long copy;                        /* PROTO_HANDLE_ACPI (proto/power.h), or -1 */
    long ports[ACPI_POWER_PORTS_MAX]; /* PROTO_HANDLE_IOPORT ranges */
    uint32_t nports;
};

/*
 * Reads the RSDP of the boot information, the root table, the FADT and
 * the DSDT, and makes for service self of m: a read-only copy of the FADT
 * and the DSDT, and an I/O port range for each of PM1a_CNT, PM1b_CNT and
 * an I/O reset register that no other service's `ioport` names. Whatever
 * cannot be made is left out with a log line (a machine without ACPI gets
 * a power server that answers -CAIRN_ENOSYS). Never fails otherwise.
 */
void acpi_power_prepare(const struct manifest *m, uint32_t self, struct acpi_power_grant *g);

#endif
