/* SPDX-License-Identifier: MIT */
/*
 * Slab allocator: caches of fixed-size kernel objects.
 *
 * A slab is one 4 KiB page: a header (struct slab, private to slab.c) at
 * the start, then objects at a fixed stride. Because the header sits at the
 * page boundary, slab_free finds an object's slab by rounding its address
 * down, with no lookup structure. Free objects inside a slab are chained
 * through their first word; a bitmap in the header records which objects
 * are allocated, so double frees and frees of never-allocated slots are
 * caught. Each cache keeps its slabs on three lists by how full they are,
 * allocates from partial slabs first, and keeps at most one empty slab so a
 * pattern of alloc/free at a slab boundary does not trade pages back and
 * forth with the page allocator; further empty slabs are returned at once.
 *
 * Pages come from the embedder (see below) and are requested with the
 * cache's lock dropped, so the page allocator may take its own locks.
 *
 * Lock legend: [l] written under c->lock, [a] read atomically without it,
 * [I] immutable after slab_cache_init.
 */
#ifndef CAIRN_MM_SLAB_H
#define CAIRN_MM_SLAB_H

#include <stddef.h>

#include "lib/spinlock.h"

#define SLAB_PAGE_SIZE 4096u
#define SLAB_MIN_ALIGN 8u /* a free object holds a pointer */

struct slab;

struct slab_cache {
    struct spinlock lock;
    const char *name;       /* [I] for messages */
    size_t obj_size;        /* [I] stride: the size rounded up to align */
    size_t align;           /* [I] power of two, at least SLAB_MIN_ALIGN */
    size_t first_offset;    /* [I] offset of object 0 from the page start */
    unsigned objs_per_slab; /* [I] 0 when an object cannot fit in a slab */
    struct slab *partial;   /* [l] slabs with free and allocated objects */
    struct slab *full;      /* [l] slabs with no free object */
    struct slab *empty;     /* [l] at most one slab with nothing allocated */
    size_t pages;           /* [l,a] slabs held, cached empty one included */
    size_t objects;         /* [l,a] objects allocated */
};

/*
 * Provided by the embedder: a 4096-aligned 4 KiB page (or NULL when memory
 * is exhausted), and its return. Called without any cache lock held.
 */
void *slab_page_alloc(void);
void slab_page_free(void *page);

/*
 * Sets up an empty cache of objects of obj_size bytes aligned to align (0
 * means SLAB_MIN_ALIGN, smaller values are raised to it). The cache may
 * live in static storage. An alignment that is not a power of two, or a size
 * and alignment that leave no room for one object in a page, is logged and
 * leaves a cache whose slab_alloc always fails.
 */
void slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size, size_t align);

/* An object, or NULL when the page provider fails. Takes c->lock. */
void *slab_alloc(struct slab_cache *c);

/*
 * Returns obj to its cache; NULL is ignored. A pointer that is not an
 * allocated object of c (another cache's, inside an object, already free)
 * is logged and ignored. obj must lie in a page that is a slab or that the
 * kernel can at least read. Takes c->lock.
 */
void slab_free(struct slab_cache *c, void *obj);

/* The cache an object belongs to, or NULL when obj is not in a slab page. */
struct slab_cache *slab_cache_of(const void *obj);

size_t slab_cache_pages(const struct slab_cache *c);
size_t slab_cache_objects(const struct slab_cache *c);

/* Returns the cached empty slab, if any, to the page provider. */
void slab_cache_shrink(struct slab_cache *c);

#endif
