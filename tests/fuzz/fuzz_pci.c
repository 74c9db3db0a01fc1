// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the PCI bus walk (drivers/pci/pcienum.c) over whatever
 * configuration space devices could show. The input is a list of
 * functions, each 282 bytes: its address (bus, then device and function
 * as one byte), its 256 bytes of configuration space, and six BAR masks
 * (the bits each BAR keeps of a write). Every other address reads all
 * ones. Writes behave as on hardware: a BAR keeps its mask's bits, the
 * status half of the command dword clears bits written as ones, anything
 * else is stored. Checks, beyond "no crash" and bounded work:
 *   - at most max records, no address twice, each function recorded is
 *     one the input defines, on a bus the walk reached;
 *   - every BAR's size is 0 or a power of two, its base aligned to it; an
 *     upper half follows a 64-bit BAR; only devices and bridges have BARs;
 *   - capability offsets are 0 or inside 0x40-0xfc on a dword, and at
 *     most 48 capabilities are counted;
 *   - the walk leaves every register as it found it (BARs and command
 *     restored, no status bit cleared).
 */
#include <stdint.h>
#include <string.h>

#include "../../drivers/pci/pcienum.h"
#include "fuzz.h"

#define FN_BYTES 282u
#define FNS_MAX  64u
#define OUT_MAX  40u

struct ffn {
    uint32_t addr;
    uint32_t cfg[64], orig[64], mask[6];
};

static struct ffn fns[FNS_MAX];
static uint32_t nfns;
static uint64_t reads;

static struct ffn *
ffind(uint32_t addr)
{
    for (uint32_t i = 0; i < nfns; i++)
        if (fns[i].addr == addr)
            return &fns[i];
    return NULL;
}

static uint32_t
fread32(void *ctx, uint32_t addr, uint32_t off)
{
    struct ffn *f = ffind(addr);

    (void)ctx;
    FUZZ_CHECK(off < 256 && off % 4 == 0 && addr <= 0xffff);
    reads++;
    return f ? f->cfg[off / 4] : 0xffffffffu;
}

static void
fwrite32(void *ctx, uint32_t addr, uint32_t off, uint32_t v)
{
    struct ffn *f = ffind(addr);
    uint32_t hdr;

    (void)ctx;
    FUZZ_CHECK(off < 256 && off % 4 == 0 && addr <= 0xffff);
    if (!f)
        return;
    hdr = (f->cfg[3] >> 16) & 0x7fu;
    if (off == PCI_CFG_COMMAND) {
        f->cfg[1] = (f->cfg[1] & 0xffff0000u & ~(v & 0xffff0000u)) | (v & 0xffffu);
        return;
    }
    if (off >= PCI_CFG_BAR0 && off < PCI_CFG_BAR0 + (hdr == 0 ? 24u : hdr == 1 ? 8u : 0u)) {
        uint32_t i = (off - PCI_CFG_BAR0) / 4;

        f->cfg[off / 4] = (v & f->mask[i]) | (f->cfg[off / 4] & ~f->mask[i]);
        return;
    }
    f->cfg[off / 4] = v;
}

static const struct pci_access faccess = {NULL, fread32, fwrite32};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct proto_pci_device out[OUT_MAX];
    struct pci_enum_stats st;
    uint32_t n;

    nfns = 0;
    reads = 0;
    for (size_t at = 0; at + FN_BYTES <= size && nfns < FNS_MAX; at += FN_BYTES) {
        struct ffn *f = &fns[nfns];
        uint32_t addr = (uint32_t)data[at] << 8 | data[at + 1];

        if (ffind(addr))
            continue;
        f->addr = addr;
        memcpy(f->cfg, data + at + 2, 256);
        memcpy(f->mask, data + at + 258, 24);
        memcpy(f->orig, f->cfg, 256);
        nfns++;
    }
    n = pci_enum(&faccess, out, OUT_MAX, &st);
    FUZZ_CHECK(n <= OUT_MAX && n <= st.found && st.found - n == st.dropped);
    FUZZ_CHECK(st.found <= nfns && st.buses >= 1 && st.buses <= 256);
    /* each bus is read for 32 slots and at most 8 functions, each a bounded number of times */
    FUZZ_CHECK(reads <= (uint64_t)st.buses * 32 * 8 + (uint64_t)st.found * 200);
    for (uint32_t i = 0; i < n; i++) {
        const struct proto_pci_device *d = &out[i];
        uint32_t addr = PROTO_PCI_ADDRESS(d->bus, d->dev, d->fn);

        FUZZ_CHECK(ffind(addr) != NULL);
        for (uint32_t j = 0; j < i; j++)
            FUZZ_CHECK(PROTO_PCI_ADDRESS(out[j].bus, out[j].dev, out[j].fn) != addr);
        FUZZ_CHECK(d->nbars == (d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0));
        for (uint32_t b = 0; b < 6; b++) {
            const struct proto_pci_bar *bar = &d->bar[b];

            if (b >= d->nbars) {
                FUZZ_CHECK(bar->size == 0 && bar->flags == 0);
                continue;
            }
            FUZZ_CHECK((bar->size & (bar->size - 1)) == 0);
            FUZZ_CHECK(bar->size == 0 || (bar->base & (bar->size - 1)) == 0);
            if (bar->flags & PROTO_PCI_BAR_UPPER)
                FUZZ_CHECK(b > 0 && (d->bar[b - 1].flags & PROTO_PCI_BAR_64) && bar->size == 0);
        }
        FUZZ_CHECK(d->msi_cap == 0 || (d->msi_cap >= 0x40 && d->msi_cap % 4 == 0));
        FUZZ_CHECK(d->msix_cap == 0 || (d->msix_cap >= 0x40 && d->msix_cap % 4 == 0));
        FUZZ_CHECK(d->cap_count <= 48 && d->irq_pin <= 4);
    }
    for (uint32_t i = 0; i < nfns; i++)
        FUZZ_CHECK(memcmp(fns[i].cfg, fns[i].orig, sizeof(fns[i].cfg)) == 0);
    return 0;
}
