// SPDX-License-Identifier: MIT
/*
 * Host test of the PCI bus server's pure parts: the bus walk of
 * drivers/pci/pcienum.c over a fake configuration space, BAR sizing and
 * its arithmetic, the registers a driver may not write, and lspci's class
 * names and lines (apps/lspci/pciclass.c).
 *
 * The fake answers like hardware: absent functions read all ones, a BAR
 * keeps only the bits its size lets it decode (plus its fixed type bits),
 * the command register keeps 16 bits, and the status half clears bits
 * written as ones. It also counts what a careful walk must never do: a
 * BAR written while its function decodes, a status bit cleared. Malicious
 * layouts (bridges that loop, buses out of order, all-ones devices,
 * capability lists that loop) must end the walk with bounded work.
 */
#include <stdlib.h>
#include <string.h>

#include "../../apps/lspci/pciclass.h"
#include "../../drivers/pci/pcienum.h"
#include "check.h"

#define FAKE_FNS 300

struct fake_fn {
    uint32_t addr;
    uint32_t cfg[64];
    uint32_t mask[6]; /* the bits each BAR dword keeps of a write */
};

struct fake {
    struct fake_fn fn[FAKE_FNS];
    uint32_t n;
    uint32_t bar_writes_decoding; /* BAR writes while the function decoded */
    uint32_t status_cleared;      /* writes of ones into the status half */
    uint64_t reads;
};

static struct fake fake;

static struct fake_fn *
fake_find(uint32_t addr)
{
    for (uint32_t i = 0; i < fake.n; i++)
        if (fake.fn[i].addr == addr)
            return &fake.fn[i];
    return NULL;
}

static uint32_t
fake_read(void *ctx, uint32_t addr, uint32_t off)
{
    struct fake_fn *f = fake_find(addr);

    (void)ctx;
    fake.reads++;
    if (off >= 256 || off % 4)
        abort(); /* the walk must only ask for aligned dwords inside the space */
    return f ? f->cfg[off / 4] : 0xffffffffu;
}

static void
fake_write(void *ctx, uint32_t addr, uint32_t off, uint32_t v)
{
    struct fake_fn *f = fake_find(addr);
    uint32_t hdr, nbars;

    (void)ctx;
    if (off >= 256 || off % 4)
        abort();
    if (!f)
        return;
    hdr = (f->cfg[3] >> 16) & 0x7fu;
    nbars = hdr == 0 ? 6 : hdr == 1 ? 2 : 0;
    if (off == PCI_CFG_COMMAND) {
        if (v >> 16)
            fake.status_cleared++;
        f->cfg[1] = (f->cfg[1] & 0xffff0000u & ~(v & 0xffff0000u)) | (v & 0xffffu);
        return;
    }
    if (off >= PCI_CFG_BAR0 && off < PCI_CFG_BAR0 + 4 * nbars) {
        uint32_t i = (off - PCI_CFG_BAR0) / 4, fixed = ~f->mask[i];

        if ((f->cfg[1] & PCI_CMD_DECODE) && !((f->cfg[2] >> 16) == 0x0600u))
            fake.bar_writes_decoding++;
        f->cfg[off / 4] = (v & f->mask[i]) | (f->cfg[off / 4] & fixed);
        return;
    }
    f->cfg[off / 4] = v;
}

static const struct pci_access fake_access = {NULL, fake_read, fake_write};

static void
fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
}

/* A function at bus:dev.fn: id, class code (class << 16 | sub << 8 |
 * prog-if), revision, header type (with the multi-function bit). */
static struct fake_fn *
fake_add(uint32_t bus, uint32_t dev, uint32_t fn, uint16_t vendor, uint16_t device, uint32_t cls,
         uint8_t rev, uint8_t hdr)
{
    struct fake_fn *f = &fake.fn[fake.n++];

    memset(f, 0, sizeof(*f));
    f->addr = PROTO_PCI_ADDRESS(bus, dev, fn);
    f->cfg[0] = (uint32_t)device << 16 | vendor;
    f->cfg[1] = 0x3u; /* decoding, as firmware leaves a device */
    f->cfg[2] = cls << 8 | rev;
    f->cfg[3] = (uint32_t)hdr << 16;
    return f;
}

/* A BAR of size bytes at base, its low type bits in type (0 mem32, 1 I/O,
 * 4 mem64, 8 prefetchable); a 64-bit one takes the next slot too. */
static void
fake_bar(struct fake_fn *f, uint32_t i, uint64_t base, uint64_t size, uint32_t type)
{
    if (type & 1u) {
        f->cfg[4 + i] = (uint32_t)base | 1u;
        f->mask[i] = ~(uint32_t)(size - 1) & 0xfffcu; /* 16-bit I/O: upper half reads 0 */
        return;
    }
    f->cfg[4 + i] = (uint32_t)base | type;
    f->mask[i] = ~(uint32_t)(size - 1) & ~0xfu;
    if (type & 4u) {
        f->cfg[5 + i] = (uint32_t)(base >> 32);
        f->mask[i + 1] = (uint32_t)(~(size - 1) >> 32);
    }
}

static void
fake_bridge(struct fake_fn *f, uint32_t primary, uint32_t secondary, uint32_t subordinate)
{
    f->cfg[PCI_CFG_BUSES / 4] = subordinate << 16 | secondary << 8 | primary;
}

static struct proto_pci_device out[FAKE_FNS];

static uint32_t
walk(uint32_t max, struct pci_enum_stats *st)
{
    memset(out, 0x5a, sizeof(out));
    return pci_enum(&fake_access, out, max, st);
}

/* --- tests ------------------------------------------------------------------------------ */

TEST(walk_lists_bus0_functions_in_order_with_multifunction_devices)
{
    struct pci_enum_stats st;
    uint32_t n;

    fake_reset();
    fake_add(0, 0, 0, 0x8086, 0x1237, 0x060000, 2, 0);
    fake_add(0, 1, 0, 0x8086, 0x7000, 0x060100, 0, 0x80);
    fake_add(0, 1, 1, 0x8086, 0x7010, 0x010180, 0, 0);
    fake_add(0, 1, 3, 0x8086, 0x7113, 0x068000, 3, 0);
    /* a single-function device that answers on function 1 too */
    fake_add(0, 3, 0, 0x1234, 0x1111, 0x030000, 2, 0);
    fake_add(0, 3, 1, 0x1234, 0x1111, 0x030000, 2, 0);
    n = walk(FAKE_FNS, &st);
    CHECK(n == 5);
    CHECK(st.found == 5 && st.dropped == 0 && st.buses == 1 && st.bad_bridges == 0);
    CHECK(out[0].bus == 0 && out[0].dev == 0 && out[0].fn == 0 && out[0].device == 0x1237);
    CHECK(out[0].class_code == 6 && out[0].subclass == 0 && out[0].revision == 2);
    CHECK(out[1].dev == 1 && out[1].fn == 0 && out[1].header_type == 0 && out[1].nbars == 6);
    CHECK(out[2].dev == 1 && out[2].fn == 1 && out[2].prog_if == 0x80 && out[2].subclass == 1);
    CHECK(out[3].dev == 1 && out[3].fn == 3 && out[3].revision == 3);
    CHECK(out[4].dev == 3 && out[4].fn == 0 && out[4].vendor == 0x1234);
}

TEST(walk_follows_bridges_to_their_buses)
{
    struct pci_enum_stats st;
    uint32_t n;

    fake_reset();
    fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    fake_bridge(fake_add(0, 2, 0, 0x1b36, 0x000c, 0x060400, 0, 1), 0, 1, 3);
    fake_bridge(fake_add(1, 0, 0, 0x1b36, 0x000c, 0x060400, 0, 1), 1, 2, 3);
    fake_add(1, 5, 0, 0x1af4, 0x1001, 0x010000, 0, 0);
    fake_add(2, 0, 0, 0x1af4, 0x1042, 0x010000, 1, 0);
    n = walk(FAKE_FNS, &st);
    CHECK(n == 5 && st.buses == 3 && st.bad_bridges == 0);
    CHECK(out[1].header_type == 1 && out[1].secondary_bus == 1 && out[1].subordinate_bus == 3);
    CHECK(out[1].nbars == 2);
    CHECK(out[2].bus == 1 && out[3].bus == 1 && out[3].dev == 5);
    CHECK(out[4].bus == 2 && out[4].device == 0x1042);
}

TEST(bridges_that_loop_or_leave_order_are_not_followed)
{
    struct pci_enum_stats st;
    uint32_t n;

    fake_reset();
    fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    fake_bridge(fake_add(0, 1, 0, 0x1b36, 1, 0x060400, 0, 1), 0, 0, 0);     /* back to bus 0 */
    fake_bridge(fake_add(0, 2, 0, 0x1b36, 2, 0x060400, 0, 1), 0, 1, 1);     /* fine */
    fake_bridge(fake_add(0, 3, 0, 0x1b36, 3, 0x060400, 0, 1), 0, 1, 1);     /* bus 1 again */
    fake_bridge(fake_add(0, 4, 0, 0x1b36, 4, 0x060400, 0, 1), 0, 9, 5);     /* sec > sub */
    fake_bridge(fake_add(1, 0, 0, 0x1b36, 5, 0x060400, 0, 1), 1, 1, 255);   /* to itself */
    fake_bridge(fake_add(1, 1, 0, 0x1b36, 6, 0x060400, 0, 1), 1, 0, 255);   /* back to 0 */
    fake_bridge(fake_add(1, 2, 0, 0x1b36, 7, 0x060400, 0, 1), 1, 255, 255); /* the last bus */
    fake_add(255, 0, 0, 0x1af4, 0x1042, 0x010000, 0, 0);
    n = walk(FAKE_FNS, &st);
    CHECK(n == 9);
    CHECK(st.buses == 3); /* 0, 1 and 255 */
    CHECK(st.bad_bridges == 5);
    CHECK(out[8].bus == 255 && out[8].device == 0x1042);
}

TEST(a_chain_through_every_bus_ends)
{
    struct pci_enum_stats st;
    uint32_t n;

    fake_reset();
    for (uint32_t b = 0; b < 255; b++)
        fake_bridge(fake_add(b, 0, 0, 0x1b36, 1, 0x060400, 0, 1), b, b + 1, 255);
    fake_bridge(fake_add(255, 0, 0, 0x1b36, 1, 0x060400, 0, 1), 255, 0, 255);
    n = walk(FAKE_FNS, &st);
    CHECK(n == 256 && st.buses == 256 && st.bad_bridges == 1);
    CHECK(out[255].bus == 255);
}

TEST(an_all_ones_device_is_recorded_without_registers)
{
    struct pci_enum_stats st;
    struct fake_fn *f;
    uint32_t n;

    fake_reset();
    f = fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    f = fake_add(0, 4, 0, 0x1234, 0x5678, 0, 0, 0);
    memset(f->cfg + 1, 0xff, sizeof(f->cfg) - 4); /* everything after the id reads ones */
    memset(f->mask, 0xff, sizeof(f->mask));
    n = walk(FAKE_FNS, &st);
    CHECK(n == 2);
    CHECK(out[1].header_type == 0x7f && out[1].nbars == 0 && out[1].cap_count == 0);
    CHECK(out[1].class_code == 0xff && out[1].irq_pin == 0);
    /* the multi-function bit made the walk look at functions 1-7: all absent */
    CHECK(st.found == 2);
    /* vendor 0xffff is absence itself, and 0 is no vendor */
    fake_reset();
    fake_add(0, 0, 0, 0xffff, 0x1234, 0x060000, 0, 0);
    fake_add(0, 1, 0, 0x0000, 0x1234, 0x060000, 0, 0);
    CHECK(walk(FAKE_FNS, &st) == 0 && st.found == 0);
}

TEST(bars_are_sized_with_decode_off_and_restored)
{
    struct pci_enum_stats st;
    struct fake_fn *f;
    uint32_t before[64];
    uint32_t n;

    fake_reset();
    fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    f = fake_add(0, 2, 0, 0x8086, 0x10d3, 0x020000, 0, 0);
    f->cfg[1] = 0x01000000u; /* not decoding; a status bit the walk must not clear */
    fake_bar(f, 0, 0xfd000000u, 16u << 20, 8);
    fake_bar(f, 1, 0xc040, 32, 1);
    fake_bar(f, 2, 0x800000000ull, 16384, 4 | 8);
    /* BAR 4 is not implemented: mask 0 */
    fake_bar(f, 5, 0xfebf1000u, 4096, 0);
    memcpy(before, f->cfg, sizeof(before));
    n = walk(FAKE_FNS, &st);
    CHECK(n == 2);
    CHECK(fake.bar_writes_decoding == 0 && fake.status_cleared == 0);
    CHECK(memcmp(before, f->cfg, sizeof(before)) == 0);
    CHECK(out[1].bar[0].base == 0xfd000000u && out[1].bar[0].size == 16u << 20);
    CHECK(out[1].bar[0].flags == PROTO_PCI_BAR_PREFETCH);
    CHECK(out[1].bar[1].base == 0xc040 && out[1].bar[1].size == 32);
    CHECK(out[1].bar[1].flags == PROTO_PCI_BAR_IO);
    CHECK(out[1].bar[2].base == 0x800000000ull && out[1].bar[2].size == 16384);
    CHECK(out[1].bar[2].flags == (PROTO_PCI_BAR_64 | PROTO_PCI_BAR_PREFETCH));
    CHECK(out[1].bar[3].flags == PROTO_PCI_BAR_UPPER && out[1].bar[3].size == 0);
    CHECK(out[1].bar[4].size == 0 && out[1].bar[4].flags == 0);
    CHECK(out[1].bar[5].base == 0xfebf1000u && out[1].bar[5].size == 4096);
}

/* A function that decodes may be in use while the walk runs (the boot
 * framebuffer's display, the ISA bridge): the walk writes nothing to it
 * and lists its BARs unsized, and a claim bounds them without writing
 * either (pci_bound_bars). */
TEST(a_decoding_function_is_never_probed)
{
    struct fake_fn *f, *g;
    uint32_t before[64];
    uint32_t n;

    fake_reset();
    f = fake_add(0, 1, 0, 0x1234, 0x1111, 0x030000, 2, 0);
    fake_bar(f, 0, 0xfd000000u, 16u << 20, 8);
    fake_bar(f, 2, 0x800000000ull, 16384, 4);
    fake_bar(f, 5, 0xc040, 32, 1);
    g = fake_add(0, 2, 0, 0x1234, 0x1111, 0x030000, 2, 0);
    g->cfg[1] = 0; /* not decoding */
    fake_bar(g, 0, 0xfc000000u, 16u << 20, 8);
    memcpy(before, f->cfg, sizeof(before));
    n = walk(FAKE_FNS, NULL);
    CHECK(n == 2);
    CHECK(memcmp(before, f->cfg, sizeof(before)) == 0);
    CHECK(out[0].bar[0].base == 0xfd000000u && out[0].bar[0].size == 0);
    CHECK(out[0].bar[0].flags == (PROTO_PCI_BAR_PREFETCH | PROTO_PCI_BAR_UNSIZED));
    CHECK(out[0].bar[2].base == 0x800000000ull && out[0].bar[2].size == 0);
    CHECK(out[0].bar[2].flags == (PROTO_PCI_BAR_64 | PROTO_PCI_BAR_UNSIZED));
    CHECK(out[0].bar[3].flags == PROTO_PCI_BAR_UPPER);
    CHECK(out[0].bar[5].base == 0xc040 && (out[0].bar[5].flags & PROTO_PCI_BAR_IO));
    CHECK(out[1].bar[0].size == 16u << 20 && !(out[1].bar[0].flags & PROTO_PCI_BAR_UNSIZED));

    pci_bound_bars(out, n, 0, 0, 0);
    CHECK(fake.bar_writes_decoding == 0);
    CHECK(memcmp(before, f->cfg, sizeof(before)) == 0);
    /* 16 MiB aligned, nothing above it for 16 MiB: the cap */
    CHECK(out[0].bar[0].size == PCI_BOUND_MEM_MAX);
    CHECK(out[0].bar[0].flags == (PROTO_PCI_BAR_PREFETCH | PROTO_PCI_BAR_BOUNDED));
    CHECK(out[0].bar[2].size == PCI_BOUND_MEM_MAX);
    CHECK(out[0].bar[2].flags == (PROTO_PCI_BAR_64 | PROTO_PCI_BAR_BOUNDED));
    CHECK(out[0].bar[3].flags == PROTO_PCI_BAR_UPPER && out[0].bar[3].size == 0);
    /* ports 0xc040: aligned to 64 */
    CHECK(out[0].bar[5].size == 64 &&
          out[0].bar[5].flags == (PROTO_PCI_BAR_IO | PROTO_PCI_BAR_BOUNDED));
    /* the sized function is left as it was */
    CHECK(out[1].bar[0].size == 16u << 20 && out[1].bar[0].flags == PROTO_PCI_BAR_PREFETCH);
}

/* A bound never reaches the next BAR's base, of any function, nor the
 * range to avoid (the ECAM); it is a power of two within the alignment. */
TEST(a_bound_stops_below_the_next_bar_and_the_ecam)
{
    static struct proto_pci_device d[2];

    memset(d, 0, sizeof(d));
    d[0].nbars = d[1].nbars = 6;
    d[0].bar[0] = (struct proto_pci_bar){0xfe000000u, 0, PROTO_PCI_BAR_UNSIZED, 0};
    d[0].bar[1] = (struct proto_pci_bar){0xfe005000u, 0, PROTO_PCI_BAR_UNSIZED, 0};
    d[0].bar[2] = (struct proto_pci_bar){0xc0100000u, 0, PROTO_PCI_BAR_UNSIZED, 0};
    d[0].bar[3] = (struct proto_pci_bar){0xb0000000u, 0, PROTO_PCI_BAR_UNSIZED, 0};
    d[0].bar[4] = (struct proto_pci_bar){0xc000, 0, PROTO_PCI_BAR_IO | PROTO_PCI_BAR_UNSIZED, 0};
    d[1].bar[0] = (struct proto_pci_bar){0xfe003000u, 0x1000, 0, 0};
    d[1].bar[1] = (struct proto_pci_bar){0xc080, 32, PROTO_PCI_BAR_IO, 0};
    pci_bound_bars(d, 2, 0, 0xb0000000u, 0x10000000u);
    CHECK(d[0].bar[0].size == 0x2000);            /* 0x3000 below the next base: down to 8K */
    CHECK(d[0].bar[1].size == 0x1000);            /* aligned to 4K */
    CHECK(d[0].bar[2].size == PCI_BOUND_MEM_MAX); /* the ECAM is below it, not above */
    CHECK(d[0].bar[3].size == 0 && (d[0].bar[3].flags & PROTO_PCI_BAR_UNSIZED)); /* in it */
    CHECK(d[0].bar[4].size == 128); /* the next port BAR at 0xc080 */
    CHECK(d[1].bar[0].flags == 0 && d[1].bar[0].size == 0x1000);
    /* a BAR just below the ECAM stops at it */
    d[0].bar[2] = (struct proto_pci_bar){0xaff80000u, 0, PROTO_PCI_BAR_UNSIZED, 0};
    pci_bound_bars(d, 2, 0, 0xb0000000u, 0x10000000u);
    CHECK(d[0].bar[2].size == 0x80000);
}

TEST(bar_arithmetic_refuses_masks_no_bar_has)
{
    struct proto_pci_bar b;

    /* 32-bit memory, 1 MiB */
    CHECK(pci_bar_decode(0xfe000000u, 0xfff00000u, 0, 0, &b) == 0 && b.size == 1u << 20);
    /* holes in the mask */
    CHECK(pci_bar_decode(0xfe000000u, 0xff0f0000u, 0, 0, &b) == 0);
    CHECK(b.size == 0 && (b.flags & PROTO_PCI_BAR_BROKEN));
    /* a base not aligned to the size */
    CHECK(pci_bar_decode(0xfe080000u, 0xfff00000u, 0, 0, &b) == 0);
    CHECK(b.size == 0 && (b.flags & PROTO_PCI_BAR_BROKEN));
    /* the reserved memory type */
    CHECK(pci_bar_decode(0x6u, 0xfffffff6u, 0, 0, &b) == 0 && (b.flags & PROTO_PCI_BAR_BROKEN));
    /* a 64-bit BAR of 8 GiB */
    CHECK(pci_bar_decode(0x4u, 0x0000000cu, 0x4u, 0xfffffffeu, &b) == 1);
    CHECK(b.size == 8ull << 30 && b.base == 4ull << 32);
    /* a 64-bit BAR whose upper half keeps nothing: 2^64 - 1 M is no size */
    CHECK(pci_bar_decode(0x4u, 0xfff00004u, 0, 0, &b) == 1 && (b.flags & PROTO_PCI_BAR_BROKEN));
    /* a 64-bit BAR of all ones: the whole space */
    CHECK(pci_bar_decode(0x4u, 0x4u, 0, 0, &b) == 1 && b.size == 0);
    /* I/O with 32 bits decoded, and all-ones I/O: 4 ports */
    CHECK(pci_bar_decode(0x1001u, 0xffffff01u, 0, 0, &b) == 0 && b.size == 256);
    CHECK(pci_bar_decode(0xfffffffdu, 0xffffffffu, 0, 0, &b) == 0 && b.size == 4);
    CHECK(b.base == 0xfffffffcu);
    /* unimplemented */
    CHECK(pci_bar_decode(0, 0, 0, 0, &b) == 0 && b.size == 0 && b.flags == 0);
}

TEST(a_64_bit_bar_in_the_last_slot_is_broken)
{
    struct fake_fn *f;

    fake_reset();
    fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    f = fake_add(0, 1, 0, 0x1234, 1, 0x020000, 0, 0);
    f->cfg[1] = 0; /* not decoding: sized by the walk */
    f->cfg[4 + 5] = 0x4u;
    f->mask[5] = 0xfff00000u;
    CHECK(walk(FAKE_FNS, NULL) == 2);
    CHECK(out[1].bar[5].size == 0 && (out[1].bar[5].flags & PROTO_PCI_BAR_BROKEN));
}

TEST(capability_lists_are_walked_once_and_msi_is_noted)
{
    struct fake_fn *f;

    fake_reset();
    f = fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    f->cfg[1] |= PCI_STATUS_CAPS << 16;
    f->cfg[PCI_CFG_CAPS / 4] = 0x40;
    f->cfg[0x40 / 4] = 0x5009; /* vendor-specific, next 0x50 */
    f->cfg[0x50 / 4] = 0x6005; /* MSI, next 0x60 */
    f->cfg[0x60 / 4] = 0x4011; /* MSI-X, next 0x40: a loop */
    f = fake_add(0, 1, 0, 0x1234, 1, 0x020000, 0, 0);
    f->cfg[1] |= PCI_STATUS_CAPS << 16;
    f->cfg[PCI_CFG_CAPS / 4] = 0xfc;
    f->cfg[0xfc / 4] = 0x1005; /* MSI, next 0x10: inside the header */
    f = fake_add(0, 2, 0, 0x1234, 2, 0x020000, 0, 0);
    f->cfg[PCI_CFG_CAPS / 4] = 0x40; /* no status bit: no list */
    f->cfg[0x40 / 4] = 0x0005;
    f = fake_add(0, 3, 0, 0x1234, 3, 0x020000, 0, 0);
    f->cfg[1] |= PCI_STATUS_CAPS << 16;
    f->cfg[PCI_CFG_CAPS / 4] = 0x43; /* low bits are reserved: 0x40 */
    f->cfg[0x40 / 4] = 0x0011;
    CHECK(walk(FAKE_FNS, NULL) == 4);
    CHECK(out[0].cap_count == 3 && out[0].msi_cap == 0x50 && out[0].msix_cap == 0x60);
    CHECK(out[0].flags == (PROTO_PCI_DEV_MSI | PROTO_PCI_DEV_MSIX | PROTO_PCI_DEV_CAPLOOP));
    CHECK(out[1].cap_count == 1 && out[1].msi_cap == 0xfc);
    CHECK(out[1].flags == (PROTO_PCI_DEV_MSI | PROTO_PCI_DEV_CAPLOOP));
    CHECK(out[2].cap_count == 0 && out[2].flags == 0);
    CHECK(out[3].cap_count == 1 && out[3].msix_cap == 0x40 && out[3].flags == PROTO_PCI_DEV_MSIX);
}

TEST(walk_records_at_most_max_and_counts_the_rest)
{
    struct pci_enum_stats st;

    fake_reset();
    for (uint32_t d = 0; d < 32; d++)
        fake_add(0, d, 0, 0x1234, (uint16_t)d, 0x020000, 0, 0);
    CHECK(walk(10, &st) == 10);
    CHECK(st.found == 32 && st.dropped == 22);
    CHECK(out[9].device == 9);
    CHECK(out[10].bus == 0x5a); /* untouched past max */
}

TEST(pin_and_line_are_recorded_and_bad_pins_dropped)
{
    struct fake_fn *f;

    fake_reset();
    f = fake_add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0, 0);
    f->cfg[PCI_CFG_IRQ / 4] = 0x010bu;
    f = fake_add(0, 1, 0, 0x1234, 1, 0x020000, 0, 0);
    f->cfg[PCI_CFG_IRQ / 4] = 0x07ffu;
    CHECK(walk(FAKE_FNS, NULL) == 2);
    CHECK(out[0].irq_pin == 1 && out[0].irq_line == 11);
    CHECK(out[1].irq_pin == 0 && out[1].irq_line == 0xff);
}

TEST(drivers_may_not_write_bars_rom_or_bus_numbers)
{
    CHECK(pci_config_reserved(0, 0x10, 4));
    CHECK(pci_config_reserved(0, 0x24, 4));
    CHECK(pci_config_reserved(0, 0x27, 1));
    CHECK(!pci_config_reserved(0, 0x28, 4));
    CHECK(!pci_config_reserved(0, 0x0c, 4));
    CHECK(!pci_config_reserved(0, 0x04, 2));
    CHECK(pci_config_reserved(0, 0x30, 4));
    CHECK(pci_config_reserved(0, 0x32, 2));
    CHECK(!pci_config_reserved(0, 0x3c, 1));
    CHECK(pci_config_reserved(1, 0x18, 4));
    CHECK(pci_config_reserved(1, 0x19, 1));
    CHECK(pci_config_reserved(1, 0x14, 4));
    CHECK(pci_config_reserved(1, 0x1c, 4)); /* the I/O window */
    CHECK(pci_config_reserved(1, 0x2c, 4)); /* the upper halves of the windows */
    CHECK(!pci_config_reserved(1, 0x34, 1));
    CHECK(pci_config_reserved(1, 0x38, 4));
    CHECK(!pci_config_reserved(1, 0x30, 4));
    CHECK(!pci_config_reserved(1, 0x3e, 2));
    CHECK(!pci_config_reserved(2, 0x10, 4));
}

TEST(class_names_fall_back_from_subclass_to_class)
{
    CHECK(strcmp(pciclass_name(0x06, 0x01), "ISA bridge") == 0);
    CHECK(strcmp(pciclass_name(0x06, 0x00), "Host bridge") == 0);
    CHECK(strcmp(pciclass_name(0x01, 0x06), "SATA controller") == 0);
    CHECK(strcmp(pciclass_name(0x03, 0x00), "VGA compatible controller") == 0);
    CHECK(strcmp(pciclass_name(0x01, 0x42), "Mass storage controller") == 0);
    CHECK(strcmp(pciclass_name(0x06, 0xff), "Bridge") == 0);
    CHECK(strcmp(pciclass_name(0x42, 0x00), "Unclassified device") == 0);
    CHECK(strcmp(pciclass_name(0xff, 0xff), "Unassigned class") == 0);
}

TEST(lspci_lines_look_like_lspci)
{
    struct proto_pci_device d;
    char line[160], small[12], size[24];

    memset(&d, 0, sizeof(d));
    d.bus = 0;
    d.dev = 1;
    d.fn = 0;
    d.vendor = 0x8086;
    d.device = 0x7000;
    d.class_code = 0x06;
    d.subclass = 0x01;
    pciclass_line(&d, line, sizeof(line));
    CHECK(strcmp(line, "00:01.0 ISA bridge [0601]: 8086:7000 (rev 00)") == 0);
    d.bus = 0xab;
    d.dev = 0x1f;
    d.fn = 7;
    d.revision = 0x10;
    d.class_code = 0x99;
    pciclass_line(&d, line, sizeof(line));
    CHECK(strcmp(line, "ab:1f.7 Unclassified device [9901]: 8086:7000 (rev 10)") == 0);
    pciclass_line(&d, small, sizeof(small));
    CHECK(strlen(small) == sizeof(small) - 1);
    pciclass_size(16u << 20, size, sizeof(size));
    CHECK(strcmp(size, "16M") == 0);
    pciclass_size(4096, size, sizeof(size));
    CHECK(strcmp(size, "4K") == 0);
    pciclass_size(32, size, sizeof(size));
    CHECK(strcmp(size, "32") == 0);
    pciclass_size(1536, size, sizeof(size));
    CHECK(strcmp(size, "1536") == 0);
    pciclass_size(8ull << 30, size, sizeof(size));
    CHECK(strcmp(size, "8G") == 0);
}

int
main(void)
{
    RUN(walk_lists_bus0_functions_in_order_with_multifunction_devices);
    RUN(walk_follows_bridges_to_their_buses);
    RUN(bridges_that_loop_or_leave_order_are_not_followed);
    RUN(a_chain_through_every_bus_ends);
    RUN(an_all_ones_device_is_recorded_without_registers);
    RUN(bars_are_sized_with_decode_off_and_restored);
    RUN(a_decoding_function_is_never_probed);
    RUN(a_bound_stops_below_the_next_bar_and_the_ecam);
    RUN(bar_arithmetic_refuses_masks_no_bar_has);
    RUN(a_64_bit_bar_in_the_last_slot_is_broken);
    RUN(capability_lists_are_walked_once_and_msi_is_noted);
    RUN(walk_records_at_most_max_and_counts_the_rest);
    RUN(pin_and_line_are_recorded_and_bad_pins_dropped);
    RUN(drivers_may_not_write_bars_rom_or_bus_numbers);
    RUN(class_names_fall_back_from_subclass_to_class);
    RUN(lspci_lines_look_like_lspci);
    return check_exit();
}
