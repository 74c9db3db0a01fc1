/* SPDX-License-Identifier: MIT */
/*
 * The block protocol's server side (include/proto/block.h), shared by
 * every block driver: a driver finds its hardware, describes each disk in a
 * struct blkserve_disk with a small struct blkserve_ops, and hands the
 * library its thread. docs/storage.md tells the story.
 *
 * The library owns everything that does not depend on the hardware: the
 * receive loop, the badges that tell device, partition and channel handles
 * apart, INFO, SHARE (mapping and touching the client's buffer), the
 * argument and range checks of READ, WRITE and FLUSH (a partition's offset
 * added), PART_LIST and PART_OPEN through lib/part, CLOSE and close
 * notices, the bounds on channels and partitions, and deferred replies
 * (ipc_reply_save), so that many requests are in flight at once and each is
 * answered when its I/O is done, in any order.
 *
 * The backend (the hardware driver) sees only I/Os: an operation, the first
 * sector on the whole disk, a count, and a buffer in DMA memory the library
 * allocated (its mapped address and its physical address, one contiguous
 * block). Client buffers are memory objects with no physical address, so
 * the library bounces: a write is copied from the channel's buffer into the
 * I/O's DMA buffer before submit, a read from the DMA buffer into the
 * channel's buffer at completion (one function does both).
 *
 * Threads: one. blkserve_run runs on the thread that called blkserve_init,
 * which binds the library's notification to itself; the backend binds its
 * interrupts (irq_bind) to bits of that notification (blkserve_bits), and
 * the library calls ops->service with those bits from the same receive
 * that takes requests. So submit, service and blkserve_complete all run on
 * that one thread, one at a time, and neither side needs a lock. A backend
 * must not call into the library from any other thread.
 *
 * Invariants: a disk never has more than its `depth` I/Os submitted and not
 * completed; an I/O is completed exactly once; a request's reply is sent
 * exactly once (ipc_reply or ipc_reply_to), after its I/O completed; a
 * channel's mapping stays until it is closed and its last I/O completed; a
 * badge the library no longer knows (a closed handle, a reused slot: each
 * slot's generation changes at every use) gets -CAIRN_EBADF.
 */
#ifndef CAIRN_LIB_BLKSERVE_H
#define CAIRN_LIB_BLKSERVE_H

#include <stddef.h>
#include <stdint.h>

#include <proto/block.h>

/* Bounds (the driver's own, as proto/block.h lets it state them). */
#define BLKSERVE_DISKS_MAX    8           /* disks one driver process serves */
#define BLKSERVE_DEPTH_MAX    16          /* I/Os in flight per disk */
#define BLKSERVE_IO_BYTES     (64u << 10) /* one I/O's DMA buffer: INFO's w[4] in bytes */
#define BLKSERVE_CHANNELS_MAX 64          /* channels open in all */
#define BLKSERVE_CHANNELS_PER 16          /* channels open on one device or partition */
#define BLKSERVE_PARTS_MAX    32          /* partition handles open in all */
#define BLKSERVE_BUF_MAX      (4u << 20)  /* a channel's largest buffer (SHARE's w[1]) */
#define BLKSERVE_POLL_NS      1000000ull  /* how often a polled disk's service is called */

_Static_assert(BLKSERVE_BUF_MAX >= PROTO_BLOCK_SHARE_LIMIT_MIN, "the protocol's minimum");

struct blkserve_dev; /* the library's state of one disk */

/* What an I/O asks of the device. */
enum blkserve_op {
    BLKSERVE_OP_READ = 1,  /* count sectors from lba into buf */
    BLKSERVE_OP_WRITE = 2, /* count sectors from buf to lba */
    BLKSERVE_OP_FLUSH = 3, /* the device's whole write cache to stable storage; count 0, buf NULL */
};

/*
 * One I/O, handed to ops->submit and given back with blkserve_complete.
 * The library fills in the first block and keeps it unchanged until the
 * completion; the backend may use `hw_tag` as it likes (a slot or command
 * number) and must not touch the rest.
 */
struct blkserve_io {
    /* For the backend: read-only. */
    enum blkserve_op op;
    uint32_t count; /* sectors, 1..the disk's max_sectors; 0 for FLUSH */
    uint64_t lba;   /* the first sector on the whole disk (a partition's offset added) */
    void *buf;      /* count * sector_size bytes of DMA memory, mapped write-back */
    uint64_t phys;  /* buf's physical address; the block is contiguous */
    /* The backend's own, between submit and completion. */
    uint64_t hw_tag;
    /* The library's: the disk, and what to do at completion. */
    struct blkserve_dev *dev;
    long reply;        /* a saved reply (ipc_reply_save), or -1: the library's own I/O */
    int chan;          /* the channel whose buffer a READ fills, or -1 */
    uint64_t chan_off; /* where in that buffer */
    int result;        /* 1 while in flight; then 0 or a negative CAIRN_E* code */
    int busy;          /* 1 from submit to completion */
};

/*
 * The backend's two functions; both are called on the library's thread
 * only (see the top of this file).
 *
 * submit starts io on the device and returns 0; the backend then calls
 * blkserve_complete(io, result) exactly once, from submit itself (an I/O
 * done at once, a FLUSH on a device with no write cache) or later from
 * service. It is never called with more than the disk's `depth` I/Os
 * outstanding. A negative return (-CAIRN_EIO: the device is gone) means
 * nothing was started and blkserve_complete must not be called: the
 * library fails the request with that code.
 *
 * service is called when any of the disk's `irq_bits` came in the
 * library's notification (bits: those of them that came), and, for a
 * disk with `poll` set, with bits 0 every BLKSERVE_POLL_NS while it has
 * I/Os outstanding. It finds the I/Os the device finished, calls
 * blkserve_complete for each with 0 or -CAIRN_EIO, and acknowledges its
 * interrupt (irq_ack) once the cause is cleared. A spurious call (nothing
 * done) is harmless.
 */
struct blkserve_ops {
    int (*submit)(void *hw, struct blkserve_io *io);
    void (*service)(void *hw, uint64_t bits);
};

/* A disk, as the backend describes it to blkserve_add_disk (copied). */
struct blkserve_disk {
    const char *name;                  /* the registry name: "vblk0", "ahci0" */
    char model[PROTO_BLOCK_MODEL_MAX]; /* INFO's string: "virtio-blk", "QEMU HARDDISK" */
    uint32_t sector_size;              /* 512 or 4096 (a power of two, 512..4096) */
    uint64_t sectors;                  /* the disk's size in sectors, at least 1 */
    uint32_t flags;                    /* PROTO_BLOCK_RDONLY: writes get -CAIRN_EROFS */
    uint32_t depth;                    /* I/Os the device takes at once, 1..BLKSERVE_DEPTH_MAX */
    uint32_t max_sectors;              /* the most one I/O may move (the library takes
                                        * at most BLKSERVE_IO_BYTES / sector_size) */
    uint64_t irq_bits;                 /* from blkserve_bits: its interrupts' bits */
    int poll;                          /* no interrupt (or a lost one): call service
                                        * every BLKSERVE_POLL_NS while busy */
    const struct blkserve_ops *ops;
    void *hw; /* the backend's own, passed to ops */
};

/*
 * Sets the library up on the calling thread: its endpoint, its
 * notification (bound to this thread), and dma_range, a physical range
 * resource with MANAGE from which every DMA buffer is made
 * (memobj_create_dma; the range's addresses themselves are not used).
 * Call once, before anything else. 0 or a negative CAIRN_E* code.
 */
int blkserve_init(long dma_range);

/* The library's notification (SIGNAL), for the backend's irq_bind. */
long blkserve_notification(void);

/* n (1..8) bits of the notification that no one has yet, for one disk's
 * interrupts; 0 when they are used up. */
uint64_t blkserve_bits(unsigned n);

/*
 * DMA memory for the backend's own structures (queues, command tables):
 * size bytes (whole pages, at most CAIRN_DMA_MAX_SIZE, below 4 GiB if
 * low32), zeroed, mapped write-back at *virt, its physical address in
 * *phys. 0 or a negative CAIRN_E* code. Kept for the process's life.
 */
int blkserve_dma_alloc(uint64_t size, int low32, void **virt, uint64_t *phys);

/*
 * Adds a disk: allocates its I/Os' DMA buffers (depth * BLKSERVE_IO_BYTES,
 * below 4 GiB), mints its device handle and registers it under d->name
 * (the registry rights are the manifest's). The device is served from the
 * moment blkserve_run runs. 0 or a negative CAIRN_E* code: -CAIRN_EINVAL
 * for a description outside the bounds above, -CAIRN_EMFILE past
 * BLKSERVE_DISKS_MAX, the registry's error.
 */
int blkserve_add_disk(const struct blkserve_disk *d);

/*
 * Ends io with result (0, or a negative CAIRN_E* code, -CAIRN_EIO for a
 * device error): copies a READ's data to its channel, answers its request
 * and frees the I/O for the next. Only from submit or service, once per
 * submitted I/O.
 */
void blkserve_complete(struct blkserve_io *io, int result);

/* The receive loop; returns only on a fatal error (the endpoint gone),
 * with its code. */
int blkserve_run(void);

/*
 * The pure parts, tested on the host (tests/host/test_blkserve.c).
 *
 * A badge: the kind of handle (BLKSERVE_KIND_*) in bits 56-63, the disk's
 * index in 48-55, the slot (a channel's or partition's index, 0 for a
 * device) in 32-47, the slot's generation in 0-31. No badge the library
 * mints is 0, so badge 0 (the bare endpoint) is no handle.
 */
#define BLKSERVE_KIND_DEVICE    1u
#define BLKSERVE_KIND_PARTITION 2u
#define BLKSERVE_KIND_CHANNEL   3u

struct blkserve_badge {
    uint32_t kind, disk, slot, gen;
};

uint64_t blkserve_badge_make(uint32_t kind, uint32_t disk, uint32_t slot, uint32_t gen);
/* 0, or -CAIRN_EBADF for a kind that is none of the above. */
int blkserve_badge_parse(uint64_t badge, struct blkserve_badge *b);

/*
 * Checks a READ's or WRITE's arguments against a handle's range (first
 * and sectors, on the whole disk) and a channel's buffer of buf_size
 * bytes: the count 1..max_sectors, the offset a multiple of sector_size,
 * offset + count * sector_size within the buffer (-CAIRN_EINVAL), the
 * range [lba, lba + count) inside [0, sectors) (-CAIRN_ERANGE). On 0,
 * *disk_lba is first + lba. No overflow on any input.
 */
int blkserve_check_rw(uint64_t first, uint64_t sectors, uint32_t sector_size, uint32_t max_sectors,
                      uint64_t buf_size, uint64_t lba, uint64_t count, uint64_t offset,
                      uint64_t *disk_lba);

#endif
