// SPDX-License-Identifier: MIT
/*
 * The virtio 1.x PCI transport and the block device on it (the virtio 1.x
 * specification: 4.1 "Virtio Over PCI Bus", 2.6 "Split Virtqueues", 5.2
 * "Block Device"), as lib/blkserve's backend (vblk.h).
 *
 * The queue: one page of DMA memory holding the descriptor table, the
 * available ring, the used ring, and a request header and status byte per
 * slot. Slot i owns descriptors 3i, 3i+1 and 3i+2 for good (header, data,
 * status), so nothing is allocated per request and a used-ring id names its
 * slot: an id that is not 3i of a slot in flight is the device's error.
 * A read or write's data descriptor points at the I/O's DMA buffer
 * (lib/blkserve bounces client buffers through it).
 *
 * Ordering on x86: stores are seen in program order, so filling the
 * descriptors, then the ring entry, then the index (a release store) is
 * what 2.6.13 asks; a full fence before the notify write and before
 * reading the used index after an interrupt keeps the compiler and the
 * store buffer honest.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/sys.h>

#include "vblk.h"

/* PCI: the vendor-specific capability of virtio (4.1.4). */
#define PCI_STATUS_CAPS   0x10u
#define PCI_CAP_VENDOR    0x09u
#define VIRTIO_CAP_COMMON 1u
#define VIRTIO_CAP_NOTIFY 2u
#define VIRTIO_CAP_ISR    3u
#define VIRTIO_CAP_DEVICE 4u

/* The common configuration structure (4.1.4.3). */
#define CC_DFSELECT 0x00u
#define CC_DF       0x04u
#define CC_GFSELECT 0x08u
#define CC_GF       0x0cu
#define CC_MSIX     0x10u
#define CC_NUMQ     0x12u
#define CC_STATUS   0x14u
#define CC_GEN      0x15u
#define CC_QSELECT  0x16u
#define CC_QSIZE    0x18u
#define CC_QMSIX    0x1au
#define CC_QENABLE  0x1cu
#define CC_QNOTIFY  0x1eu
#define CC_QDESC    0x20u
#define CC_QDRIVER  0x28u
#define CC_QDEVICE  0x30u
#define CC_LEN      0x38u

#define STATUS_ACK         1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define STATUS_FAILED      128u
#define NO_VECTOR          0xffffu

#define F_BLK_RO    (1ull << 5)
#define F_BLK_SIZE  (1ull << 6)
#define F_BLK_FLUSH (1ull << 9)
#define F_VERSION_1 (1ull << 32)
#define F_WANTED    (F_VERSION_1 | F_BLK_RO | F_BLK_SIZE | F_BLK_FLUSH)

#define REQ_IN    0u
#define REQ_OUT   1u
#define REQ_FLUSH 4u

#define DESC_NEXT  1u
#define DESC_WRITE 2u

/* The queue page's layout (4 KiB, VBLK_QUEUE_MAX descriptors). */
#define Q_DESC   0u
#define Q_AVAIL  1024u /* 4 + 2 * 48 + 2 bytes */
#define Q_USED   2048u /* 4 + 8 * 48 + 2 bytes */
#define Q_HDR    3072u /* 16 bytes a slot */
#define Q_STATUS 3584u /* 1 byte a slot */
_Static_assert(VBLK_QUEUE_MAX * 16 <= Q_AVAIL && Q_AVAIL + 6 + 2 * VBLK_QUEUE_MAX <= Q_USED &&
                   Q_USED + 6 + 8 * VBLK_QUEUE_MAX <= Q_HDR &&
                   Q_HDR + 16 * VBLK_SLOTS <= Q_STATUS && Q_STATUS + VBLK_SLOTS <= 4096,
               "the queue fits its page");

static uint32_t
rd32(const struct vblk_region *r, uint32_t off)
{
    return *(volatile uint32_t *)(r->at + off);
}

static void
wr32(const struct vblk_region *r, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(r->at + off) = v;
}

static uint16_t
rd16(const struct vblk_region *r, uint32_t off)
{
    return *(volatile uint16_t *)(r->at + off);
}

static void
wr16(const struct vblk_region *r, uint32_t off, uint16_t v)
{
    *(volatile uint16_t *)(r->at + off) = v;
}

static void
wr64(const struct vblk_region *r, uint32_t off, uint64_t v)
{
    wr32(r, off, (uint32_t)v); /* 4.1.3.1: two 32-bit halves, low first */
    wr32(r, off + 4, (uint32_t)(v >> 32));
}

static int
fail(struct vblk *v, const char *why)
{
    printf("virtio-blk: %s: %s\n", v->name, why);
    if (v->common.at)
        v->common.at[CC_STATUS] = STATUS_FAILED;
    return -CAIRN_EIO;
}

/*
 * Walks the capability list for virtio's four structures and maps the BARs
 * they lie in. Every link is followed at most 48 times and every structure
 * must lie inside its BAR.
 */
static int
caps_find(struct vblk *v)
{
    long status = vblk_cfg_read(v, 0x06, 2), at;
    int seen = 0;

    if (status < 0 || !(status & PCI_STATUS_CAPS))
        return fail(v, "no capability list");
    at = vblk_cfg_read(v, 0x34, 1);
    for (int hops = 0; at >= 0x40 && at <= 0xfc && hops < 48; hops++) {
        long id = vblk_cfg_read(v, (uint32_t)at, 1), next = vblk_cfg_read(v, (uint32_t)at + 1, 1);
        long type = vblk_cfg_read(v, (uint32_t)at + 3, 1),
             bar = vblk_cfg_read(v, (uint32_t)at + 4, 1);
        long off = vblk_cfg_read(v, (uint32_t)at + 8, 4),
             len = vblk_cfg_read(v, (uint32_t)at + 12, 4);
        struct vblk_region *r = type == VIRTIO_CAP_COMMON   ? &v->common
                                : type == VIRTIO_CAP_NOTIFY ? &v->notify
                                : type == VIRTIO_CAP_ISR    ? &v->isr
                                : type == VIRTIO_CAP_DEVICE ? &v->devcfg
                                                            : NULL;
        volatile uint8_t *base;
        uint64_t size;

        if (id < 0 || next < 0 || type < 0 || bar < 0 || off < 0 || len < 0)
            return fail(v, "configuration space unreadable");
        /* The first of each type is the one to use (4.1.4); BARs 0-5 only. */
        if (id == PCI_CAP_VENDOR && r && !r->at && bar <= 5 &&
            vblk_bar(v, (uint32_t)bar, &base, &size) == 0 &&
            (uint64_t)off + (uint64_t)len <= size) {
            r->at = base + off;
            r->len = (uint32_t)len;
            seen |= 1 << type;
            if (type == VIRTIO_CAP_NOTIFY) {
                long mult = vblk_cfg_read(v, (uint32_t)at + 16, 4);

                v->notify_mult = mult < 0 ? 0 : (uint32_t)mult;
            }
        }
        at = next & 0xfc;
    }
    if (!v->common.at || v->common.len < CC_LEN || !v->notify.at || !v->devcfg.at ||
        v->devcfg.len < 8)
        return fail(v, "no virtio 1.x capabilities (a legacy-only device)");
    return 0;
}

/* Resets the device and negotiates: VERSION_1 is required, RO, BLK_SIZE
 * and FLUSH taken if offered, nothing else. */
static int
features_negotiate(struct vblk *v)
{
    const struct vblk_region *c = &v->common;
    uint64_t offered;

    v->common.at[CC_STATUS] = 0;
    for (int i = 0; i < 1000 && v->common.at[CC_STATUS] != 0; i++)
        cairn_thread_sleep(100000);
    if (v->common.at[CC_STATUS] != 0)
        return fail(v, "the device does not reset");
    v->common.at[CC_STATUS] = STATUS_ACK;
    v->common.at[CC_STATUS] = STATUS_ACK | STATUS_DRIVER;
    wr32(c, CC_DFSELECT, 0);
    offered = rd32(c, CC_DF);
    wr32(c, CC_DFSELECT, 1);
    offered |= (uint64_t)rd32(c, CC_DF) << 32;
    if (!(offered & F_VERSION_1))
        return fail(v, "no VIRTIO_F_VERSION_1");
    v->features = offered & F_WANTED;
    wr32(c, CC_GFSELECT, 0);
    wr32(c, CC_GF, (uint32_t)v->features);
    wr32(c, CC_GFSELECT, 1);
    wr32(c, CC_GF, (uint32_t)(v->features >> 32));
    v->common.at[CC_STATUS] = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK;
    if (!(v->common.at[CC_STATUS] & STATUS_FEATURES_OK))
        return fail(v, "the device refused our features");
    return 0;
}

/* The disk's geometry from the device configuration, read until its
 * generation holds still (4.1.4.3.1). */
static int
size_read(struct vblk *v)
{
    uint64_t capacity = 0;
    uint32_t blk = 512;
    int tries;

    for (tries = 0; tries < 10; tries++) {
        uint8_t gen = v->common.at[CC_GEN];

        capacity = rd32(&v->devcfg, 0) | (uint64_t)rd32(&v->devcfg, 4) << 32;
        if ((v->features & F_BLK_SIZE) && v->devcfg.len >= 24)
            blk = rd32(&v->devcfg, 20);
        if (v->common.at[CC_GEN] == gen)
            break;
    }
    if (tries == 10)
        return fail(v, "its configuration never holds still");
    if (blk < 512 || blk > 4096 || (blk & (blk - 1)))
        blk = 512; /* a block size we cannot serve: 512-byte sectors it is */
    v->sector_size = blk;
    v->sectors = capacity / (blk / 512);
    if (v->sectors == 0)
        return fail(v, "a disk of no sectors");
    return 0;
}

/* Queue 0 in one page of DMA memory, its vector 0 under MSI-X. */
static int
queue_setup(struct vblk *v)
{
    const struct vblk_region *c = &v->common;
    uint8_t *page;
    uint16_t size, off;
    int err;

    if (rd16(c, CC_NUMQ) < 1)
        return fail(v, "no queue");
    wr16(c, CC_QSELECT, 0);
    size = rd16(c, CC_QSIZE);
    if (size < 3)
        return fail(v, "a queue too small for one request");
    if (size > VBLK_QUEUE_MAX)
        size = VBLK_QUEUE_MAX; /* any size below the device's will do (4.1.4.3.2) */
    err = blkserve_dma_alloc(4096, 0, (void **)&page, &v->page_phys);
    if (err)
        return fail(v, "no DMA memory for the queue");
    v->qsize = size;
    v->nslots = size / 3;
    v->desc = (struct vblk_desc *)(page + Q_DESC);
    v->avail = (volatile uint16_t *)(page + Q_AVAIL);
    v->used = page + Q_USED;
    v->hdr = (struct vblk_req_hdr *)(page + Q_HDR);
    v->status = page + Q_STATUS;
    wr16(c, CC_QSIZE, size);
    wr64(c, CC_QDESC, v->page_phys + Q_DESC);
    wr64(c, CC_QDRIVER, v->page_phys + Q_AVAIL);
    wr64(c, CC_QDEVICE, v->page_phys + Q_USED);
    if (v->msix) {
        wr16(c, CC_MSIX, NO_VECTOR); /* configuration changes: not listened to */
        wr16(c, CC_QMSIX, 0);
        if (rd16(c, CC_QMSIX) != 0) {
            printf("virtio-blk: %s: the device took no MSI-X vector; polling\n", v->name);
            v->msix = 0;
        }
    }
    off = rd16(c, CC_QNOTIFY);
    if ((uint64_t)off * v->notify_mult + 2 > v->notify.len)
        return fail(v, "its queue's notify address is outside its notify structure");
    v->notify_at = v->notify.at + (uint64_t)off * v->notify_mult;
    wr16(c, CC_QENABLE, 1);
    return 0;
}

int
vblk_start(struct vblk *v)
{
    int err = caps_find(v);

    if (!err)
        err = features_negotiate(v);
    if (!err)
        err = size_read(v);
    if (!err)
        err = queue_setup(v);
    if (err)
        return err;
    v->common.at[CC_STATUS] = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
    return 0;
}

/* ---- lib/blkserve's backend ---- */

static int
vblk_submit(void *hw, struct blkserve_io *io)
{
    struct vblk *v = hw;
    uint32_t s = 0, d;

    if (v->dead)
        return -CAIRN_EIO;
    if (io->op == BLKSERVE_OP_FLUSH && !(v->features & F_BLK_FLUSH)) {
        blkserve_complete(io, 0); /* no FLUSH feature: a write-through device (5.2.6.2) */
        return 0;
    }
    while (s < v->nslots && v->slot[s])
        s++;
    if (s == v->nslots)
        return -CAIRN_EIO; /* not reached: lib/blkserve keeps to the depth */
    d = 3 * s;
    v->hdr[s].type = io->op == BLKSERVE_OP_READ    ? REQ_IN
                     : io->op == BLKSERVE_OP_WRITE ? REQ_OUT
                                                   : REQ_FLUSH;
    v->hdr[s].reserved = 0;
    v->hdr[s].sector = io->lba * (v->sector_size / 512);
    v->status[s] = 0xff; /* the device overwrites it */
    v->desc[d] =
        (struct vblk_desc){v->page_phys + Q_HDR + 16 * s, 16, DESC_NEXT, (uint16_t)(d + 1)};
    v->desc[d + 1] = (struct vblk_desc){
        io->phys, io->count * v->sector_size,
        (uint16_t)(DESC_NEXT | (io->op == BLKSERVE_OP_READ ? DESC_WRITE : 0)), (uint16_t)(d + 2)};
    v->desc[d + 2] = (struct vblk_desc){v->page_phys + Q_STATUS + s, 1, DESC_WRITE, 0};
    if (io->op == BLKSERVE_OP_FLUSH)
        v->desc[d].next = (uint16_t)(d + 2);
    v->slot[s] = io;
    io->hw_tag = s;
    v->avail[2 + v->avail_idx % v->qsize] = (uint16_t)d;
    __atomic_store_n(&v->avail[1], (uint16_t)(v->avail_idx + 1), __ATOMIC_RELEASE);
    v->avail_idx++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *(volatile uint16_t *)v->notify_at = 0; /* queue 0 */
    return 0;
}

/* Fails every request in flight and every later one: the device broke the
 * protocol, and its memory is not to be trusted any more. */
static void
vblk_give_up(struct vblk *v, const char *why)
{
    fail(v, why);
    v->dead = 1;
    for (uint32_t s = 0; s < v->nslots; s++) {
        struct blkserve_io *io = v->slot[s];

        v->slot[s] = NULL;
        if (io)
            blkserve_complete(io, -CAIRN_EIO);
    }
}

static void
vblk_service(void *hw, uint64_t bits)
{
    struct vblk *v = hw;
    uint16_t idx;

    (void)bits;
    if (v->irq >= 0 && !v->msix && v->isr.at)
        (void)v->isr.at[0]; /* reading the ISR status deasserts the INTx line (4.1.4.5) */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    idx = __atomic_load_n((volatile uint16_t *)(v->used + 2), __ATOMIC_ACQUIRE);
    if ((uint16_t)(idx - v->used_idx) > v->qsize && !v->dead)
        vblk_give_up(v, "its used ring ran ahead of what was given it");
    while (!v->dead && v->used_idx != idx) {
        volatile uint8_t *e = v->used + 4 + 8 * (v->used_idx % v->qsize);
        uint32_t id = *(volatile uint32_t *)e, s = id / 3;
        struct blkserve_io *io = id % 3 == 0 && s < v->nslots ? v->slot[s] : NULL;

        if (!io) {
            vblk_give_up(v, "it gave back a request it did not have");
            break;
        }
        v->used_idx++;
        v->slot[s] = NULL;
        blkserve_complete(io, v->status[s] == 0 ? 0 : -CAIRN_EIO);
    }
    if (v->irq >= 0)
        cairn_irq_ack(v->irq);
}

const struct blkserve_ops vblk_ops = {vblk_submit, vblk_service};
