// SPDX-License-Identifier: MIT
/*
 * Host tests for the ACPI table parser (kernel/acpi/acpi.c).
 *
 * The firmware is faked by an arena standing for physical memory at
 * ARENA_BASE, filled with crafted tables. The map function hands the parser a
 * fresh heap copy of exactly the bytes asked for, so ASan reports any read
 * past what the parser mapped, even when the arena holds more behind it;
 * the copies are freed only after acpi_parse() returns, as the contract
 * allows. Requests outside the arena return NULL, like an unmappable range.
 *
 * fw_build() lays out a QEMU-like machine: four processors (one disabled),
 * one I/O APIC, two interrupt overrides, an HPET and a revision 5 FADT,
 * listed by both an RSDT and an XSDT. The RSDT also lists an SSDT the XSDT
 * lacks, so the table count tells which root table was followed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi.h"
#include "cairn/errors.h"
#include "check.h"
#include "common/bytes.h"
#include "log_stub.h"

#define ARENA_BASE 0x7fe0000ull
#define ARENA_SIZE 0x10000u

#define RSDT_AT (ARENA_BASE + 0x0000)
#define XSDT_AT (ARENA_BASE + 0x0100)
#define HPET_AT (ARENA_BASE + 0x0200)
#define FADT_AT (ARENA_BASE + 0x0300)
#define SSDT_AT (ARENA_BASE + 0x0500)
#define MCFG_AT (ARENA_BASE + 0x0600)
#define MADT_AT (ARENA_BASE + 0x1000) /* up to 0x8000 bytes for big MADTs */

#define MAX_MAPS 1024

static uint8_t arena[ARENA_SIZE];
static void *maps[MAX_MAPS];
static unsigned map_count; /* copies alive */
static unsigned map_calls; /* requests since the last parse began */
static size_t map_max_len; /* largest request since the last parse began */
static struct acpi_info ai;

static uint8_t *
at(uint64_t phys)
{
    return arena + (phys - ARENA_BASE);
}

static const void *
arena_map(uint64_t phys, size_t len)
{
    void *copy;

    map_calls++;
    if (len > map_max_len)
        map_max_len = len;
    if (phys < ARENA_BASE || phys - ARENA_BASE > ARENA_SIZE ||
        len > ARENA_SIZE - (phys - ARENA_BASE) || map_count == MAX_MAPS)
        return NULL;
    copy = malloc(len ? len : 1);
    memcpy(copy, at(phys), len);
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

/* Sets the checksum byte so the table's length field's worth of bytes sums to 0. */
static void
table_seal(uint64_t phys)
{
    uint8_t *t = at(phys);
    uint32_t len =
        (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

    t[9] = 0;
    t[9] = (uint8_t)-bytes_sum8(t, len);
}

static void
table_header(uint64_t phys, const char *sig, uint32_t len, uint8_t rev)
{
    uint8_t *t = at(phys);

    memcpy(t, sig, 4);
    bytes_wr32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "BOCHS ", 6);
    memcpy(t + 16, "BXPC    ", 8);
    bytes_wr32(t + 24, 1);
    memcpy(t + 28, "BXPC", 4);
    bytes_wr32(t + 32, 1);
}

static void
build_rsdt(uint64_t phys, const uint64_t *entries, unsigned n)
{
    table_header(phys, "RSDT", 36 + 4 * n, 1);
    for (unsigned i = 0; i < n; i++)
        bytes_wr32(at(phys) + 36 + 4 * i, (uint32_t)entries[i]);
    table_seal(phys);
}

static void
build_xsdt(uint64_t phys, const uint64_t *entries, unsigned n)
{
    table_header(phys, "XSDT", 36 + 8 * n, 1);
    for (unsigned i = 0; i < n; i++)
        bytes_wr64(at(phys) + 36 + 8 * i, entries[i]);
    table_seal(phys);
}

/* MADT under construction at MADT_AT; entries are appended at madt_len. */
static uint32_t madt_len;

static void
madt_begin(uint32_t lapic_addr, uint32_t flags)
{
    table_header(MADT_AT, "APIC", 44, 3);
    bytes_wr32(at(MADT_AT) + 36, lapic_addr);
    bytes_wr32(at(MADT_AT) + 40, flags);
    madt_len = 44;
}

static uint8_t *
madt_entry(uint8_t type, uint8_t len)
{
    uint8_t *e = at(MADT_AT) + madt_len;

    e[0] = type;
    e[1] = len;
    madt_len += len;
    return e;
}

static void
madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    uint8_t *e = madt_entry(0, 8);

    e[2] = uid;
    e[3] = apic_id;
    bytes_wr32(e + 4, flags);
}

static void
madt_x2apic(uint32_t uid, uint32_t apic_id, uint32_t flags)
{
    uint8_t *e = madt_entry(9, 16);

    bytes_wr32(e + 4, apic_id);
    bytes_wr32(e + 8, flags);
    bytes_wr32(e + 12, uid);
}

static void
madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    uint8_t *e = madt_entry(1, 12);

    e[2] = id;
    bytes_wr32(e + 4, addr);
    bytes_wr32(e + 8, gsi_base);
}

static void
madt_override(uint8_t source, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = madt_entry(2, 10);

    e[2] = 0;
    e[3] = source;
    bytes_wr32(e + 4, gsi);
    bytes_wr16(e + 8, flags);
}

static void
madt_end(void)
{
    bytes_wr32(at(MADT_AT) + 4, madt_len);
    table_seal(MADT_AT);
}

static void
build_hpet(uint8_t space, uint64_t addr)
{
    uint8_t *t = at(HPET_AT);

    table_header(HPET_AT, "HPET", 56, 1);
    bytes_wr32(t + 36, 0x8086a201);
    t[40] = space;
    t[41] = 64;
    bytes_wr64(t + 44, addr);
    t[52] = 0;
    bytes_wr16(t + 53, 0x80);
    table_seal(HPET_AT);
}

/* A FADT of the given revision and length; the fields exist as far as len allows. */
static void
build_fadt(uint8_t rev, uint32_t len)
{
    uint8_t *t = at(FADT_AT);

    memset(t, 0, 276);
    table_header(FADT_AT, "FACP", len, rev);
    bytes_wr16(t + 46, 9);       /* SCI_INT */
    bytes_wr32(t + 76, 0x608);   /* PM_TMR_BLK */
    t[91] = 4;                   /* PM_TMR_LEN */
    t[108] = 0x32;               /* CENTURY */
    bytes_wr16(t + 109, 0x0003); /* IAPC_BOOT_ARCH: legacy devices, 8042 */
    bytes_wr32(t + 112, 0x000084a5);
    if (len >= 220) {
        t[208] = 1; /* X_PM_TMR_BLK in system I/O */
        t[209] = 32;
        bytes_wr64(t + 212, 0xb008);
    }
    table_seal(FADT_AT);
}

/* The default machine; tests corrupt it afterwards and reseal what they must. */
static void
fw_build(void)
{
    const uint64_t rsdt[] = {FADT_AT, MADT_AT, HPET_AT, SSDT_AT};
    const uint64_t xsdt[] = {FADT_AT, MADT_AT, HPET_AT};

    memset(arena, 0, sizeof(arena));
    build_rsdt(RSDT_AT, rsdt, 4);
    build_xsdt(XSDT_AT, xsdt, 3);
    madt_begin(0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_lapic(1, 1, 1);
    madt_lapic(2, 2, 0); /* disabled */
    madt_lapic(3, 3, 1);
    madt_ioapic(0, 0xfec00000, 0);
    madt_override(0, 2, 0);
    madt_override(9, 9, 0xd);   /* SCI: level, active high */
    madt_entry(4, 6)[2] = 0xff; /* LAPIC NMI: ignored */
    madt_entry(0x7f, 4);        /* unknown type: skipped */
    madt_end();
    build_hpet(0, 0xfed00000);
    build_fadt(5, 276);
    table_header(SSDT_AT, "SSDT", 40, 1);
    table_seal(SSDT_AT);
}

/* An RSDP of revision rev (20 bytes for rev < 2, else 36). */
static uint8_t rsdp[36];
static size_t rsdp_len;

static void
rsdp_build(uint8_t rev, uint64_t rsdt, uint64_t xsdt)
{
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "BOCHS ", 6);
    rsdp[15] = rev;
    bytes_wr32(rsdp + 16, (uint32_t)rsdt);
    rsdp[8] = (uint8_t)-bytes_sum8(rsdp, 20);
    rsdp_len = 20;
    if (rev >= 2) {
        bytes_wr32(rsdp + 20, 36);
        bytes_wr64(rsdp + 24, xsdt);
        rsdp[32] = (uint8_t)-bytes_sum8(rsdp, 36);
        rsdp_len = 36;
    }
}

/* Parses from an exactly sized heap copy of the RSDP. */
static int
parse_len(size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, rsdp, len);
    log_stub_reset();
    map_max_len = 0;
    map_calls = 0;
    rc = acpi_parse(copy, len, arena_map, &ai);
    free(copy);
    arena_unmap_all();
    return rc;
}

static int
parse(void)
{
    return parse_len(rsdp_len);
}

static unsigned
warns(void)
{
    return log_stub_count[LOG_WARN];
}

static void
check_default_machine(void)
{
    CHECK(strcmp(ai.oem_id, "BOCHS") == 0);
    CHECK(ai.has_madt);
    CHECK(ai.lapic_addr == 0xfee00000);
    CHECK(ai.pcat_compat);
    CHECK(ai.cpu_count == 3 && ai.cpu_enabled_count == 3);
    CHECK(ai.cpus[0].apic_id == 0 && ai.cpus[1].apic_id == 1 && ai.cpus[2].apic_id == 3);
    CHECK(ai.cpus[2].uid == 3 && ai.cpus[2].enabled && !ai.cpus[2].x2apic);
    CHECK(ai.ioapic_count == 1);
    CHECK(ai.ioapics[0].id == 0 && ai.ioapics[0].addr == 0xfec00000);
    CHECK(ai.ioapics[0].gsi_base == 0);
    CHECK(ai.override_count == 2);
    CHECK(ai.overrides[0].source == 0 && ai.overrides[0].gsi == 2);
    CHECK(ai.overrides[1].source == 9 && ai.overrides[1].flags == 0xd);
    CHECK(ai.has_hpet && ai.hpet_addr == 0xfed00000);
    CHECK(ai.hpet_number == 0 && ai.hpet_min_tick == 0x80);
    CHECK(ai.has_fadt && ai.sci_irq == 9);
    CHECK(ai.century == 0x32);
    CHECK(ai.fadt_flags == 0x84a5);
}

TEST(acpi_v1_rsdp_follows_the_rsdt)
{
    fw_build();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(warns() == 0);
    CHECK(ai.revision == 0 && !ai.xsdt);
    CHECK(ai.table_count == 5 && ai.rejected == 0); /* RSDT, FADT, MADT, HPET, SSDT */
    check_default_machine();
    CHECK(ai.iapc_boot_arch == 3);
    CHECK(ai.pm_timer_port == 0xb008 && ai.pm_timer_len == 4); /* X_PM_TMR_BLK wins */
    CHECK(map_max_len <= ACPI_MAX_TABLE_LEN);
}

TEST(acpi_v2_rsdp_follows_the_xsdt)
{
    fw_build();
    rsdp_build(2, RSDT_AT, XSDT_AT);
    CHECK(parse() == 0);
    CHECK(warns() == 0);
    CHECK(ai.revision == 2 && ai.xsdt);
    CHECK(ai.table_count == 4 && ai.rejected == 0); /* XSDT, FADT, MADT, HPET */
    check_default_machine();
}

TEST(acpi_irq_to_gsi_applies_overrides)
{
    uint16_t flags = 0xffff;

    fw_build();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(acpi_irq_to_gsi(&ai, 0, &flags) == 2 && flags == 0);
    CHECK(acpi_irq_to_gsi(&ai, 9, &flags) == 9 && flags == 0xd);
    flags = 0xffff;
    CHECK(acpi_irq_to_gsi(&ai, 1, &flags) == 1 && flags == 0);
    CHECK(acpi_irq_to_gsi(&ai, 4, NULL) == 4);
    CHECK(acpi_irq_to_gsi(NULL, 0, &flags) == 0 && flags == 0);
    /* An override for another bus is not an ISA override. */
    ai.overrides[0].bus = 1;
    CHECK(acpi_irq_to_gsi(&ai, 0, NULL) == 0);
}

TEST(acpi_bad_rsdp_is_fatal)
{
    fw_build();
    rsdp_build(0, RSDT_AT, 0);
    rsdp[0] = 'X';
    CHECK(parse() == -CAIRN_EINVAL);
    CHECK(warns() == 1 && map_calls == 0);

    rsdp_build(0, RSDT_AT, 0);
    rsdp[16] ^= 0x40; /* RSDT address changed under the checksum */
    CHECK(parse() == -CAIRN_EINVAL);
    CHECK(warns() == 1);
    CHECK(ai.table_count == 0);

    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse_len(19) == -CAIRN_EINVAL);
    CHECK(warns() == 1);

    log_stub_reset();
    CHECK(acpi_parse(NULL, 36, arena_map, &ai) == -CAIRN_EINVAL);
    CHECK(acpi_parse(rsdp, 20, NULL, &ai) == -CAIRN_EINVAL);
}

TEST(acpi_bad_extended_rsdp_falls_back_to_the_rsdt)
{
    fw_build();
    rsdp_build(2, RSDT_AT, XSDT_AT);
    rsdp[33] = 1; /* breaks the extended checksum only */
    CHECK(parse() == 0);
    CHECK(!ai.xsdt && ai.table_count == 5 && ai.has_madt);
    CHECK(warns() == 1);

    rsdp_build(2, RSDT_AT, XSDT_AT);
    bytes_wr32(rsdp + 20, 40); /* longer than the 36 bytes given */
    rsdp[32] = 0;
    rsdp[32] = (uint8_t)-bytes_sum8(rsdp, 36);
    CHECK(parse() == 0);
    CHECK(!ai.xsdt && warns() == 1);

    rsdp_build(2, RSDT_AT, XSDT_AT);
    CHECK(parse_len(20) == 0); /* a 2.0 RSDP cut to 20 bytes */
    CHECK(!ai.xsdt && warns() == 1);
}

TEST(acpi_xsdt_outside_memory_falls_back_to_the_rsdt)
{
    fw_build();
    rsdp_build(2, RSDT_AT, 0xdead0000000);
    CHECK(parse() == 0);
    CHECK(!ai.xsdt && ai.has_madt && ai.cpu_count == 3);
    CHECK(ai.rejected == 1 && ai.table_count == 6);
    CHECK(warns() == 2);

    /* With no RSDT to fall back on there is nothing to parse. */
    rsdp_build(2, 0, ARENA_BASE + ARENA_SIZE - 8);
    CHECK(parse() == -CAIRN_EINVAL);
    CHECK(ai.rejected == 1 && !ai.has_madt);
    CHECK(warns() == 2);
}

TEST(acpi_root_table_with_wrong_signature_is_rejected)
{
    fw_build();
    rsdp_build(0, MADT_AT, 0);
    CHECK(parse() == -CAIRN_EINVAL);
    CHECK(ai.rejected == 1 && !ai.has_madt);
    CHECK(warns() == 2);
}

TEST(acpi_table_with_bad_checksum_is_not_followed)
{
    fw_build();
    at(MADT_AT)[44 + 3] = 7; /* first CPU's APIC ID, checksum left stale */
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(!ai.has_madt && ai.cpu_count == 0 && ai.ioapic_count == 0);
    CHECK(ai.rejected == 1 && ai.table_count == 5);
    CHECK(ai.has_fadt && ai.has_hpet);
    CHECK(warns() == 1);

    fw_build();
    at(RSDT_AT)[9] ^= 1;
    CHECK(parse() == -CAIRN_EINVAL);
    CHECK(ai.rejected == 1 && ai.table_count == 1 && !ai.has_fadt);
}

TEST(acpi_table_with_absurd_length_is_rejected)
{
    /* shorter than its own header */
    fw_build();
    bytes_wr32(at(HPET_AT) + 4, 20);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(!ai.has_hpet && ai.rejected == 1 && warns() == 1);

    /* far beyond any real table: must not even be mapped */
    fw_build();
    bytes_wr32(at(HPET_AT) + 4, 0x7fffffff);
    CHECK(parse() == 0);
    CHECK(!ai.has_hpet && ai.rejected == 1 && warns() == 1);
    CHECK(map_max_len <= ACPI_MAX_TABLE_LEN);

    /* running past the end of memory */
    fw_build();
    table_header(ARENA_BASE + ARENA_SIZE - 64, "HPET", 4096, 1);
    {
        const uint64_t rsdt[] = {ARENA_BASE + ARENA_SIZE - 64, MADT_AT};

        build_rsdt(RSDT_AT, rsdt, 2);
    }
    CHECK(parse() == 0);
    CHECK(!ai.has_hpet && ai.has_madt && ai.rejected == 1 && warns() == 1);

    /* a header that is itself out of reach */
    fw_build();
    {
        const uint64_t rsdt[] = {ARENA_BASE + ARENA_SIZE - 20, 0, MADT_AT};

        build_rsdt(RSDT_AT, rsdt, 3);
    }
    CHECK(parse() == 0);
    CHECK(ai.has_madt && ai.rejected == 1 && ai.table_count == 3);
    CHECK(warns() == 2); /* the unmappable header and the null entry */
}

TEST(acpi_tables_too_short_for_their_fields_are_rejected)
{
    fw_build();
    bytes_wr32(at(MADT_AT) + 4, 40);
    table_seal(MADT_AT);
    bytes_wr32(at(HPET_AT) + 4, 52);
    table_seal(HPET_AT);
    build_fadt(1, 100);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(!ai.has_madt && !ai.has_hpet && !ai.has_fadt);
    CHECK(ai.rejected == 3 && warns() == 3);
}

TEST(acpi_madt_entry_of_length_zero_stops_the_walk)
{
    fw_build();
    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, 1);
    madt_lapic(1, 1, 1);
    madt_entry(0, 0);
    madt_len += 8; /* room behind it, so only the length can stop the walk */
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.has_madt && !ai.pcat_compat);
    CHECK(ai.cpu_count == 2);
    CHECK(warns() == 1);

    /* an unknown type, whose length nothing else can check */
    fw_build();
    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, 1);
    madt_entry(0x42, 0);
    madt_len += 8;
    madt_end();
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 1 && warns() == 1);

    fw_build();
    madt_begin(0xfee00000, 0);
    madt_lapic(0, 0, 1);
    madt_entry(9, 1);
    madt_len += 15;
    madt_end();
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 1 && warns() == 1);
}

TEST(acpi_madt_entry_past_the_table_end_stops_the_walk)
{
    fw_build();
    madt_begin(0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_x2apic(1, 1, 1);
    madt_len -= 8; /* the table ends halfway through the x2APIC entry */
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.has_madt && ai.cpu_count == 1);
    CHECK(warns() == 1);

    /* a single stray byte after the last entry */
    fw_build();
    madt_begin(0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_len += 1;
    madt_end();
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 1 && warns() == 1);
}

TEST(acpi_madt_entry_with_wrong_length_stops_the_walk)
{
    fw_build();
    madt_begin(0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_entry(1, 10); /* an I/O APIC entry is 12 bytes */
    madt_lapic(1, 1, 1);
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 1 && ai.ioapic_count == 0);
    CHECK(warns() == 1);
}

TEST(acpi_too_many_cpus_are_dropped_with_a_warning)
{
    fw_build();
    madt_begin(0xfee00000, 1);
    for (uint32_t i = 0; i < ACPI_MAX_CPUS + 44; i++)
        madt_x2apic(i, i, 1);
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == ACPI_MAX_CPUS && ai.cpu_enabled_count == ACPI_MAX_CPUS);
    CHECK(ai.cpus[ACPI_MAX_CPUS - 1].apic_id == ACPI_MAX_CPUS - 1);
    CHECK(ai.cpus[ACPI_MAX_CPUS - 1].x2apic);
    CHECK(warns() == 1);
}

TEST(acpi_too_many_ioapics_and_overrides_are_dropped)
{
    fw_build();
    madt_begin(0xfee00000, 1);
    for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
        madt_ioapic((uint8_t)i, 0xfec00000 + 0x1000 * i, 24 * i);
    for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 3; i++)
        madt_override((uint8_t)i, i + 100, 0);
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.ioapic_count == ACPI_MAX_IOAPICS && ai.override_count == ACPI_MAX_OVERRIDES);
    CHECK(ai.ioapics[ACPI_MAX_IOAPICS - 1].gsi_base == 24 * (ACPI_MAX_IOAPICS - 1));
    CHECK(warns() == 2);
}

TEST(acpi_madt_processor_variants_are_sorted_out)
{
    fw_build();
    madt_begin(0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_x2apic(0, 0, 1);    /* the same processor again: counted once */
    madt_x2apic(7, 300, 1);  /* an ID only x2APIC can express */
    madt_x2apic(8, 301, 2);  /* online-capable, not enabled */
    madt_x2apic(9, 302, 0);  /* disabled: not listed */
    madt_lapic(10, 0xff, 1); /* broadcast ID: warned, not listed */
    madt_ioapic(1, 0, 0);    /* address 0: warned, not listed */
    madt_entry(5, 12);       /* LAPIC address override */
    bytes_wr64(at(MADT_AT) + madt_len - 8, 0xfee0000000ull);
    madt_end();
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 3 && ai.cpu_enabled_count == 2);
    CHECK(ai.cpus[0].apic_id == 0 && !ai.cpus[0].x2apic);
    CHECK(ai.cpus[1].apic_id == 300 && ai.cpus[1].uid == 7 && ai.cpus[1].x2apic);
    CHECK(ai.cpus[2].apic_id == 301 && !ai.cpus[2].enabled);
    CHECK(ai.ioapic_count == 0);
    CHECK(ai.lapic_addr == 0xfee0000000ull);
    CHECK(warns() == 2);
}

TEST(acpi_hpet_outside_system_memory_is_ignored)
{
    fw_build();
    build_hpet(1, 0xfed00000);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(!ai.has_hpet && ai.hpet_addr == 0 && ai.rejected == 0);
    CHECK(warns() == 1);

    fw_build();
    build_hpet(0, 0);
    CHECK(parse() == 0);
    CHECK(!ai.has_hpet && warns() == 1);
}

TEST(acpi_fadt_1_0_has_no_boot_arch_and_uses_the_legacy_pm_timer)
{
    fw_build();
    build_fadt(1, 116);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(warns() == 0);
    CHECK(ai.has_fadt && ai.sci_irq == 9 && ai.century == 0x32);
    CHECK(ai.iapc_boot_arch == 0);
    CHECK(ai.pm_timer_port == 0x608 && ai.pm_timer_len == 4);
}

TEST(acpi_fadt_pm_timer_oddities_are_handled)
{
    /* X_PM_TMR_BLK in memory space: the legacy port is used */
    fw_build();
    at(FADT_AT)[208] = 0;
    table_seal(FADT_AT);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.pm_timer_port == 0x608 && warns() == 0);

    /* X_PM_TMR_BLK not a 16-bit port */
    fw_build();
    bytes_wr64(at(FADT_AT) + 212, 0x123456);
    table_seal(FADT_AT);
    CHECK(parse() == 0);
    CHECK(ai.pm_timer_port == 0x608 && warns() == 1);

    /* a legacy PM_TMR_BLK above the 16-bit port space, and no X_PM_TMR_BLK */
    fw_build();
    build_fadt(1, 116);
    bytes_wr32(at(FADT_AT) + 76, 0x10608);
    table_seal(FADT_AT);
    CHECK(parse() == 0);
    CHECK(ai.has_fadt && ai.pm_timer_port == 0 && ai.pm_timer_len == 0 && warns() == 1);

    /* a PM timer block that is not 4 bytes long */
    fw_build();
    build_fadt(1, 116);
    at(FADT_AT)[91] = 3;
    table_seal(FADT_AT);
    CHECK(parse() == 0);
    CHECK(ai.has_fadt && ai.pm_timer_port == 0 && ai.pm_timer_len == 0 && warns() == 1);

    /* hardware-reduced ACPI has no PM timer */
    fw_build();
    bytes_wr32(at(FADT_AT) + 112, ACPI_FADT_HW_REDUCED_ACPI);
    table_seal(FADT_AT);
    CHECK(parse() == 0);
    CHECK(ai.pm_timer_port == 0 && warns() == 0);
}

TEST(acpi_root_table_entries_are_capped)
{
    uint64_t many[ACPI_MAX_TABLES + 20];

    fw_build();
    for (unsigned i = 0; i < ACPI_MAX_TABLES + 20; i++)
        many[i] = SSDT_AT;
    build_xsdt(MADT_AT, many, ACPI_MAX_TABLES + 20); /* room for it where the MADT was */
    rsdp_build(2, RSDT_AT, MADT_AT);
    CHECK(parse() == 0);
    CHECK(ai.xsdt && ai.table_count == 1 + ACPI_MAX_TABLES);
    CHECK(warns() == 1);

    /* a length that leaves half an entry */
    fw_build();
    bytes_wr32(at(XSDT_AT) + 4, 36 + 8 * 3 - 4);
    table_seal(XSDT_AT);
    rsdp_build(2, RSDT_AT, XSDT_AT);
    CHECK(parse() == 0);
    CHECK(ai.xsdt && ai.table_count == 3 && ai.has_madt && !ai.has_hpet);
    CHECK(warns() == 1);
}

TEST(acpi_duplicate_tables_keep_the_first)
{
    const uint64_t rsdt[] = {MADT_AT, FADT_AT, MADT_AT, FADT_AT, HPET_AT, HPET_AT};

    fw_build();
    build_rsdt(RSDT_AT, rsdt, 6);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.cpu_count == 3 && ai.override_count == 2);
    CHECK(ai.table_count == 7 && ai.rejected == 0);
    CHECK(warns() == 2); /* the second MADT and FADT; two HPETs are legal */
}

/* An MCFG entry: base, segment, first and last bus. */
static void
mcfg_entry(unsigned i, uint64_t base, uint16_t segment, uint8_t first, uint8_t last)
{
    uint8_t *e = at(MCFG_AT) + 44 + 16 * i;

    bytes_wr64(e, base);
    bytes_wr16(e + 8, segment);
    e[10] = first;
    e[11] = last;
}

TEST(acpi_mcfg_gives_the_ecam_of_segment_0)
{
    const uint64_t rsdt[] = {MADT_AT, MCFG_AT};

    fw_build();
    table_header(MCFG_AT, "MCFG", 44 + 16 * 4, 1);
    mcfg_entry(0, 0xc0000000, 1, 0, 255); /* another segment: skipped */
    mcfg_entry(1, 0xb0000000, 0, 9, 3);   /* buses backwards: warned about */
    mcfg_entry(2, 0xb0000010, 0, 0, 255); /* not page-aligned: warned about */
    mcfg_entry(3, 0xb0000000, 0, 0, 255); /* the one */
    table_seal(MCFG_AT);
    build_rsdt(RSDT_AT, rsdt, 2);
    rsdp_build(0, RSDT_AT, 0);
    CHECK(parse() == 0);
    CHECK(ai.has_mcfg && ai.ecam_base == 0xb0000000 && ai.ecam_bus_first == 0 &&
          ai.ecam_bus_last == 255);
    CHECK(warns() == 2);

    /* A table that ends inside its only entry gives no ECAM. */
    bytes_wr32(at(MCFG_AT) + 4, 44 + 8);
    table_seal(MCFG_AT);
    CHECK(parse() == 0);
    CHECK(!ai.has_mcfg && ai.ecam_base == 0);
}

int
main(void)
{
    RUN(acpi_v1_rsdp_follows_the_rsdt);
    RUN(acpi_v2_rsdp_follows_the_xsdt);
    RUN(acpi_irq_to_gsi_applies_overrides);
    RUN(acpi_bad_rsdp_is_fatal);
    RUN(acpi_bad_extended_rsdp_falls_back_to_the_rsdt);
    RUN(acpi_xsdt_outside_memory_falls_back_to_the_rsdt);
    RUN(acpi_root_table_with_wrong_signature_is_rejected);
    RUN(acpi_table_with_bad_checksum_is_not_followed);
    RUN(acpi_table_with_absurd_length_is_rejected);
    RUN(acpi_tables_too_short_for_their_fields_are_rejected);
    RUN(acpi_madt_entry_of_length_zero_stops_the_walk);
    RUN(acpi_madt_entry_past_the_table_end_stops_the_walk);
    RUN(acpi_madt_entry_with_wrong_length_stops_the_walk);
    RUN(acpi_too_many_cpus_are_dropped_with_a_warning);
    RUN(acpi_too_many_ioapics_and_overrides_are_dropped);
    RUN(acpi_madt_processor_variants_are_sorted_out);
    RUN(acpi_hpet_outside_system_memory_is_ignored);
    RUN(acpi_fadt_1_0_has_no_boot_arch_and_uses_the_legacy_pm_timer);
    RUN(acpi_fadt_pm_timer_oddities_are_handled);
    RUN(acpi_root_table_entries_are_capped);
    RUN(acpi_duplicate_tables_keep_the_first);
    RUN(acpi_mcfg_gives_the_ecam_of_segment_0);
    return check_exit();
}
