// SPDX-License-Identifier: MIT
/*
 * kmalloc: size classes over slab caches, whole pages beyond them (the
 * layout and costs are in kmalloc.h).
 *
 * A large allocation is returned at page + KMALLOC_LARGE_HEADER, while no
 * slab object can sit that close to its page start (the slab header is
 * larger), so an offset of exactly KMALLOC_LARGE_HEADER plus the magic in
 * the header identifies a large block. Anything else must be an object of
 * one of our caches, which slab_cache_of and slab_free verify.
 */
#include <stdbool.h>
#include <stdint.h>

#include "common/string.h"
#include "lib/log.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"

#define KMALLOC_CLASSES     8 /* 16, 32, ..., 2048 */
#define KMALLOC_MIN_SHIFT   4
#define KMALLOC_LARGE_MAGIC 0x6b6d4c47u
#define KMALLOC_MAX_ORDER   40 /* far beyond any real request: keeps shifts defined */

struct kmalloc_large {
    uint32_t magic; /* KMALLOC_LARGE_MAGIC while allocated */
    uint32_t order;
    uint64_t reserved; /* pads the header to KMALLOC_LARGE_HEADER, keeping 16-byte alignment */
};

_Static_assert(sizeof(struct kmalloc_large) == KMALLOC_LARGE_HEADER, "header size");
_Static_assert((KMALLOC_MIN_SMALL << (KMALLOC_CLASSES - 1)) == KMALLOC_MAX_SMALL, "classes");

static struct slab_cache kmalloc_caches[KMALLOC_CLASSES];
static const char *const kmalloc_names[KMALLOC_CLASSES] = {
    "kmalloc-16",  "kmalloc-32",  "kmalloc-64",   "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static bool kmalloc_ready; /* set once at boot, before other CPUs run */

void
kmalloc_init(void)
{
    for (unsigned i = 0; i < KMALLOC_CLASSES; i++)
        slab_cache_init(&kmalloc_caches[i], kmalloc_names[i], (size_t)KMALLOC_MIN_SMALL << i, 16);
    kmalloc_ready = true;
}

static struct slab_cache *
kmalloc_class_of(const void *p)
{
    struct slab_cache *c = slab_cache_of(p);

    for (unsigned i = 0; c && i < KMALLOC_CLASSES; i++) {
        if (c == &kmalloc_caches[i])
            return c;
    }
    return NULL;
}

static struct kmalloc_large *
kmalloc_large_of(const void *p)
{
    uintptr_t off = (uintptr_t)p & (SLAB_PAGE_SIZE - 1);
    struct kmalloc_large *h = (struct kmalloc_large *)((uintptr_t)p - KMALLOC_LARGE_HEADER);

    if (off != KMALLOC_LARGE_HEADER || h->magic != KMALLOC_LARGE_MAGIC)
        return NULL;
    return h;
}

void *
kmalloc(size_t size)
{
    struct kmalloc_large *h;
    unsigned order = 0;

    if (size == 0)
        return NULL;
    if (!kmalloc_ready) {
        log_error("kmalloc: called before kmalloc_init");
        return NULL;
    }
    if (size <= KMALLOC_MAX_SMALL) {
        unsigned i = 0;

        while (((size_t)KMALLOC_MIN_SMALL << i) < size)
            i++;
        return slab_alloc(&kmalloc_caches[i]);
    }

    while (((size_t)SLAB_PAGE_SIZE << order) - KMALLOC_LARGE_HEADER < size) {
        if (++order > KMALLOC_MAX_ORDER)
            return NULL;
    }
    h = kmalloc_pages_alloc(order);
    if (!h)
        return NULL;
    h->magic = KMALLOC_LARGE_MAGIC;
    h->order = order;
    h->reserved = 0;
    return (unsigned char *)h + KMALLOC_LARGE_HEADER;
}

void *
kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void
kfree(void *p)
{
    struct kmalloc_large *h;
    struct slab_cache *c;

    if (!p)
        return;
    h = kmalloc_large_of(p);
    if (h) {
        unsigned order = h->order;

        h->magic = 0;
        kmalloc_pages_free(h, order);
        return;
    }
    c = kmalloc_class_of(p);
    if (!c) {
        kbug("kfree: %p was not allocated by kmalloc", p);
        return;
    }
    slab_free(c, p);
}

size_t
kmalloc_usable_size(void *p)
{
    struct kmalloc_large *h;
    struct slab_cache *c;

    if (!p)
        return 0;
    h = kmalloc_large_of(p);
    if (h)
        return ((size_t)SLAB_PAGE_SIZE << h->order) - KMALLOC_LARGE_HEADER;
    c = kmalloc_class_of(p);
    if (!c) {
        kbug("kmalloc_usable_size: %p was not allocated by kmalloc", p);
        return 0;
    }
    return c->obj_size;
}

void
kmalloc_shrink(void)
{
    for (unsigned i = 0; i < KMALLOC_CLASSES; i++)
        slab_cache_shrink(&kmalloc_caches[i]);
}
