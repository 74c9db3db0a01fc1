/* SPDX-License-Identifier: MIT */
/*
 * Memory objects: a fixed number of pages whose frames are allocated,
 * zero-filled, on first touch. Mapped into address spaces by vspace_map();
 * the object owns its frames, so several mappings (in one process or many)
 * share them, and they are freed when the last reference goes.
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

struct memobj {
    struct object obj;
    struct spinlock lock;
    uint64_t npages;  /* [I] */
    uint64_t *frames; /* [l] physical address of each page, 0 until touched */
    bool borrowed;    /* [I] frames belong to someone else (boot modules): never freed */
};

/* A memory object of size bytes (rounded up to pages; 1..MEMOBJ_MAX_SIZE).
 * Returns 0 and the object with one reference, or -CAIRN_EINVAL /
 * -CAIRN_ENOMEM. */
int memobj_create(uint64_t size, struct memobj **out);

/* A memory object over npages existing contiguous frames from phys that
 * it does not own (a boot module's). */
int memobj_create_phys(uint64_t phys, uint64_t npages, struct memobj **out);

/* The frame behind page index page, allocated zeroed on first use; 0 when
 * out of memory or page is out of range. */
uint64_t memobj_frame(struct memobj *m, uint64_t page);

/* What the object can come to occupy: its pages and bookkeeping, in bytes
 * (what a quota is charged for it). */
static inline uint64_t
memobj_footprint(const struct memobj *m)
{
    return m->npages * (4096 + sizeof(uint64_t)) + sizeof(*m);
}

static inline struct memobj *
memobj_from(struct object *o)
{
    return (struct memobj *)o;
}

#endif
