// SPDX-License-Identifier: MIT
/*
 * lspci: the PCI functions the bus server found (include/proto/pci.h), one
 * line each, `00:1f.0 ISA bridge [0601]: 8086:2918 (rev 02)`; with -v also
 * each function's subsystem, interrupt, BARs, capabilities and, for a
 * bridge, its buses. The server is found in the registry under `pci`.
 *
 * What the server sends is checked before it is printed: a reply of the
 * wrong size ends the listing with a message, and the listing stops after
 * 65536 records whatever the cookies say, so a broken server cannot keep
 * lspci printing for ever.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/pci.h>
#include <util/util.h>

#include "pciclass.h"

#define LSPCI_LOOKUP_NS 2000000000ull /* 2 s for the server to be registered */
#define LSPCI_MAX       65536u

static const char lspci_usage[] =
    "Usage: lspci [-v]\n"
    "List the PCI devices.\n"
    "  -v  also show each device's BARs, interrupt and capabilities\n";

static void
lspci_verbose(const struct proto_pci_device *d)
{
    char size[24];

    if (d->header_type == 0 && (d->subsys_vendor || d->subsys_device))
        util_printf("\tSubsystem: %04x:%04x\n", d->subsys_vendor, d->subsys_device);
    if (d->header_type == 1)
        util_printf("\tBus: secondary=%02x, subordinate=%02x\n", d->secondary_bus,
                    d->subordinate_bus);
    if (d->irq_pin)
        util_printf("\tInterrupt: pin %c routed to IRQ %u\n", 'A' + d->irq_pin - 1, d->irq_line);
    for (uint32_t i = 0; i < d->nbars && i < 6; i++) {
        const struct proto_pci_bar *b = &d->bar[i];

        if (b->flags & PROTO_PCI_BAR_UPPER)
            continue;
        if (b->flags & PROTO_PCI_BAR_BROKEN) {
            util_printf("\tRegion %u: broken (it does not size as a BAR)\n", i);
            continue;
        }
        if (b->flags & PROTO_PCI_BAR_UNSIZED) {
            /* the walk leaves what decodes alone (include/proto/pci.h) */
            if (b->base != 0)
                snprintf(size, sizeof(size), "unknown until claimed");
            else
                continue;
        } else if (b->size == 0) {
            continue;
        } else if (b->flags & PROTO_PCI_BAR_BOUNDED) {
            /* claimed without a probe: the most it can be (include/proto/pci.h) */
            memcpy(size, "at most ", 8);
            pciclass_size(b->size, size + 8, sizeof(size) - 8);
        } else {
            pciclass_size(b->size, size, sizeof(size));
        }
        if (b->flags & PROTO_PCI_BAR_IO)
            util_printf("\tRegion %u: I/O ports at %llx [size=%s]\n", i,
                        (unsigned long long)b->base, size);
        else
            util_printf("\tRegion %u: Memory at %llx (%s, %sprefetchable) [size=%s]\n", i,
                        (unsigned long long)b->base,
                        b->flags & PROTO_PCI_BAR_64 ? "64-bit" : "32-bit",
                        b->flags & PROTO_PCI_BAR_PREFETCH ? "" : "non-", size);
    }
    if (d->cap_count || (d->flags & PROTO_PCI_DEV_CAPLOOP)) {
        util_printf("\tCapabilities: %u", d->cap_count);
        if (d->msi_cap)
            util_printf(", MSI at %#x", d->msi_cap);
        if (d->msix_cap)
            util_printf(", MSI-X at %#x", d->msix_cap);
        if (d->flags & PROTO_PCI_DEV_CAPLOOP)
            util_printf(", list cut short (a loop or a bad link)");
        util_printf("\n");
    }
    if (d->flags & PROTO_PCI_DEV_CLAIMED)
        util_printf("\tClaimed by a driver\n");
}

int
main(int argc, char **argv)
{
    struct util_opts st;
    int verbose = 0, c;
    long ep;
    uint64_t cookie = 0;

    util_init("lspci", lspci_usage);
    util_opts_init(&st);
    while ((c = util_getopt(&st, argc, argv, "v")) != -1)
        if (c == 'v')
            verbose = 1;
    if (st.index < argc)
        util_usage_error(1, "unexpected operand '%s'", argv[st.index]);
    ep = cairn_registry_lookup("pci", LSPCI_LOOKUP_NS);
    if (ep < 0)
        util_exit(util_error("the PCI bus server", (int)-ep));
    for (uint32_t n = 0; n < LSPCI_MAX; n++) {
        static struct proto_pci_device d;
        char line[160];
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_PCI_LIST, cookie, 0, 0, 0}, &ext};
        long err;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)&d;
        ext.recv_cap = sizeof(d);
        err = cairn_ipc_call(ep, &msg);
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (err == 0 && (int64_t)msg.w[0] < 0)
            err = (long)msg.w[0];
        if (err < 0)
            util_exit(util_error("listing the devices", (int)-err));
        if (msg.w[0] == 0)
            break;
        if (err == CAIRN_MSG_TRUNCATED || ext.recv_len != sizeof(d) || msg.w[0] != 1)
            util_exit(util_fail("the PCI bus server sent a malformed record"));
        pciclass_line(&d, line, sizeof(line));
        util_printf("%s\n", line);
        if (verbose)
            lspci_verbose(&d);
        cookie = msg.w[1];
    }
    util_exit(0);
}
