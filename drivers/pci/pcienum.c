// SPDX-License-Identifier: MIT
/*
 * The PCI bus walk (pcienum.h has the contract and what it distrusts).
 *
 * Breadth first over buses: a queue of bus numbers, each entered at most
 * once (the visited set is also the queue's bound), starting with bus 0.
 * Per bus, the 32 device slots; per slot function 0, and functions 1-7
 * only when function 0's header says multi-function. A bridge's secondary
 * bus joins the queue if it is above the bridge's bus, not above its
 * subordinate bus and not seen before. Each function found is recorded
 * (up to the caller's max) with its capability list walked and its
 * BARs read: sized too when it does not decode (pcienum.h says why). Pure: no allocation, no globals, nothing but the caller's
 * access functions.
 */
#include <stddef.h>
#include <string.h>

#include "pcienum.h"

#define PCI_BUSES   256u
#define PCI_SLOTS   32u
#define PCI_FNS     8u
#define PCI_CAP_MIN 0x40u /* capabilities lie after the standard header */

static uint32_t
cfg_read(const struct pci_access *a, uint32_t addr, uint32_t off)
{
    return a->read32(a->ctx, addr, off & 0xfcu);
}

static uint8_t
cfg_read8(const struct pci_access *a, uint32_t addr, uint32_t off)
{
    return (uint8_t)(cfg_read(a, addr, off) >> ((off & 3u) * 8u));
}

static int
is_pow2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

int
pci_bar_decode(uint32_t orig, uint32_t mask, uint32_t orig_hi, uint32_t mask_hi,
               struct proto_pci_bar *bar)
{
    uint64_t m, base;
    int is64 = 0;

    memset(bar, 0, sizeof(*bar));
    if (orig & 1u) {
        /* I/O: bits 2-31 decode; a device with 16-bit I/O reads the upper
         * half back as 0, which still means those bits are fixed at 0. */
        uint32_t m32 = mask & ~3u;

        bar->flags = PROTO_PCI_BAR_IO;
        base = orig & ~3u;
        if (m32 == 0)
            return 0;
        if ((m32 & 0xffff0000u) == 0)
            m32 |= 0xffff0000u;
        m = (uint64_t)(uint32_t)(~m32 + 1u);
    } else {
        uint32_t type = (orig >> 1) & 3u;

        if (orig & 8u)
            bar->flags |= PROTO_PCI_BAR_PREFETCH;
        if (type == 3u) {
            bar->flags |= PROTO_PCI_BAR_BROKEN; /* a reserved type */
            return 0;
        }
        if (type == 2u) {
            is64 = 1;
            bar->flags |= PROTO_PCI_BAR_64;
            base = (uint64_t)orig_hi << 32 | (orig & ~0xfu);
            m = (uint64_t)mask_hi << 32 | (mask & ~0xfu);
        } else {
            base = orig & ~0xfu;
            m = mask & ~0xfu;
            if (m != 0)
                m |= 0xffffffff00000000ull; /* a 32-bit BAR decodes no upper bits */
        }
        if (m == 0) {
            bar->base = base;
            return is64;
        }
        m = ~m + 1u;
    }
    bar->base = base;
    /* A BAR's writable bits are the top ones: anything else reads back a
     * mask whose complement plus one is no power of two. Firmware aligns
     * each BAR to its size; one that is not is not trusted either. */
    if (!is_pow2(m) || (base & (m - 1u)) != 0) {
        bar->flags |= PROTO_PCI_BAR_BROKEN;
        return is64;
    }
    bar->size = m;
    return is64;
}

int
pci_config_reserved(uint8_t header_type, uint32_t off, uint32_t width)
{
    uint32_t end = off + width;

    if (header_type == 0)
        return (off < PCI_CFG_BAR0 + 24u && end > PCI_CFG_BAR0) ||
               (off < PCI_CFG_ROM + 4u && end > PCI_CFG_ROM);
    if (header_type == 1) /* the BARs, bus numbers and the windows it forwards */
        return (off < PCI_CFG_SUBSYS + 4u && end > PCI_CFG_BAR0) ||
               (off < PCI_CFG_ROM_BRIDGE + 4u && end > PCI_CFG_ROM_BRIDGE);
    return 0;
}

/* Sizes the nbars BARs of a function, its decode off meanwhile. */
static void
size_bars(const struct pci_access *a, uint32_t addr, struct proto_pci_device *d)
{
    memset(d->bar, 0, sizeof(d->bar));
    uint32_t cmd = cfg_read(a, addr, PCI_CFG_COMMAND) & 0xffffu;

    /* The status half of the dword is written as 0: its bits are cleared
     * by writing ones, and the walk must not clear a device's errors. */
    if (cmd & PCI_CMD_DECODE)
        a->write32(a->ctx, addr, PCI_CFG_COMMAND, cmd & ~PCI_CMD_DECODE);
    for (uint32_t i = 0; i < d->nbars; i++) {
        uint32_t off = PCI_CFG_BAR0 + 4u * i, orig, mask, orig_hi = 0, mask_hi = 0;

        orig = cfg_read(a, addr, off);
        a->write32(a->ctx, addr, off, 0xffffffffu);
        mask = cfg_read(a, addr, off);
        a->write32(a->ctx, addr, off, orig);
        if (!(orig & 1u) && ((orig >> 1) & 3u) == 2u) {
            if (i + 1 == d->nbars) {
                /* a 64-bit BAR in the last slot has no upper half */
                d->bar[i].flags = PROTO_PCI_BAR_64 | PROTO_PCI_BAR_BROKEN;
                break;
            }
            orig_hi = cfg_read(a, addr, off + 4u);
            a->write32(a->ctx, addr, off + 4u, 0xffffffffu);
            mask_hi = cfg_read(a, addr, off + 4u);
            a->write32(a->ctx, addr, off + 4u, orig_hi);
        }
        if (pci_bar_decode(orig, mask, orig_hi, mask_hi, &d->bar[i])) {
            i++;
            d->bar[i].flags = PROTO_PCI_BAR_UPPER;
        }
    }
    if (cmd & PCI_CMD_DECODE)
        a->write32(a->ctx, addr, PCI_CFG_COMMAND, cmd);
}

/* Records the nbars BARs of a function as they are, unsized: their kind
 * and base read, nothing written. A 64-bit BAR's upper half is read but
 * not flagged broken when it is the last slot (sizing says that later). */
static void
read_bars(const struct pci_access *a, uint32_t addr, struct proto_pci_device *d)
{
    memset(d->bar, 0, sizeof(d->bar));
    for (uint32_t i = 0; i < d->nbars; i++) {
        uint32_t orig = cfg_read(a, addr, PCI_CFG_BAR0 + 4u * i), hi = 0;
        int is64 = !(orig & 1u) && ((orig >> 1) & 3u) == 2u && i + 1 < d->nbars;

        if (is64)
            hi = cfg_read(a, addr, PCI_CFG_BAR0 + 4u * (i + 1));
        /* a mask of 0 leaves the base and the kind, with size 0 */
        (void)pci_bar_decode(orig, 0, hi, 0, &d->bar[i]);
        if (orig & 1u)
            d->bar[i].base = orig & ~3u;
        d->bar[i].flags |= PROTO_PCI_BAR_UNSIZED;
        if (is64)
            d->bar[++i].flags = PROTO_PCI_BAR_UPPER;
    }
}

void
pci_bound_bars(struct proto_pci_device *devs, uint32_t n, uint32_t i, uint64_t avoid,
               uint64_t avoid_size)
{
    struct proto_pci_device *d = &devs[i];

    for (uint32_t b = 0; b < d->nbars; b++) {
        struct proto_pci_bar *x = &d->bar[b];
        uint32_t io = x->flags & PROTO_PCI_BAR_IO;
        uint64_t bound = x->base & (~x->base + 1); /* the alignment of the base */

        if (!(x->flags & PROTO_PCI_BAR_UNSIZED) || x->base == 0)
            continue;
        if (!io && avoid_size && x->base >= avoid && x->base - avoid < avoid_size)
            continue;
        if (!io && avoid_size && avoid > x->base && avoid - x->base < bound)
            bound = avoid - x->base;
        for (uint32_t j = 0; j < n; j++) {
            for (uint32_t k = 0; k < devs[j].nbars; k++) {
                const struct proto_pci_bar *o = &devs[j].bar[k];

                if (o == x || (o->flags & PROTO_PCI_BAR_UPPER) ||
                    (o->flags & PROTO_PCI_BAR_IO) != io || o->base <= x->base)
                    continue;
                if (o->base - x->base < bound)
                    bound = o->base - x->base;
            }
        }
        if (bound > (io ? PCI_BOUND_IO_MAX : PCI_BOUND_MEM_MAX))
            bound = io ? PCI_BOUND_IO_MAX : PCI_BOUND_MEM_MAX;
        while (bound & (bound - 1))
            bound &= bound - 1; /* down to a power of two */
        x->size = bound;
        x->flags = (x->flags & ~PROTO_PCI_BAR_UNSIZED) | PROTO_PCI_BAR_BOUNDED;
    }
}

/* Follows the capability list: each link at most once, inside the
 * function's 256 bytes, after the standard header. */
static void
walk_caps(const struct pci_access *a, uint32_t addr, struct proto_pci_device *d)
{
    uint64_t seen = 0; /* one bit per dword from 0x40 to 0xfc: 48 of them */
    uint32_t ptr;

    if (!((cfg_read(a, addr, PCI_CFG_COMMAND) >> 16) & PCI_STATUS_CAPS))
        return;
    ptr = cfg_read8(a, addr, PCI_CFG_CAPS) & 0xfcu;
    while (ptr != 0) {
        uint32_t slot, reg, id;

        if (ptr < PCI_CAP_MIN) {
            d->flags |= PROTO_PCI_DEV_CAPLOOP;
            return;
        }
        slot = (ptr - PCI_CAP_MIN) / 4u;
        if (seen & (1ull << slot)) {
            d->flags |= PROTO_PCI_DEV_CAPLOOP;
            return;
        }
        seen |= 1ull << slot;
        reg = cfg_read(a, addr, ptr);
        id = reg & 0xffu;
        if (id == PCI_CAP_MSI && !d->msi_cap) {
            d->msi_cap = (uint8_t)ptr;
            d->flags |= PROTO_PCI_DEV_MSI;
        } else if (id == PCI_CAP_MSIX && !d->msix_cap) {
            d->msix_cap = (uint8_t)ptr;
            d->flags |= PROTO_PCI_DEV_MSIX;
        }
        d->cap_count++;
        ptr = (reg >> 8) & 0xfcu;
    }
}

/* Records the function at addr, whose first dword (vendor, device) is id. */
static void
record(const struct pci_access *a, uint32_t addr, uint32_t id, struct proto_pci_device *d)
{
    uint32_t cls = cfg_read(a, addr, PCI_CFG_CLASS);
    uint32_t irq = cfg_read(a, addr, PCI_CFG_IRQ);

    memset(d, 0, sizeof(*d));
    d->bus = (uint8_t)(addr >> 8);
    d->dev = (uint8_t)((addr >> 3) & 31u);
    d->fn = (uint8_t)(addr & 7u);
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->revision = (uint8_t)cls;
    d->prog_if = (uint8_t)(cls >> 8);
    d->subclass = (uint8_t)(cls >> 16);
    d->class_code = (uint8_t)(cls >> 24);
    d->header_type = cfg_read8(a, addr, PCI_CFG_HEADER + 2u) & 0x7fu;
    if (d->header_type == 0) {
        uint32_t sub = cfg_read(a, addr, PCI_CFG_SUBSYS);

        d->subsys_vendor = (uint16_t)sub;
        d->subsys_device = (uint16_t)(sub >> 16);
        d->nbars = 6;
    } else if (d->header_type == 1) {
        uint32_t buses = cfg_read(a, addr, PCI_CFG_BUSES);

        d->secondary_bus = (uint8_t)(buses >> 8);
        d->subordinate_bus = (uint8_t)(buses >> 16);
        d->nbars = 2;
    }
    if (d->header_type <= 1) {
        d->irq_line = (uint8_t)irq;
        d->irq_pin = (uint8_t)(irq >> 8);
        if (d->irq_pin > 4)
            d->irq_pin = 0; /* INTA-INTD are the only pins */
        /* A function that decodes when the walk comes may be in use
         * (the boot framebuffer's display, the legacy devices behind the
         * ISA bridge, the disk the system came from), and sizing a BAR
         * moves it for an instant: its BARs are only read, and sized when
         * it is claimed. One that does not decode is nobody's: sized now,
         * with nothing to turn off. */
        if (cfg_read(a, addr, PCI_CFG_COMMAND) & PCI_CMD_DECODE)
            read_bars(a, addr, d);
        else
            size_bars(a, addr, d);
        walk_caps(a, addr, d);
    }
}

uint32_t
pci_enum(const struct pci_access *a, struct proto_pci_device *out, uint32_t max,
         struct pci_enum_stats *stats)
{
    uint8_t queue[PCI_BUSES], visited[PCI_BUSES];
    uint32_t head = 0, tail = 0, n = 0;
    struct pci_enum_stats st = {0, 0, 0, 0};

    memset(visited, 0, sizeof(visited));
    queue[tail++] = 0;
    visited[0] = 1;
    while (head < tail) {
        uint32_t bus = queue[head++];

        st.buses++;
        for (uint32_t slot = 0; slot < PCI_SLOTS; slot++) {
            uint32_t nfns = 1;

            for (uint32_t fn = 0; fn < nfns; fn++) {
                uint32_t addr = PROTO_PCI_ADDRESS(bus, slot, fn);
                uint32_t id = cfg_read(a, addr, PCI_CFG_VENDOR);
                struct proto_pci_device tmp, *d = n < max ? &out[n] : &tmp;

                if ((id & 0xffffu) == 0xffffu || (id & 0xffffu) == 0)
                    continue; /* nobody there (0: some bridges' answer too) */
                if (fn == 0 && (cfg_read8(a, addr, PCI_CFG_HEADER + 2u) & 0x80u))
                    nfns = PCI_FNS;
                st.found++;
                record(a, addr, id, d);
                if (n < max)
                    n++;
                else
                    st.dropped++;
                if (d->header_type != 1)
                    continue;
                if (d->secondary_bus <= bus || d->secondary_bus > d->subordinate_bus ||
                    visited[d->secondary_bus]) {
                    st.bad_bridges++;
                    continue;
                }
                visited[d->secondary_bus] = 1;
                queue[tail++] = d->secondary_bus;
            }
        }
    }
    if (stats)
        *stats = st;
    return n;
}
