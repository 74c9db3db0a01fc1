// SPDX-License-Identifier: MIT
/*
 * ACPI static table parser (see acpi.h for the contract).
 *
 *   RSDP ──> XSDT (64-bit entries) or RSDT (32-bit entries)
 *              ├─> "APIC" MADT: LAPIC, I/O APIC, override, x2APIC entries
 *              ├─> "HPET"
 *              ├─> "FACP" FADT (its DSDT is not followed)
 *              └─> anything else: validated, counted, skipped
 *
 * Every table goes through acpi_table_map(), which maps the 36-byte header,
 * checks the length against ACPI_MAX_TABLE_LEN, maps that length and checks
 * the checksum. Only then is a field of it read, and only at offsets below
 * that length: each parser checks the table is long enough for the fields it
 * wants, and the MADT walk checks each entry against what is left. Fields are
 * read byte by byte, little-endian (common/bytes.h), because firmware does not
 * align them.
 *
 * Layouts and offsets follow the ACPI 6.5 specification, sections 5.2.5
 * (RSDP), 5.2.7-8 (RSDT, XSDT), 5.2.9 (FADT) and 5.2.12 (MADT), and the
 * IA-PC HPET specification 1.0a, table 3.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi/acpi.h"
#include "cairn/errors.h"
#include "common/bytes.h"
#include "lib/log.h"

#define RSDP_V1_LEN 20u /* the part the first checksum covers */
#define RSDP_V2_LEN 36u
#define HDR_LEN     36u /* the common table header */

#define MADT_ENTRIES       44u /* header, local APIC address, flags */
#define HPET_LEN           56u
#define FADT_V1_LEN        116u /* ACPI 1.0: up to and including Flags */
#define MCFG_ENTRIES       44u  /* the header and 8 reserved bytes */
#define MCFG_ENTRY_LEN     16u
#define ECAM_BUS_SIZE      (1ull << 20) /* 32 devices x 8 functions x 4 KiB */
#define FADT_X_PMTMR       208u         /* X_PM_TMR_BLK, a 12-byte generic address */
#define FADT_IAPC_REVISION 3            /* the first FADT revision (ACPI 2.0) with IAPC_BOOT_ARCH */

#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO     1

enum madt_type {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_OVERRIDE = 2,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_ADDR = 5,
    MADT_X2APIC = 9,
};

#define MADT_LAPIC_ENABLED        0x1u
#define MADT_LAPIC_ONLINE_CAPABLE 0x2u
#define MADT_PCAT_COMPAT          0x1u

/* Entries dropped because a fixed array was full, reported once per MADT. */
struct madt_dropped {
    unsigned cpus;
    unsigned ioapics;
    unsigned overrides;
};

static bool
acpi_sig_is(const uint8_t *p, const char *sig, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != (uint8_t)sig[i])
            return false;
    }
    return true;
}

/* A signature made safe to print: firmware garbage must not reach the log. */
static void
acpi_sig_name(const uint8_t *p, char name[5])
{
    for (int i = 0; i < 4; i++)
        name[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    name[4] = '\0';
}

/*
 * Maps the table at phys and validates it: signature (if sig is not NULL),
 * length, checksum. Returns the table with its length in *len_out, or NULL
 * after a warning; either way the table is counted, and a refusal is counted
 * as rejected.
 */
static const uint8_t *
acpi_table_map(acpi_map_fn map, uint64_t phys, const char *sig, struct acpi_info *out,
               uint32_t *len_out)
{
    const uint8_t *hdr, *table;
    uint32_t len;
    char name[5];

    out->table_count++;
    hdr = map(phys, HDR_LEN);
    if (hdr == NULL) {
        log_warn("acpi: table header at %#lx cannot be mapped; rejected", phys);
        goto err_reject;
    }
    acpi_sig_name(hdr, name);
    if (sig != NULL && !acpi_sig_is(hdr, sig, 4)) {
        log_warn("acpi: table at %#lx is \"%s\", not %s; rejected", phys, name, sig);
        goto err_reject;
    }
    len = bytes_rd32(hdr + 4);
    if (len < HDR_LEN || len > ACPI_MAX_TABLE_LEN) {
        log_warn("acpi: %s at %#lx claims %u bytes; rejected", name, phys, len);
        goto err_reject;
    }
    table = map(phys, len);
    if (table == NULL) {
        log_warn("acpi: %s at %#lx (%u bytes) cannot be mapped; rejected", name, phys, len);
        goto err_reject;
    }
    if (bytes_sum8(table, len) != 0) {
        log_warn("acpi: %s at %#lx has a bad checksum; rejected", name, phys);
        goto err_reject;
    }
    *len_out = len;
    return table;

err_reject:
    out->rejected++;
    return NULL;
}

/* Length of each MADT entry type we read; 0 for types we skip unread. */
static uint8_t
madt_entry_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:
        return 8;
    case MADT_IOAPIC:
        return 12;
    case MADT_OVERRIDE:
        return 10;
    case MADT_LAPIC_NMI:
        return 6;
    case MADT_LAPIC_ADDR:
        return 12;
    case MADT_X2APIC:
        return 16;
    default:
        return 0;
    }
}

static void
madt_add_cpu(struct acpi_info *out, struct madt_dropped *dropped, uint32_t apic_id, uint32_t uid,
             uint32_t flags, bool x2apic)
{
    bool enabled = flags & MADT_LAPIC_ENABLED;
    struct acpi_cpu *cpu;

    if (!enabled && !(flags & MADT_LAPIC_ONLINE_CAPABLE)) {
        log_debug("acpi: processor uid %u (APIC ID %u) is disabled", uid, apic_id);
        return;
    }
    if (apic_id == (x2apic ? 0xffffffffu : 0xffu)) {
        log_warn("acpi: processor uid %u has the broadcast APIC ID; ignored", uid);
        return;
    }
    /* Firmware may describe one processor by both a LAPIC and an x2APIC entry. */
    for (unsigned i = 0; i < out->cpu_count; i++) {
        if (out->cpus[i].apic_id == apic_id) {
            log_debug("acpi: APIC ID %u listed twice; the first entry is kept", apic_id);
            return;
        }
    }
    if (out->cpu_count == ACPI_MAX_CPUS) {
        dropped->cpus++;
        return;
    }
    cpu = &out->cpus[out->cpu_count++];
    cpu->apic_id = apic_id;
    cpu->uid = uid;
    cpu->enabled = enabled;
    cpu->x2apic = x2apic;
    if (enabled)
        out->cpu_enabled_count++;
}

static void
madt_add_ioapic(struct acpi_info *out, struct madt_dropped *dropped, const uint8_t *e)
{
    struct acpi_ioapic *io;
    uint32_t addr = bytes_rd32(e + 4);

    if (addr == 0) {
        log_warn("acpi: I/O APIC %u has address 0; ignored", e[2]);
        return;
    }
    if (out->ioapic_count == ACPI_MAX_IOAPICS) {
        dropped->ioapics++;
        return;
    }
    io = &out->ioapics[out->ioapic_count++];
    io->id = e[2];
    io->addr = addr;
    io->gsi_base = bytes_rd32(e + 8);
}

static void
madt_add_override(struct acpi_info *out, struct madt_dropped *dropped, const uint8_t *e)
{
    struct acpi_override *ov;

    if (out->override_count == ACPI_MAX_OVERRIDES) {
        dropped->overrides++;
        return;
    }
    ov = &out->overrides[out->override_count++];
    ov->bus = e[2];
    ov->source = e[3];
    ov->gsi = bytes_rd32(e + 4);
    ov->flags = bytes_rd16(e + 8);
}

static void
madt_parse_entry(struct acpi_info *out, struct madt_dropped *dropped, const uint8_t *e)
{
    uint64_t addr;

    switch (e[0]) {
    case MADT_LAPIC:
        madt_add_cpu(out, dropped, e[3], e[2], bytes_rd32(e + 4), false);
        break;
    case MADT_IOAPIC:
        madt_add_ioapic(out, dropped, e);
        break;
    case MADT_OVERRIDE:
        madt_add_override(out, dropped, e);
        break;
    case MADT_LAPIC_ADDR:
        addr = bytes_rd64(e + 4);
        if (addr == 0)
            log_warn("acpi: MADT local APIC address override to 0; ignored");
        else
            out->lapic_addr = addr;
        break;
    case MADT_X2APIC:
        madt_add_cpu(out, dropped, bytes_rd32(e + 4), bytes_rd32(e + 12), bytes_rd32(e + 8), true);
        break;
    default:
        /* LAPIC NMI and the rest: not needed by the kernel. */
        log_debug("acpi: MADT entry type %u skipped", e[0]);
        break;
    }
}

static void
acpi_parse_madt(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
    struct madt_dropped dropped = {0};
    uint32_t off;

    if (len < MADT_ENTRIES) {
        log_warn("acpi: MADT of %u bytes is too short; rejected", len);
        out->rejected++;
        return;
    }
    out->has_madt = true;
    out->lapic_addr = bytes_rd32(t + 36);
    out->pcat_compat = bytes_rd32(t + 40) & MADT_PCAT_COMPAT;

    /* Each step advances by an entry length of at least 2, so the walk ends. */
    for (off = MADT_ENTRIES; off < len;) {
        uint8_t type, elen, want;

        if (len - off < 2) {
            log_warn("acpi: MADT ends inside an entry header at offset %u", off);
            break;
        }
        type = t[off];
        elen = t[off + 1];
        want = madt_entry_len(type);
        if (elen < 2 || elen > len - off) {
            log_warn("acpi: MADT entry type %u at offset %u has length %u, %u bytes left; stopped",
                     type, off, elen, len - off);
            break;
        }
        if (want != 0 && elen != want) {
            log_warn("acpi: MADT entry type %u at offset %u has length %u, not %u; stopped", type,
                     off, elen, want);
            break;
        }
        madt_parse_entry(out, &dropped, t + off);
        off += elen;
    }

    if (dropped.cpus)
        log_warn("acpi: %u processors beyond the first %d dropped", dropped.cpus, ACPI_MAX_CPUS);
    if (dropped.ioapics)
        log_warn("acpi: %u I/O APICs beyond the first %d dropped", dropped.ioapics,
                 ACPI_MAX_IOAPICS);
    if (dropped.overrides)
        log_warn("acpi: %u interrupt overrides beyond the first %d dropped", dropped.overrides,
                 ACPI_MAX_OVERRIDES);
}

static void
acpi_parse_hpet(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
    uint64_t addr;

    if (len < HPET_LEN) {
        log_warn("acpi: HPET table of %u bytes is too short; rejected", len);
        out->rejected++;
        return;
    }
    /* The base address is a generic address structure at offset 40. */
    addr = bytes_rd64(t + 44);
    if (t[40] != GAS_SYSTEM_MEMORY) {
        log_warn("acpi: HPET registers are in address space %u, not memory; ignored", t[40]);
        return;
    }
    if (addr == 0) {
        log_warn("acpi: HPET at address 0; ignored");
        return;
    }
    out->has_hpet = true;
    out->hpet_addr = addr;
    out->hpet_number = t[52];
    out->hpet_min_tick = bytes_rd16(t + 53);
}

/*
 * The PM timer: X_PM_TMR_BLK wins over PM_TMR_BLK when it is present and in
 * I/O space. A timer in memory space is left unused (the kernel only reads
 * it through ports); the legacy port, if any, still describes it.
 */
static void
acpi_fadt_pm_timer(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
    uint32_t port = bytes_rd32(t + 76);
    uint8_t plen = t[91];

    if (len >= FADT_X_PMTMR + 12 && bytes_rd64(t + FADT_X_PMTMR + 4) != 0) {
        const uint8_t *gas = t + FADT_X_PMTMR;
        uint64_t xport = bytes_rd64(gas + 4);

        if (gas[0] != GAS_SYSTEM_IO)
            log_debug("acpi: X_PM_TMR_BLK in address space %u; using PM_TMR_BLK", gas[0]);
        else if (xport > 0xffff)
            log_warn("acpi: X_PM_TMR_BLK port %#lx is not a port; using PM_TMR_BLK", xport);
        else {
            port = (uint32_t)xport;
            plen = gas[1] ? gas[1] / 8 : plen;
        }
    }
    if (out->fadt_flags & ACPI_FADT_HW_REDUCED_ACPI)
        port = 0;
    /* PM_TMR_BLK is a 32-bit field, but I/O ports are 16 bits: inl would read another port. */
    if (port > 0xffff) {
        log_warn("acpi: PM_TMR_BLK %#x is not a port; ignored", port);
        port = 0;
    }
    if (port != 0 && plen != 4) {
        log_warn("acpi: PM timer block is %u bytes, not 4; ignored", plen);
        port = 0;
    }
    out->pm_timer_port = port;
    out->pm_timer_len = port ? plen : 0;
}

static void
acpi_parse_fadt(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
    if (len < FADT_V1_LEN) {
        log_warn("acpi: FADT of %u bytes is shorter than ACPI 1.0's %u; rejected", len,
                 FADT_V1_LEN);
        out->rejected++;
        return;
    }
    out->has_fadt = true;
    out->sci_irq = bytes_rd16(t + 46);
    out->century = t[108];
    out->fadt_flags = bytes_rd32(t + 112);
    /* In ACPI 1.0 the IAPC_BOOT_ARCH bytes were reserved. */
    if (t[8] >= FADT_IAPC_REVISION)
        out->iapc_boot_arch = bytes_rd16(t + 109);
    acpi_fadt_pm_timer(out, t, len);
}

/*
 * MCFG: after the header and 8 reserved bytes, 16-byte entries (base,
 * segment, first and last bus). The first valid entry for segment 0 is
 * kept: the ECAM that q35 and most PCs have.
 */
static void
acpi_parse_mcfg(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
    for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= len; off += MCFG_ENTRY_LEN) {
        const uint8_t *e = t + off;
        uint64_t base = bytes_rd64(e);
        uint16_t segment = bytes_rd16(e + 8);
        uint8_t first = e[10], last = e[11];

        if (segment != 0)
            continue;
        if (base == 0 || (base & 0xfff) || last < first ||
            base + ((uint64_t)last + 1) * ECAM_BUS_SIZE < base) {
            log_warn("acpi: MCFG entry at %#lx for buses %u-%u is not usable; ignored",
                     (unsigned long)base, first, last);
            continue;
        }
        out->has_mcfg = true;
        out->ecam_base = base;
        out->ecam_bus_first = first;
        out->ecam_bus_last = last;
        return;
    }
}

static void
acpi_parse_table(struct acpi_info *out, acpi_map_fn map, uint64_t phys)
{
    const uint8_t *t;
    uint32_t len;
    char name[5];

    t = acpi_table_map(map, phys, NULL, out, &len);
    if (t == NULL)
        return;
    acpi_sig_name(t, name);
    if (acpi_sig_is(t, "APIC", 4)) {
        if (out->has_madt)
            log_warn("acpi: second MADT at %#lx ignored", phys);
        else
            acpi_parse_madt(out, t, len);
    } else if (acpi_sig_is(t, "HPET", 4)) {
        /* Several HPET tables are legal; the first describes the timer used. */
        if (!out->has_hpet)
            acpi_parse_hpet(out, t, len);
    } else if (acpi_sig_is(t, "FACP", 4)) {
        if (out->has_fadt)
            log_warn("acpi: second FADT at %#lx ignored", phys);
        else
            acpi_parse_fadt(out, t, len);
    } else if (acpi_sig_is(t, "MCFG", 4)) {
        if (!out->has_mcfg)
            acpi_parse_mcfg(out, t, len);
    } else {
        log_debug("acpi: table %s (%u bytes) skipped", name, len);
    }
}

/*
 * Checks the RSDP and fills in revision and oem_id. Returns 0 with the RSDT
 * address in *rsdt_addr and the XSDT address in *xsdt_addr (0 when there is
 * none or the extended part of the RSDP is not trustworthy), or -CAIRN_EINVAL.
 */
static int
acpi_check_rsdp(struct acpi_info *out, const uint8_t *r, size_t rsdp_len, uint64_t *xsdt_addr,
                uint32_t *rsdt_addr)
{
    uint32_t len;
    int n;

    if (r == NULL || rsdp_len < RSDP_V1_LEN) {
        log_warn("acpi: RSDP missing or only %zu bytes", rsdp_len);
        return -CAIRN_EINVAL;
    }
    if (!acpi_sig_is(r, "RSD PTR ", 8)) {
        log_warn("acpi: RSDP signature is wrong");
        return -CAIRN_EINVAL;
    }
    if (bytes_sum8(r, RSDP_V1_LEN) != 0) {
        log_warn("acpi: RSDP checksum is wrong");
        return -CAIRN_EINVAL;
    }
    out->revision = r[15];
    for (n = 0; n < 6 && r[9 + n] != '\0'; n++)
        out->oem_id[n] = r[9 + n] >= 0x20 && r[9 + n] < 0x7f ? (char)r[9 + n] : '?';
    while (n > 0 && out->oem_id[n - 1] == ' ')
        n--;
    out->oem_id[n] = '\0';
    *rsdt_addr = bytes_rd32(r + 16);
    *xsdt_addr = 0;

    /* The RSDT address is covered by the first checksum; the XSDT's is not. */
    if (out->revision < 2)
        return 0;
    if (rsdp_len < RSDP_V2_LEN) {
        log_warn("acpi: revision %u RSDP given in %zu bytes; using the RSDT", out->revision,
                 rsdp_len);
        return 0;
    }
    len = bytes_rd32(r + 20);
    if (len < RSDP_V2_LEN || len > rsdp_len) {
        log_warn("acpi: RSDP length %u is outside %u..%zu; using the RSDT", len, RSDP_V2_LEN,
                 rsdp_len);
        return 0;
    }
    if (bytes_sum8(r, len) != 0) {
        log_warn("acpi: RSDP extended checksum is wrong; using the RSDT");
        return 0;
    }
    *xsdt_addr = bytes_rd64(r + 24);
    return 0;
}

int
acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *out)
{
    const uint8_t *root = NULL;
    uint64_t xsdt_addr;
    uint32_t rsdt_addr, root_len = 0, esize, count;

    *out = (struct acpi_info){0};
    if (map == NULL || acpi_check_rsdp(out, rsdp, rsdp_len, &xsdt_addr, &rsdt_addr) < 0)
        return -CAIRN_EINVAL;

    if (xsdt_addr != 0) {
        root = acpi_table_map(map, xsdt_addr, "XSDT", out, &root_len);
        if (root == NULL && rsdt_addr != 0)
            log_warn("acpi: XSDT unusable; falling back to the RSDT");
    }
    out->xsdt = root != NULL;
    if (root == NULL && rsdt_addr != 0)
        root = acpi_table_map(map, rsdt_addr, "RSDT", out, &root_len);
    if (root == NULL) {
        log_warn("acpi: no valid root table");
        return -CAIRN_EINVAL;
    }

    esize = out->xsdt ? 8 : 4;
    count = (root_len - HDR_LEN) / esize;
    if ((root_len - HDR_LEN) % esize != 0)
        log_warn("acpi: %s length %u leaves a partial entry; ignored", out->xsdt ? "XSDT" : "RSDT",
                 root_len);
    if (count > ACPI_MAX_TABLES) {
        log_warn("acpi: root table lists %u tables; only the first %d are read", count,
                 ACPI_MAX_TABLES);
        count = ACPI_MAX_TABLES;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = root + HDR_LEN + (size_t)i * esize;
        uint64_t phys = out->xsdt ? bytes_rd64(e) : bytes_rd32(e);

        if (phys == 0) {
            log_warn("acpi: root table entry %u is null; skipped", i);
            continue;
        }
        acpi_parse_table(out, map, phys);
    }
    return 0;
}

uint32_t
acpi_irq_to_gsi(const struct acpi_info *ai, uint8_t isa_irq, uint16_t *flags_out)
{
    if (ai != NULL) {
        for (unsigned i = 0; i < ai->override_count; i++) {
            const struct acpi_override *ov = &ai->overrides[i];

            if (ov->bus == 0 && ov->source == isa_irq) {
                if (flags_out != NULL)
                    *flags_out = ov->flags;
                return ov->gsi;
            }
        }
    }
    if (flags_out != NULL)
        *flags_out = 0;
    return isa_irq;
}
