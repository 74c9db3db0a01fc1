// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the ACPI table parser (kernel/acpi/acpi.c).
 *
 * The input is a small machine: a flags byte, the RSDP (36 bytes) and then
 * physical memory from ARENA_BASE on, where the RSDP's root table addresses
 * and the tables' entries may point. As in tests/host/test_acpi.c, the map
 * function returns a fresh heap copy of exactly the bytes asked for, so a
 * read past what the parser mapped is an ASan report even where the arena
 * holds more, and addresses outside the arena cannot be mapped.
 *
 * Checksums would stop nearly every mutated input at the first table, so
 * the flags let an input ask for them to be made right: bit 0 seals the
 * RSDP's two checksums, bit 1 seals every table as it is mapped. Inputs
 * without those bits still exercise the checksum checks themselves. Bit 2
 * gives a 36-byte RSDP instead of 20, and bit 3 a length of (byte 1 mod 37)
 * for the odd cases.
 *
 * Promises checked (acpi.h): the map function is asked for at most
 * ACPI_MAX_TABLE_LEN bytes and at most twice per table examined; at most
 * ACPI_MAX_TABLES tables beyond the root tables are examined; a refused
 * table is counted and warned about; the OEM ID is printable and
 * terminated; the tables of processors, I/O APICs and overrides are within
 * capacity, processors are listed once each by APIC ID, never with the
 * broadcast ID, and cpu_enabled_count counts the enabled ones; an I/O APIC
 * or HPET kept has a nonzero address; a PM timer kept is a 4-byte block
 * at an I/O port (below 0x10000), and none on hardware-reduced ACPI;
 * acpi_irq_to_gsi() follows the first override of each ISA IRQ.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi.h"
#include "cairn/errors.h"
#include "common/bytes.h"
#include "fuzz.h"

#define ARENA_BASE 0x10000ull
#define MAX_MAPS   512

#define FLAG_SEAL_RSDP   0x1u
#define FLAG_SEAL_TABLES 0x2u
#define FLAG_RSDP_V2     0x4u
#define FLAG_RSDP_ODD    0x8u

static const uint8_t *arena;
static size_t arena_size;
static bool seal_tables;
static void *maps[MAX_MAPS];
static unsigned map_count;
static unsigned map_calls;

static const void *
arena_map(uint64_t phys, size_t len)
{
    uint8_t *copy;

    map_calls++;
    FUZZ_CHECK(len <= ACPI_MAX_TABLE_LEN);
    if (phys < ARENA_BASE || phys - ARENA_BASE > arena_size ||
        len > arena_size - (phys - ARENA_BASE) || map_count == MAX_MAPS)
        return NULL;
    copy = malloc(len ? len : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, arena + (phys - ARENA_BASE), len);
    /* The checksum byte of the common header is at offset 9. */
    if (seal_tables && len >= 10) {
        copy[9] = 0;
        copy[9] = (uint8_t)-bytes_sum8(copy, len);
    }
    maps[map_count++] = copy;
    return copy;
}

static void
arena_unmap_all(void)
{
    for (unsigned i = 0; i < map_count; i++)
        free(maps[i]);
    map_count = 0;
}

static void
seal_rsdp(uint8_t *r, size_t len)
{
    uint32_t xlen;

    if (len < 20)
        return;
    r[8] = 0;
    r[8] = (uint8_t)-bytes_sum8(r, 20);
    if (len < 36)
        return;
    xlen = (uint32_t)r[20] | (uint32_t)r[21] << 8 | (uint32_t)r[22] << 16 | (uint32_t)r[23] << 24;
    if (xlen >= 36 && xlen <= len) {
        r[32] = 0;
        r[32] = (uint8_t)-bytes_sum8(r, xlen);
    }
}

static void
check_cpus(const struct acpi_info *ai)
{
    unsigned enabled = 0;

    FUZZ_CHECK(ai->cpu_count <= ACPI_MAX_CPUS);
    for (unsigned i = 0; i < ai->cpu_count; i++) {
        const struct acpi_cpu *c = &ai->cpus[i];

        FUZZ_CHECK(c->apic_id != (c->x2apic ? 0xffffffffu : 0xffu));
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(ai->cpus[j].apic_id != c->apic_id);
        enabled += c->enabled;
    }
    FUZZ_CHECK(enabled == ai->cpu_enabled_count);
    if (!ai->has_madt)
        FUZZ_CHECK(ai->cpu_count == 0 && ai->ioapic_count == 0 && ai->override_count == 0);
}

static void
check_irq_routing(const struct acpi_info *ai)
{
    for (unsigned irq = 0; irq < 256; irq++) {
        uint32_t gsi = irq;
        uint16_t flags = 0, got_flags = 0xffff;

        for (unsigned i = 0; i < ai->override_count; i++) {
            if (ai->overrides[i].bus == 0 && ai->overrides[i].source == irq) {
                gsi = ai->overrides[i].gsi;
                flags = ai->overrides[i].flags;
                break;
            }
        }
        FUZZ_CHECK(acpi_irq_to_gsi(ai, (uint8_t)irq, &got_flags) == gsi);
        FUZZ_CHECK(got_flags == flags);
    }
}

static void
check_info(const struct acpi_info *ai, const uint8_t *rsdp)
{
    size_t n = strnlen(ai->oem_id, sizeof(ai->oem_id));

    FUZZ_CHECK(n < sizeof(ai->oem_id));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(ai->oem_id[i] >= 0x20 && ai->oem_id[i] < 0x7f);
    FUZZ_CHECK(n == 0 || ai->oem_id[n - 1] != ' ');
    FUZZ_CHECK(ai->revision == rsdp[15]);

    FUZZ_CHECK(ai->table_count >= 1 && ai->table_count <= 2 + ACPI_MAX_TABLES);
    FUZZ_CHECK(ai->rejected < ai->table_count); /* the root table was valid */
    FUZZ_CHECK(map_calls <= 2 * ai->table_count);
    FUZZ_CHECK(fuzz_log_count[LOG_WARN] >= ai->rejected);

    check_cpus(ai);
    FUZZ_CHECK(ai->ioapic_count <= ACPI_MAX_IOAPICS);
    for (unsigned i = 0; i < ai->ioapic_count; i++)
        FUZZ_CHECK(ai->ioapics[i].addr != 0);
    FUZZ_CHECK(ai->override_count <= ACPI_MAX_OVERRIDES);
    check_irq_routing(ai);

    if (ai->has_hpet)
        FUZZ_CHECK(ai->hpet_addr != 0);
    else
        FUZZ_CHECK(ai->hpet_addr == 0);
    if (ai->pm_timer_port != 0) {
        FUZZ_CHECK(ai->has_fadt);
        FUZZ_CHECK(ai->pm_timer_port <= 0xffff);
        FUZZ_CHECK(ai->pm_timer_len == 4);
        FUZZ_CHECK(!(ai->fadt_flags & ACPI_FADT_HW_REDUCED_ACPI));
    } else {
        FUZZ_CHECK(ai->pm_timer_len == 0);
    }
    if (!ai->has_fadt)
        FUZZ_CHECK(ai->sci_irq == 0 && ai->fadt_flags == 0 && ai->iapc_boot_arch == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct acpi_info ai;
    uint8_t rsdp_bytes[36] = {0};
    size_t rsdp_len;
    uint8_t flags, *rsdp;
    int ret;

    if (size < 2)
        return 0;
    flags = data[0];
    memcpy(rsdp_bytes, data + 2, size - 2 < 36 ? size - 2 : 36);
    rsdp_len = flags & FLAG_RSDP_V2 ? 36 : 20;
    if (flags & FLAG_RSDP_ODD)
        rsdp_len = data[1] % 37u;
    if (flags & FLAG_SEAL_RSDP)
        seal_rsdp(rsdp_bytes, rsdp_len);
    arena = size > 38 ? data + 38 : data + size;
    arena_size = size > 38 ? size - 38 : 0;
    seal_tables = flags & FLAG_SEAL_TABLES;
    map_calls = 0;

    rsdp = malloc(rsdp_len ? rsdp_len : 1);
    FUZZ_CHECK(rsdp != NULL);
    memcpy(rsdp, rsdp_bytes, rsdp_len);
    fuzz_log_reset();
    memset(&ai, 0x5a, sizeof(ai));
    ret = acpi_parse(rsdp, rsdp_len, arena_map, &ai);
    arena_unmap_all();
    free(rsdp);

    if (ret != 0) {
        FUZZ_CHECK(ret == -CAIRN_EINVAL);
        FUZZ_CHECK(fuzz_log_count[LOG_WARN] >= 1);
        FUZZ_CHECK(map_calls <= 2 * ai.table_count && ai.table_count <= 2);
        return 0;
    }
    check_info(&ai, rsdp_bytes);
    return 0;
}
