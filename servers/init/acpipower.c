// SPDX-License-Identifier: MIT
/*
 * `grant = acpi-power` (acpipower.h): init walks RSDP -> RSDT/XSDT ->
 * FADT -> DSDT with lib/acpi over read-only mappings of the firmware's
 * tables (memory objects from its physical range root, write-back as ACPI
 * memory must be), copies the FADT and the DSDT into a fresh memory object
 * laid out as proto/power.h says, and carves the FADT's ports from its I/O
 * port root.
 *
 * Why init and not the server: which ports power management needs differs
 * from machine to machine and only the FADT tells, so the manifest cannot
 * list them; handing the server the physical range root to read the FADT
 * itself would give it all of memory. Reading the FADT here and granting
 * exactly its ports and a copy of two tables keeps the server to what it
 * uses. Every mapping made here is unmapped before returning.
 */
#include <stdio.h>
#include <string.h>

#include <acpi/acpi_tables.h>
#include <cairn/bootinfo.h>
#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <common/bytes.h>
#include <proto/power.h>

#include "acpipower.h"

#define PAGE 4096ull

/* A read-only view of len bytes of firmware memory at phys. */
struct acpi_view {
    const uint8_t *p; /* phys's byte */
    uint64_t at, size;
    long memobj;
};

static void
acpi_view_drop(struct acpi_view *v)
{
    if (v->at)
        (void)cairn_vm_unmap(v->at, v->size);
    if (v->memobj >= 0)
        cairn_handle_close(v->memobj);
    memset(v, 0, sizeof(*v));
    v->memobj = -1;
}

static int
acpi_view_map(struct acpi_view *v, uint64_t phys, uint64_t len)
{
    uint64_t base = phys & ~(PAGE - 1);
    long at;

    memset(v, 0, sizeof(*v));
    v->memobj = -1;
    if (len == 0 || phys + len < phys || phys + len > (1ull << 52))
        return -CAIRN_EINVAL;
    v->size = (phys + len - base + PAGE - 1) & ~(PAGE - 1);
    v->memobj = cairn_memobj_create_dev(CAIRN_INIT_HANDLE_PHYS_ROOT, base, v->size, CAIRN_CACHE_WB);
    if (v->memobj < 0)
        return (int)v->memobj;
    at = cairn_vm_map(v->memobj, 0, v->size, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        acpi_view_drop(v);
        return (int)at;
    }
    v->at = (uint64_t)at;
    v->p = (const uint8_t *)(uintptr_t)(v->at + (phys - base));
    return 0;
}

/* Maps the table at phys whole and checks it (signature sig, or any when
 * NULL): 0 with *v and *len, or a negative code with the reason logged. */
static int
acpi_table_map(struct acpi_view *v, uint64_t phys, const char *sig, const char *what, uint32_t *len)
{
    const char *why = "cannot map it";
    uint32_t n;
    int err;

    if ((err = acpi_view_map(v, phys, ACPI_HEADER_LEN)) < 0)
        goto refused;
    n = bytes_rd32(v->p + 4);
    if (sig && memcmp(v->p, sig, 4) != 0) {
        acpi_view_drop(v);
        return -CAIRN_ENOENT; /* another table: not an error */
    }
    if (n < ACPI_HEADER_LEN || n > ACPI_TABLE_MAX_LEN) {
        why = "table length out of bounds";
        err = -CAIRN_EINVAL;
        goto refused_mapped;
    }
    acpi_view_drop(v);
    if ((err = acpi_view_map(v, phys, n)) < 0)
        goto refused;
    if ((err = acpi_table_check(v->p, n, sig, len, &why)) < 0)
        goto refused_mapped;
    return 0;
refused_mapped:
    acpi_view_drop(v);
refused:
    printf("init: acpi-power: %s at %#llx: %s\n", what, (unsigned long long)phys, why);
    return err < 0 ? err : -CAIRN_EINVAL;
}

/* Finds the FADT through the boot information's RSDP. */
static int
acpi_find_fadt(struct acpi_view *fadt, uint32_t *len)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct acpi_view root;
    uint64_t root_phys;
    uint32_t root_len;
    const char *why;
    bool xsdt;
    int err = -CAIRN_ENOENT;

    if (!bi || bi->acpi.rsdp_len == 0) {
        printf("init: acpi-power: the loader found no ACPI tables\n");
        return -CAIRN_ENOENT;
    }
    if (acpi_rsdp_root(bi->acpi.rsdp,
                       bi->acpi.rsdp_len < sizeof(bi->acpi.rsdp) ? bi->acpi.rsdp_len
                                                                 : sizeof(bi->acpi.rsdp),
                       &root_phys, &xsdt, &why) < 0) {
        printf("init: acpi-power: RSDP refused: %s\n", why);
        return -CAIRN_EINVAL;
    }
    if (acpi_table_map(&root, root_phys, xsdt ? "XSDT" : "RSDT", "the root table", &root_len) < 0)
        return -CAIRN_EINVAL;
    for (uint32_t i = 0; i < acpi_root_count(root_len, xsdt) && i < 64; i++) {
        /* An entry that cannot be mapped or checked is passed over (and
         * logged): the FADT may come after it. */
        err = acpi_table_map(fadt, acpi_root_entry(root.p, xsdt, i), "FACP", "a table", len);
        if (err == 0)
            break;
    }
    acpi_view_drop(&root);
    if (err < 0)
        printf("init: acpi-power: no usable FADT\n");
    return err;
}

/* Whether a port of [base, base + n) is in another service's `ioport`.
 * The one exception is the reset control register, the byte at 0xcf9: it
 * lies inside the dword of PCI's configuration address (0xcf8-0xcfb),
 * which the PCI bus server holds, and chipsets tell the two apart by the
 * access's width. A grant of that byte alone lets its holder make byte
 * accesses there and nothing else (a wider one needs 0xcf8 or 0xcfa). */
static bool
acpi_port_taken(const struct manifest *m, uint32_t self, uint64_t base, uint64_t n)
{
    if (base == 0xcf9 && n == 1)
        return false;
    for (uint32_t i = 0; i < m->count; i++) {
        for (uint32_t r = 0; i != self && r < m->service[i].ioport_count; r++) {
            const struct manifest_range *q = &m->service[i].ioport[r];

            if (base < q->base + q->size && q->base < base + n) {
                printf("init: acpi-power: port %#llx is service %s's; not granted\n",
                       (unsigned long long)base, m->service[i].name);
                return true;
            }
        }
    }
    return false;
}

static void
acpi_grant_ports(const struct manifest *m, uint32_t self, struct acpi_power_grant *g, uint64_t base,
                 uint64_t n)
{
    long h;

    if (base == 0 || acpi_port_taken(m, self, base, n))
        return;
    h = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, base, n);
    if (h < 0)
        printf("init: acpi-power: ports %#llx: %s\n", (unsigned long long)base,
               cairn_strerror((int)h));
    else
        g->ports[g->nports++] = h;
}

/* The copy of proto/power.h: the FADT, then the DSDT when there is one. */
static long
acpi_make_copy(const struct acpi_view *fadt, uint32_t fadt_len, const struct acpi_view *dsdt,
               uint32_t dsdt_len)
{
    uint64_t dsdt_at = (sizeof(struct proto_acpi_copy) + fadt_len + 7) & ~7ull;
    uint64_t size = dsdt_len ? dsdt_at + dsdt_len : sizeof(struct proto_acpi_copy) + fadt_len;
    uint64_t mapped = (size + PAGE - 1) & ~(PAGE - 1);
    struct proto_acpi_copy head = {PROTO_ACPI_COPY_MAGIC, (uint32_t)size, dsdt_len ? 2u : 1u};
    long obj, ro, at;
    uint8_t *p;

    obj = cairn_memobj_create(mapped, 0);
    if (obj < 0)
        return obj;
    at = cairn_vm_map(obj, 0, mapped, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0) {
        cairn_handle_close(obj);
        return at;
    }
    p = (uint8_t *)(uintptr_t)at;
    memcpy(p, &head, sizeof(head));
    memcpy(p + sizeof(head), fadt->p, fadt_len);
    if (dsdt_len)
        memcpy(p + dsdt_at, dsdt->p, dsdt_len);
    (void)cairn_vm_unmap((uint64_t)at, mapped);
    ro = cairn_handle_dup(obj, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                   CAIRN_RIGHT_TRANSFER);
    cairn_handle_close(obj);
    return ro;
}

void
acpi_power_prepare(const struct manifest *m, uint32_t self, struct acpi_power_grant *g)
{
    struct acpi_view fadt, dsdt;
    struct acpi_fadt f;
    uint32_t fadt_len, dsdt_len = 0;
    const char *why;

    memset(g, 0, sizeof(*g));
    g->copy = -1;
    memset(&dsdt, 0, sizeof(dsdt));
    dsdt.memobj = -1;
    if (acpi_find_fadt(&fadt, &fadt_len) < 0)
        return;
    if (acpi_fadt_read(fadt.p, fadt_len, &f, &why) < 0) {
        /* The server reads the copy again and says why it cannot act. */
        printf("init: acpi-power: FADT refused: %s\n", why);
    } else {
        if (f.dsdt && acpi_table_map(&dsdt, f.dsdt, "DSDT", "the DSDT", &dsdt_len) < 0)
            dsdt_len = 0;
        acpi_grant_ports(m, self, g, f.pm1a_cnt.address, f.pm1_cnt_len);
        acpi_grant_ports(m, self, g, f.pm1b_cnt.address, f.pm1_cnt_len);
        if (f.has_reset && f.reset.space == ACPI_SPACE_IO)
            acpi_grant_ports(m, self, g, f.reset.address, 1);
    }
    g->copy = acpi_make_copy(&fadt, fadt_len, &dsdt, dsdt_len);
    if (g->copy < 0)
        printf("init: acpi-power: no copy of the tables: %s\n", cairn_strerror((int)g->copy));
    acpi_view_drop(&dsdt);
    acpi_view_drop(&fadt);
}
