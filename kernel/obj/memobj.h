/* SPDX-License-Identifier: MIT */
/*
 * Memory objects: a fixed number of pages whose frames are allocated,
 * zero-filled, on first touch. Mapped into address spaces by vspace_map();
 * the object owns its frames, so several mappings (in one process or many)
 * share them, and they are freed when the last reference goes.
 *
 * Device and DMA memory objects (memobj_create_device, memobj_create_dma)
 * are one contiguous physical range instead: device memory that no one
 * owns (never freed), or a block of RAM allocated whole at creation and
 * freed with the object. Their frames are phys + page * PAGE_SIZE, they
 * carry the cache type their mappings use, and their physical address is
 * what a driver gives its device (memobj_phys_addr).
 *
 * Lock legend: [I] immutable after creation, [l] the object's lock.
 */
#ifndef CAIRN_OBJ_MEMOBJ_H
#define CAIRN_OBJ_MEMOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "obj/object.h"

#define MEMOBJ_MAX_SIZE (1ull << 32) /* 4 GiB: larger requests are refused */

#define MEMOBJ_LEAF_FRAMES 512 /* frame addresses in one page of the frame table */

/*
 * The frame table of a MEMOBJ_PAGES object: one array of npages entries up
 * to MEMOBJ_LEAF_FRAMES pages; above that, an array of leaves, each one
 * page of MEMOBJ_LEAF_FRAMES entries allocated when a page in its range is
 * first touched. So no allocation is larger than a few pages even for a
 * 4 GiB object, and a sparse object costs little.
 */
struct memobj {
    struct object obj;
    struct spinlock lock;
    uint64_t npages; /* [I] */
    union {
        uint64_t *frames; /* [l] npages <= MEMOBJ_LEAF_FRAMES: each page's frame, 0 until touched */
        uint64_t **leaves; /* [l] otherwise: the leaves, NULL until touched */
    };
    bool borrowed;  /* [I] frames belong to someone else (boot modules): never freed */
    bool on_touch;  /* [I] each frame and leaf is charged to obj.quota when allocated */
    uint8_t kind;   /* [I] MEMOBJ_* */
    uint8_t order;  /* [I] MEMOBJ_DMA: the block is 2^order pages */
    uint64_t phys;  /* [I] MEMOBJ_DEVICE, MEMOBJ_DMA: the first page (frames is NULL) */
    uint64_t cache; /* [I] PTE_CACHE_* bits its mappings carry (0: write-back) */
};

enum memobj_kind {
    MEMOBJ_PAGES = 0,  /* frames allocated on first touch (or borrowed) */
    MEMOBJ_DEVICE = 1, /* device memory at phys; nothing to free */
    MEMOBJ_DMA = 2,    /* a zeroed block of RAM at phys, freed with the object */
};

/* A memory object of size bytes (rounded up to pages; 1..MEMOBJ_MAX_SIZE),
 * charged in full to q (memobj_footprint) before anything is allocated, so
 * that a first touch never fails for want of quota. Returns 0 and the
 * object with one reference, or -CAIRN_EINVAL / -CAIRN_ENOMEM. */
int memobj_create(uint64_t size, struct quota *q, struct memobj **out);

/* The same, charged as it grows: q pays for the object's bookkeeping now
 * (memobj_base_bytes) and for each frame (and each leaf of the frame table)
 * when a first touch allocates it. A touch q cannot pay for finds no frame
 * (memobj_frame returns 0): a fault there is a fault, and a system call
 * copying there fails with EFAULT. What lets a heap or a file reserve
 * much and pay for what it uses. */
int memobj_create_on_touch(uint64_t size, struct quota *q, struct memobj **out);

/* A memory object over npages existing contiguous frames from phys that
 * it does not own (a boot module's). */
int memobj_create_phys(uint64_t phys, uint64_t npages, struct memobj **out);

/* A memory object over npages of device memory from phys (page-aligned;
 * the caller has checked the range) mapped with cache (PTE_CACHE_*).
 * -CAIRN_EINVAL for 0 pages or more than MEMOBJ_MAX_SIZE, -CAIRN_ENOMEM. */
int memobj_create_device(uint64_t phys, uint64_t npages, uint64_t cache, struct memobj **out);

/* A memory object over npages (1..1024) of zeroed, physically contiguous
 * RAM, a buddy block of the next power of two (below 4 GiB if below_4g),
 * mapped write-back, charged in full to q before the block is taken.
 * -CAIRN_EINVAL, or -CAIRN_ENOMEM when q is spent or no such block is
 * free. */
int memobj_create_dma(uint64_t npages, bool below_4g, struct quota *q, struct memobj **out);

/* The physical address of byte offset of a device or DMA object: 0 and
 * *phys, or -CAIRN_EINVAL (another kind of object), -CAIRN_ERANGE
 * (offset past the end). */
int memobj_phys_addr(const struct memobj *m, uint64_t offset, uint64_t *phys);

/* The frame behind page index page, allocated zeroed on first use; 0 when
 * out of memory or page is out of range. */
uint64_t memobj_frame(struct memobj *m, uint64_t page);

/* The bytes the frame table of an npages object can come to occupy. */
static inline uint64_t
memobj_table_bytes(uint64_t npages)
{
    uint64_t leaves = (npages + MEMOBJ_LEAF_FRAMES - 1) / MEMOBJ_LEAF_FRAMES;

    if (npages <= MEMOBJ_LEAF_FRAMES)
        return npages * sizeof(uint64_t);
    return leaves * (sizeof(uint64_t *) + MEMOBJ_LEAF_FRAMES * sizeof(uint64_t));
}

/* What an object charged on touch pays at creation: itself and the top
 * of its frame table (the leaves come with the pages). */
static inline uint64_t
memobj_base_bytes(uint64_t npages)
{
    uint64_t leaves = (npages + MEMOBJ_LEAF_FRAMES - 1) / MEMOBJ_LEAF_FRAMES;

    return sizeof(struct memobj) +
           (npages <= MEMOBJ_LEAF_FRAMES ? npages : leaves) * sizeof(uint64_t);
}

/* What the object can come to occupy: its pages and bookkeeping, in bytes
 * (what a quota is charged for it in full at creation, unless it is charged
 * on touch). */
static inline uint64_t
memobj_footprint(const struct memobj *m)
{
    if (m->kind == MEMOBJ_DEVICE)
        return sizeof(*m);
    if (m->kind == MEMOBJ_DMA)
        return (4096ull << m->order) + sizeof(*m);
    return m->npages * 4096 + memobj_table_bytes(m->npages) + sizeof(*m);
}

static inline struct memobj *
memobj_from(struct object *o)
{
    return (struct memobj *)o;
}

#endif
