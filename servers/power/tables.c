// SPDX-License-Identifier: MIT
/*
 * What the ACPI tables say about power (power.h): the copy init made for
 * `grant = acpi-power` (include/proto/power.h) is mapped read-only, its
 * header checked, and each table in it checked again by lib/acpi
 * (signature, length inside the copy, checksum) before a field is read.
 * The copy stays mapped for the server's life; nothing here writes it.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/power.h>

#include "power.h"

#define PAGE 4096ull

/* Maps the copy: its bytes and size, or NULL with the reason logged. */
static const uint8_t *
tables_map(uint32_t *size)
{
    long h = cairn_start_handle(PROTO_HANDLE_ACPI, 0), at;
    struct proto_acpi_copy head;
    uint64_t mapped;

    if (h < 0) {
        power.off_why = "init granted no ACPI tables (see its log)";
        return NULL;
    }
    at = cairn_vm_map(h, 0, PAGE, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        power.off_why = "the ACPI tables cannot be mapped";
        return NULL;
    }
    memcpy(&head, (const void *)(uintptr_t)at, sizeof(head));
    (void)cairn_vm_unmap((uint64_t)at, PAGE);
    if (head.magic != PROTO_ACPI_COPY_MAGIC || head.size < sizeof(head) ||
        head.size > PROTO_ACPI_COPY_MAX) {
        power.off_why = "the copy of the ACPI tables is malformed";
        return NULL;
    }
    mapped = (head.size + PAGE - 1) & ~(PAGE - 1);
    at = cairn_vm_map(h, 0, mapped, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        power.off_why = "the ACPI tables cannot be mapped";
        return NULL;
    }
    *size = head.size;
    return (const uint8_t *)(uintptr_t)at;
}

void
power_tables_read(void)
{
    const struct proto_acpi_copy *head;
    const uint8_t *copy;
    uint32_t size, len, dsdt_len, at;
    const char *why = NULL;
    int err;

    copy = tables_map(&size);
    if (!copy)
        return;
    head = (const struct proto_acpi_copy *)copy;
    at = sizeof(*head);
    if (head->count < 1 || acpi_table_check(copy + at, size - at, "FACP", &len, &why) < 0 ||
        acpi_fadt_read(copy + at, len, &power.fadt, &why) < 0) {
        power.off_why = "no usable FADT";
        printf("power: no usable FADT: %s\n", why ? why : "not in the copy");
        return;
    }
    power.have_fadt = true;
    at = (at + len + 7) & ~7u;
    if (head->count < 2 || at > size) {
        power.off_why = "no DSDT";
    } else if (acpi_table_check(copy + at, size - at, "DSDT", &dsdt_len, &why) < 0) {
        power.off_why = "the DSDT is malformed";
        printf("power: DSDT refused: %s\n", why);
    } else if ((err = acpi_s5_find(copy + at + ACPI_HEADER_LEN, dsdt_len - ACPI_HEADER_LEN,
                                   &power.s5, &why)) < 0) {
        power.off_why = err == -CAIRN_ENOENT ? "the DSDT has no \\_S5_ (soft off)"
                                             : "the DSDT's \\_S5_ is malformed";
        printf("power: \\_S5_: %s\n", why);
    } else {
        power.have_s5 = true;
    }
    if (power.have_s5 &&
        !power_port_held((uint32_t)power.fadt.pm1a_cnt.address, power.fadt.pm1_cnt_len)) {
        power.have_s5 = false;
        power.off_why = "init granted no PM1a_CNT port";
    }
    if (power.have_s5 && power.fadt.pm1b_cnt.address &&
        !power_port_held((uint32_t)power.fadt.pm1b_cnt.address, power.fadt.pm1_cnt_len)) {
        power.have_s5 = false;
        power.off_why = "init granted no PM1b_CNT port";
    }
    power.reset_port = power.fadt.has_reset && power.fadt.reset.space == ACPI_SPACE_IO &&
                       power_port_held((uint32_t)power.fadt.reset.address, 1);
    printf("power: FADT revision %u, PM1a_CNT %#llx, PM1b_CNT %#llx, S5 %s (%u, %u), reset %s "
           "%#llx = %#x\n",
           power.fadt.revision, (unsigned long long)power.fadt.pm1a_cnt.address,
           (unsigned long long)power.fadt.pm1b_cnt.address, power.have_s5 ? "usable" : "not usable",
           power.s5.slp_typa, power.s5.slp_typb,
           !power.fadt.has_reset                     ? "none"
           : power.reset_port                        ? "port"
           : power.fadt.reset.space == ACPI_SPACE_IO ? "port not granted"
                                                     : "memory (not used)",
           (unsigned long long)power.fadt.reset.address, power.fadt.reset_value);
    if (!power.have_s5)
        printf("power: cannot power off: %s\n", power.off_why);
}
