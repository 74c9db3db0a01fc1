/* SPDX-License-Identifier: MIT */
/* What kmain found at boot, for the rest of the kernel (and its tests). */
#ifndef CAIRN_CORE_KERNEL_H
#define CAIRN_CORE_KERNEL_H

#include <stdbool.h>

#include "acpi/acpi.h"
#include "boot/boot_info.h"

extern struct boot_info boot_info;
extern struct acpi_info acpi_info;
extern bool acpi_present;

/* Enabled CPUs listed in the MADT (1 without ACPI). */
unsigned kernel_cpus_found(void);

void kmain(uint32_t magic, uint32_t mbi_phys);

#endif
