/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus walk as pure code (docs/pci.md): every function of every
 * bus reachable from bus 0 through bridges, each recorded as the
 * struct proto_pci_device the server lists (include/proto/pci.h), BARs
 * sized and capabilities followed. Configuration space is reached only
 * through the caller's two functions, so the server runs it over the
 * ports and the host test and fuzzer over a fake.
 *
 * What a device answers is not trusted: a bridge whose secondary bus is
 * already walked, not above its own bus or past its subordinate bus is
 * not followed (so a loop back to bus 0 ends); a capability list is
 * followed at most once per link and only inside the 256 bytes; a BAR
 * that reads back a mask no BAR can have is marked broken with size 0.
 * The walk visits each bus at most once, so it ends after at most 256 x
 * 32 x 8 functions, however the devices lie.
 */
#ifndef CAIRN_DRIVERS_PCI_PCIENUM_H
#define CAIRN_DRIVERS_PCI_PCIENUM_H

#include <stdint.h>

#include <proto/pci.h>

/* Dword access to configuration space: addr is PROTO_PCI_ADDRESS, off a
 * multiple of 4 below 256. A function that is absent reads all ones. */
struct pci_access {
    void *ctx;
    uint32_t (*read32)(void *ctx, uint32_t addr, uint32_t off);
    void (*write32)(void *ctx, uint32_t addr, uint32_t off, uint32_t value);
};

/* What the walk met besides the devices it recorded. */
struct pci_enum_stats {
    uint32_t found;       /* functions found, recorded or not */
    uint32_t dropped;     /* found past the caller's max */
    uint32_t buses;       /* buses walked */
    uint32_t bad_bridges; /* bridges not followed (a loop, a bus out of order) */
};

/* Configuration registers the walk and the server name. */
#define PCI_CFG_VENDOR       0x00u
#define PCI_CFG_COMMAND      0x04u
#define PCI_CFG_CLASS        0x08u /* revision, prog-if, subclass, class */
#define PCI_CFG_HEADER       0x0cu /* the header type is byte 2 */
#define PCI_CFG_BAR0         0x10u
#define PCI_CFG_BUSES        0x18u /* a bridge's primary, secondary, subordinate */
#define PCI_CFG_SUBSYS       0x2cu
#define PCI_CFG_ROM          0x30u /* header type 0; 0x38 on a bridge */
#define PCI_CFG_ROM_BRIDGE   0x38u
#define PCI_CFG_CAPS         0x34u
#define PCI_CFG_IRQ          0x3cu
#define PCI_STATUS_CAPS      0x10u /* in the status register: a capability list */
#define PCI_CMD_DECODE       0x3u  /* I/O and memory decode */
#define PCI_CMD_INTX_DISABLE 0x400u
#define PCI_CAP_MSI          0x05u
#define PCI_CAP_MSIX         0x11u
#define PCI_CONFIG_SIZE      256u

/*
 * Walks the buses from bus 0 and fills out[0 .. max - 1] in the walk's
 * order; returns how many it filled. The walk writes nothing to a
 * function that decodes (its I/O or memory enable bit set): someone may
 * be using it meanwhile (the boot framebuffer, the keyboard behind the
 * ISA bridge), and sizing a BAR moves it for an instant. Its BARs are
 * read, base and kind, and marked PROTO_PCI_BAR_UNSIZED (a claim bounds
 * them: pci_bound_bars). A function that does not decode is sized at once:
 * each BAR written with all ones, read back and written back. stats may
 * be NULL.
 */
uint32_t pci_enum(const struct pci_access *a, struct proto_pci_device *out, uint32_t max,
                  struct pci_enum_stats *stats);

/* The most a BAR the server does not probe may take. */
#define PCI_BOUND_MEM_MAX (1ull << 20)
#define PCI_BOUND_IO_MAX  256u

/*
 * Gives each unsized BAR of devs[i] (of n) the largest size it can have
 * without probing, flagged PROTO_PCI_BAR_BOUNDED: a power of two at most
 * the alignment of its base (a BAR of size S is aligned to S), that
 * reaches no other BAR's base (of any function, of the same kind) nor the
 * range [avoid, avoid + avoid_size) (the ECAM; 0 for none), and at most
 * PCI_BOUND_MEM_MAX or PCI_BOUND_IO_MAX. A BAR whose base is 0 or inside
 * the range stays unsized. Writes nothing to any device: probing a BAR
 * moves it for an instant, which a device in use (or an emulator racing
 * another CPU's access, docs/pci.md) does not survive.
 */
void pci_bound_bars(struct proto_pci_device *devs, uint32_t n, uint32_t i, uint64_t avoid,
                    uint64_t avoid_size);

/*
 * One BAR from what it held (orig) and read back after all ones were
 * written (mask); for a 64-bit memory BAR, the same two of the upper half
 * in orig_hi and mask_hi (else 0). Fills *bar; returns 1 when it is a
 * 64-bit BAR (the next one is its upper half), else 0.
 */
int pci_bar_decode(uint32_t orig, uint32_t mask, uint32_t orig_hi, uint32_t mask_hi,
                   struct proto_pci_bar *bar);

/* Does the write of width bytes at off touch a register the server keeps
 * for itself (a BAR, the ROM BAR; a bridge's bus numbers and the I/O and
 * memory windows it forwards, 0x10-0x2f)? header_type without its
 * multi-function bit. */
int pci_config_reserved(uint8_t header_type, uint32_t off, uint32_t width);

#endif
