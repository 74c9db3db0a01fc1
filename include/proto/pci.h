/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus server (drivers/pci, docs/pci.md): the one process that
 * touches PCI configuration space. It lists the functions it found at
 * start and hands a driver one device: its configuration registers, its
 * BARs as memory objects or port ranges, its interrupt, its decode and
 * bus-mastering bits. (Message shape: include/proto/io.h.)
 *
 * Two kinds of handle reach it. The one the registry hands out under
 * `pci` (badge 0) answers PROTO_PCI_LIST and PROTO_PCI_CLAIM. A claim
 * returns a **device handle**, minted with a badge naming the device and
 * the claim, and the requests on a device, PROTO_PCI_CONFIG_READ and the
 * rest, go through it alone. A device has one claimant at a time. The
 * claim ends with PROTO_PCI_RELEASE; when the last copy of the device
 * handle goes (closed, or with the process that held it: the handle is
 * minted with handle_mint_notify and the server takes the close notice);
 * or when the process whose handle came with the claim, if one did, ends
 * (the server watches it with process_watch). Its device handles then
 * answer -CAIRN_EBADF (a badge the server no longer knows), and the
 * server clears the device's bus-master and MSI enable bits so that a
 * dead driver's device stops writing to memory.
 *
 * Requests on the wrong kind of handle get -CAIRN_EBADF; unknown ones
 * -CAIRN_ENOSYS; handles are accepted only where a request says so (any
 * other handle sent is closed and the request refused with -CAIRN_EINVAL).
 */
#ifndef CAIRN_PROTO_PCI_H
#define CAIRN_PROTO_PCI_H

#include <stdint.h>

/*
 * PROTO_PCI_LIST (the service handle): w[1] a cookie, 0 for the first
 * device. Reply: w[0] 1 and one struct proto_pci_device in the reply's
 * buffer, w[1] the cookie of the next; w[0] 0 when there are no more. The
 * list is fixed at the server's start, in the order of the walk (bus by
 * bus, each bridge's buses after the bus it sits on).
 */
#define PROTO_PCI_LIST         0x601u
/*
 * PROTO_PCI_CLAIM (the service handle): w[1] how to find the device,
 *   PROTO_PCI_BY_ADDRESS  w[2] PROTO_PCI_ADDRESS(bus, dev, fn);
 *   PROTO_PCI_BY_ID       w[2] vendor << 16 | device, w[3] the index among
 *                         the matches (0: the first in the list's order);
 *   PROTO_PCI_BY_CLASS    w[2] class << 16 | subclass << 8 | prog-if,
 *                         w[4] the mask of those bits that must match
 *                         (0xffff00: any prog-if), w[3] the index;
 * handles[0] (optional) a handle with WAIT to a process whose end ends
 * the claim too, for a driver that hands its device handle on to a worker
 * and wants the claim to end with itself all the same.
 * Reply: w[0] 0, handles[0] the device handle (SIGNAL, DUPLICATE,
 * TRANSFER), w[1] the device's address, w[2] the bytes of its
 * configuration space (256 through the legacy ports, 4096 through PCIe's
 * ECAM), its struct proto_pci_device in the buffer. Errors: -CAIRN_ENOENT (no such device), -CAIRN_EBUSY
 * (claimed by another, still living), -CAIRN_EINVAL (bad arguments, a
 * handle that is no process or lacks WAIT), -CAIRN_ENOMEM (PROTO_PCI_CLAIMS_MAX
 * claims held already).
 */
#define PROTO_PCI_CLAIM        0x602u
/*
 * PROTO_PCI_CONFIG_READ (a device handle): w[1] the offset, w[2] the
 * width in bytes (1, 2 or 4), the offset a multiple of it and offset +
 * width within the device's configuration space (w[2] of the claim's
 * reply: 256 bytes through the legacy ports, 4096 through ECAM). Reply: w[0] the value (zero-extended, never negative).
 * -CAIRN_EINVAL for a bad width or alignment, -CAIRN_ERANGE past the end.
 */
#define PROTO_PCI_CONFIG_READ  0x603u
/*
 * PROTO_PCI_CONFIG_WRITE (a device handle): w[1] the offset, w[2] the
 * width, w[3] the value, as PROTO_PCI_CONFIG_READ. Reply: 0. The registers
 * that tell where the device decodes and how the bus is numbered are the
 * server's: a write touching a BAR, the expansion ROM BAR, or a bridge's
 * bus numbers and forwarding windows (0x10-0x2f of a header type 1) gets
 * -CAIRN_EPERM and changes nothing.
 */
#define PROTO_PCI_CONFIG_WRITE 0x604u
/*
 * PROTO_PCI_BAR (a device handle): w[1] the BAR's index (0-5; the upper
 * half of a 64-bit BAR is not one), w[2] for a memory BAR the cache mode
 * (CAIRN_CACHE_UC or CAIRN_CACHE_WC, include/cairn/device.h). Reply: w[0]
 * 0, w[1] the BAR's address, w[2] its size, w[3] its PROTO_PCI_BAR_* flags,
 * handles[0]:
 *   a memory BAR: a device memory object over the whole pages the BAR
 *   lies in (READ, WRITE, MAP, DUPLICATE, TRANSFER); the BAR starts at
 *   offset w[1] % 4096 of it;
 *   an I/O BAR: an I/O port resource over exactly its ports, which the
 *   driver grants itself with ioport_enable(handle, -1, 1).
 * Errors: -CAIRN_ENOENT (no such BAR, or one of size 0), -CAIRN_EPERM (a
 * sub-page memory BAR whose pages another device's BAR shares: mapping it
 * would reach that device), -CAIRN_ERANGE (outside what the server was
 * granted), -CAIRN_EINVAL (bad index or cache mode).
 */
#define PROTO_PCI_BAR          0x605u
/*
 * PROTO_PCI_IRQ (a device handle): w[1] the kind,
 *   PROTO_PCI_IRQ_LEGACY  the INTx line: an irq object for the interrupt
 *                         line register's value (below 16 an ISA IRQ, the
 *                         MADT deciding GSI and mode; else a GSI, level
 *                         and active low); -CAIRN_ENOENT if the device has
 *                         no pin or the firmware routed none (0 or 0xff);
 *   PROTO_PCI_IRQ_MSI     an MSI irq object, the device's MSI capability
 *                         programmed with its message (one vector) and
 *                         enabled, INTx disabled; -CAIRN_ENOENT without an
 *                         MSI capability;
 *   PROTO_PCI_IRQ_MSI_RAW an MSI irq object and nothing programmed: for
 *                         MSI-X, whose table lies in a BAR the driver
 *                         maps; irq_msi tells the message.
 * Reply: w[0] 0, handles[0] the irq object (SIGNAL, MANAGE, DUPLICATE,
 * TRANSFER), w[1] the line (ISA IRQ, GSI or MSI slot). -CAIRN_EBUSY when
 * the MSI slots are all taken.
 */
#define PROTO_PCI_IRQ          0x606u
/*
 * PROTO_PCI_ENABLE (a device handle): w[1] the PROTO_PCI_ENABLE_* bits to
 * set in the command register, w[2] those to clear (set wins). Reply: w[0]
 * the command register afterwards. -CAIRN_EINVAL for other bits.
 */
#define PROTO_PCI_ENABLE       0x607u
/* PROTO_PCI_RELEASE (a device handle): ends the claim (above). Reply: 0. */
#define PROTO_PCI_RELEASE      0x608u

/* PROTO_PCI_CLAIM's w[1]. */
#define PROTO_PCI_BY_ADDRESS 1u
#define PROTO_PCI_BY_ID      2u
#define PROTO_PCI_BY_CLASS   3u

/* A function's address as one number: bus 8 bits, device 5, function 3. */
#define PROTO_PCI_ADDRESS(bus, dev, fn) \
    ((uint32_t)(bus) << 8 | ((uint32_t)(dev)&31u) << 3 | ((uint32_t)(fn)&7u))

/* PROTO_PCI_IRQ's w[1]. */
#define PROTO_PCI_IRQ_LEGACY  1u
#define PROTO_PCI_IRQ_MSI     2u
#define PROTO_PCI_IRQ_MSI_RAW 3u

/* PROTO_PCI_ENABLE's bits: the command register's own. */
#define PROTO_PCI_ENABLE_IO     0x1u
#define PROTO_PCI_ENABLE_MEMORY 0x2u
#define PROTO_PCI_ENABLE_MASTER 0x4u

/* The most devices claimed at once. */
#define PROTO_PCI_CLAIMS_MAX 63u

/* struct proto_pci_bar flags. */
#define PROTO_PCI_BAR_IO       0x1u  /* an I/O port BAR (else memory) */
#define PROTO_PCI_BAR_64       0x2u  /* a 64-bit memory BAR: it takes the next BAR too */
#define PROTO_PCI_BAR_PREFETCH 0x4u  /* prefetchable memory */
#define PROTO_PCI_BAR_UPPER    0x8u  /* the upper half of the 64-bit BAR before it */
#define PROTO_PCI_BAR_BROKEN   0x10u /* it answered sizing with a mask that is no BAR's */
/* Not sized (size 0, base and kind as read): a function that decoded
 * when the bus was walked may be in use (the boot framebuffer, the
 * keyboard behind the ISA bridge), so its BARs are never probed: the
 * server never moves a BAR someone may be using. */
#define PROTO_PCI_BAR_UNSIZED  0x20u
/* Set at a claim in place of PROTO_PCI_BAR_UNSIZED: size is the largest
 * the BAR can be without probing it (the alignment of its base, below
 * the next BAR or the ECAM, at most 1 MiB of memory or 256 ports),
 * which may be more than the device decodes (docs/pci.md). */
#define PROTO_PCI_BAR_BOUNDED  0x40u

struct proto_pci_bar {
    uint64_t base;  /* the address the firmware assigned (ports for I/O) */
    uint64_t size;  /* bytes (ports); 0: not implemented */
    uint32_t flags; /* PROTO_PCI_BAR_* */
    uint32_t reserved;
};

/* struct proto_pci_device flags. */
#define PROTO_PCI_DEV_CLAIMED 0x1u /* someone holds it now */
#define PROTO_PCI_DEV_MSI     0x2u /* has an MSI capability (at msi_cap) */
#define PROTO_PCI_DEV_MSIX    0x4u /* has an MSI-X capability (at msix_cap) */
#define PROTO_PCI_DEV_CAPLOOP 0x8u /* its capability list was cut short (a loop or a bad link) */

struct proto_pci_device {
    uint8_t bus, dev, fn;
    uint8_t header_type; /* bits 0-6 (the multi-function bit cleared): 0 device, 1 bridge */
    uint16_t vendor, device;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t irq_line, irq_pin; /* the interrupt line and pin registers (pin 0: none) */
    uint8_t msi_cap, msix_cap; /* offsets of those capabilities, 0: none */
    uint16_t subsys_vendor;    /* header type 0; else 0 */
    uint16_t subsys_device;
    uint8_t secondary_bus; /* a bridge's (header type 1), else 0 */
    uint8_t subordinate_bus;
    uint8_t cap_count; /* capabilities in its list */
    uint8_t nbars;     /* 6 for a device, 2 for a bridge, else 0 */
    uint32_t flags;    /* PROTO_PCI_DEV_* */
    uint32_t reserved;
    struct proto_pci_bar bar[6];
};

_Static_assert(sizeof(struct proto_pci_bar) == 24, "proto_pci_bar is ABI");
_Static_assert(sizeof(struct proto_pci_device) == 32 + 6 * 24, "proto_pci_device is ABI");

#endif
