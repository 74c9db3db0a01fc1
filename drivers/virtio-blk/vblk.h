/* SPDX-License-Identifier: MIT */
/*
 * The virtio block driver's pieces (docs/storage.md):
 *
 *   main.c    finds and claims the devices through the PCI bus server,
 *             maps their BARs, takes their interrupts, registers each
 *             disk with lib/blkserve and runs its loop;
 *   virtio.c  the virtio 1.x PCI transport (the vendor capabilities, the
 *             status handshake, feature negotiation), one split virtqueue
 *             and the block requests: lib/blkserve's submit and service.
 *
 * Everything the device writes (the used ring, a request's status byte,
 * its configuration) is checked before it is used: a device that answers
 * nonsense fails its requests with EIO and is given up, never followed
 * outside the queue.
 */
#ifndef CAIRN_DRIVERS_VBLK_H
#define CAIRN_DRIVERS_VBLK_H

#include <stdint.h>

#include <blkserve/blkserve.h>

#define VBLK_QUEUE_MAX 48 /* descriptors used: 3 per request in flight */
#define VBLK_SLOTS     (VBLK_QUEUE_MAX / 3)

/* Where one of the device's structures is: a mapped BAR and a range in it. */
struct vblk_region {
    volatile uint8_t *at;
    uint32_t len;
};

/* A request's header and status byte, in DMA memory (virtio 1.x 5.2.6). */
struct vblk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector; /* in 512-byte units whatever the block size */
};

struct vblk {
    char name[16];
    long pci_dev;                /* the claim's device handle */
    long irq;                    /* the irq object, -1: polled */
    volatile uint8_t *bar_at[6]; /* BARs mapped so far (vblk_bar) */
    uint64_t bar_size[6];
    int msix;          /* interrupts by MSI-X (edge) rather than the INTx line */
    uint64_t irq_bits; /* its bit of lib/blkserve's notification */
    struct vblk_region common, notify, isr, devcfg;
    uint32_t notify_mult;
    uint64_t features; /* negotiated */
    uint32_t sector_size;
    uint64_t sectors;
    int dead; /* the device broke the protocol: every request fails */

    /* The queue (one page of DMA memory) and its shadow state. */
    uint16_t qsize;
    volatile uint8_t *notify_at;
    struct vblk_desc *desc;
    volatile uint16_t *avail; /* flags, idx, ring[qsize] */
    volatile uint8_t *used;   /* flags, idx, ring[qsize] of {id, len} */
    struct vblk_req_hdr *hdr; /* one per slot */
    volatile uint8_t *status; /* one per slot */
    uint64_t page_phys;
    uint16_t avail_idx, used_idx;
    uint32_t nslots;
    struct blkserve_io *slot[VBLK_SLOTS];
};

struct vblk_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
_Static_assert(sizeof(struct vblk_desc) == 16, "a split virtqueue's descriptor");

/* A configuration register of the claimed function: its value, or a
 * negative CAIRN_E* code. main.c. */
long vblk_cfg_read(struct vblk *v, uint32_t off, uint32_t width);
long vblk_cfg_write(struct vblk *v, uint32_t off, uint32_t width, uint32_t value);

/* Maps the BAR bar (0-5) of v's device, once: its address and size in
 * *at and *size, 0 or a negative CAIRN_E* code. main.c. */
int vblk_bar(struct vblk *v, uint32_t bar, volatile uint8_t **at, uint64_t *size);

/*
 * Finds the capabilities, resets the device and negotiates its features,
 * sets up the queue (its MSI-X vector 0 if v->msix) and reads the size:
 * 0 with v->sectors and the rest filled in and the device running, or a
 * negative CAIRN_E* code with a reason printed. virtio.c.
 */
int vblk_start(struct vblk *v);

/* lib/blkserve's backend: submit and service over v (the hw pointer). */
extern const struct blkserve_ops vblk_ops;

#endif
