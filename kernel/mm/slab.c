// SPDX-License-Identifier: MIT
/*
 * Slab allocator (the design is described in slab.h).
 *
 * Page layout:
 *     +-------------+---------+------+------+-----+------+------+
 *     | struct slab | padding | obj0 | obj1 | ... | objN | tail |
 *     +-------------+---------+------+------+-----+------+------+
 *     ^ page start  ^ first_offset (aligned)
 *
 * A slab's list follows from its count: inuse == 0 is the cached empty
 * slab, inuse == objs_per_slab is on full, anything between is on partial.
 * Every change of inuse moves the slab accordingly, under the cache lock.
 * The magic and cache fields never change while the page is a slab, so a
 * free may read them before taking the lock.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/log.h"
#include "mm/slab.h"

#define SLAB_MAGIC    0x51ab0c1eu
#define SLAB_MAX_OBJS 512u /* a page of SLAB_MIN_ALIGN objects, header aside */

struct slab {
    uint32_t magic;                    /* [I] SLAB_MAGIC while the page is a slab */
    uint32_t inuse;                    /* [l] objects allocated */
    struct slab_cache *cache;          /* [I] owner */
    struct slab *next, *prev;          /* [l] on the owner's partial or full list */
    void *free;                        /* [l] first free object; each holds the next */
    uint64_t used[SLAB_MAX_OBJS / 64]; /* [l] one bit per allocated object */
};

_Static_assert(sizeof(struct slab) < SLAB_PAGE_SIZE / 2, "slab header too large");
_Static_assert(SLAB_PAGE_SIZE / SLAB_MIN_ALIGN <= SLAB_MAX_OBJS, "bitmap too small");

static void
slab_list_add(struct slab **head, struct slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void
slab_list_del(struct slab **head, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/*
 * The counters change under the lock but are read without it, so both sides
 * use atomics; relaxed order is enough for statistics.
 */
static inline void
slab_count(size_t *counter, int delta)
{
    __atomic_store_n(counter, *counter + (size_t)(ptrdiff_t)delta, __ATOMIC_RELAXED);
}

static inline struct slab *
slab_of(const void *obj)
{
    return (struct slab *)((uintptr_t)obj & ~(uintptr_t)(SLAB_PAGE_SIZE - 1));
}

static inline void *
slab_obj(const struct slab_cache *c, struct slab *s, unsigned i)
{
    return (unsigned char *)s + c->first_offset + (size_t)i * c->obj_size;
}

void
slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size, size_t align)
{
    size_t size;

    spin_init(&c->lock);
    c->name = name;
    c->partial = c->full = c->empty = NULL;
    c->pages = 0;
    c->objects = 0;
    c->objs_per_slab = 0;

    if (align & (align - 1)) {
        c->align = align;
        c->obj_size = obj_size;
        c->first_offset = 0;
        log_error("slab %s: alignment %zu is not a power of two", name, align);
        return;
    }
    if (align < SLAB_MIN_ALIGN)
        align = SLAB_MIN_ALIGN;
    c->align = align;
    c->first_offset = (sizeof(struct slab) + align - 1) & ~(align - 1);

    if (obj_size == 0 || obj_size > SLAB_PAGE_SIZE || align > SLAB_PAGE_SIZE ||
        c->first_offset >= SLAB_PAGE_SIZE) {
        c->obj_size = obj_size;
        log_error("slab %s: objects of %zu bytes aligned to %zu do not fit a slab", name, obj_size,
                  align);
        return;
    }
    size = (obj_size + align - 1) & ~(align - 1);
    c->obj_size = size;
    if (size > SLAB_PAGE_SIZE - c->first_offset) {
        log_error("slab %s: objects of %zu bytes aligned to %zu do not fit a slab", name, obj_size,
                  align);
        return;
    }
    c->objs_per_slab = (unsigned)((SLAB_PAGE_SIZE - c->first_offset) / size);
}

/* Turns a fresh page into an empty slab whose free list runs in address order. */
static struct slab *
slab_create(struct slab_cache *c, void *page)
{
    struct slab *s = page;

    s->magic = SLAB_MAGIC;
    s->inuse = 0;
    s->cache = c;
    s->next = s->prev = NULL;
    s->free = NULL;
    for (unsigned i = 0; i < SLAB_MAX_OBJS / 64; i++)
        s->used[i] = 0;
    for (unsigned i = c->objs_per_slab; i-- > 0;) {
        void **obj = slab_obj(c, s, i);

        *obj = s->free;
        s->free = obj;
    }
    return s;
}

void *
slab_alloc(struct slab_cache *c)
{
    struct slab *s;
    void **obj;
    unsigned i;
    bool irq;

    if (c->objs_per_slab == 0)
        return NULL;

    irq = spin_lock_irqsave(&c->lock);
    if (c->partial) {
        s = c->partial;
        slab_list_del(&c->partial, s);
    } else if (c->empty) {
        s = c->empty;
        c->empty = NULL;
    } else {
        void *page;

        /* The page provider may block or take its own locks: drop ours. */
        spin_unlock_irqrestore(&c->lock, irq);
        page = slab_page_alloc();
        if (!page)
            return NULL;
        if ((uintptr_t)page & (SLAB_PAGE_SIZE - 1)) {
            kbug("slab %s: page provider returned unaligned %p", c->name, page);
            return NULL;
        }
        s = slab_create(c, page);
        irq = spin_lock_irqsave(&c->lock);
        slab_count(&c->pages, 1);
    }

    obj = s->free;
    s->free = *obj;
    i = (unsigned)(((uintptr_t)obj - (uintptr_t)s - c->first_offset) / c->obj_size);
    s->used[i / 64] |= (uint64_t)1 << (i % 64);
    s->inuse++;
    slab_count(&c->objects, 1);
    slab_list_add(s->inuse == c->objs_per_slab ? &c->full : &c->partial, s);
    spin_unlock_irqrestore(&c->lock, irq);
    return obj;
}

struct slab_cache *
slab_cache_of(const void *obj)
{
    struct slab *s = slab_of(obj);

    if (!obj || s->magic != SLAB_MAGIC)
        return NULL;
    return s->cache;
}

void
slab_free(struct slab_cache *c, void *obj)
{
    struct slab *s = slab_of(obj);
    struct slab *release = NULL;
    uintptr_t off;
    unsigned i;
    uint64_t bit;
    bool irq;

    if (!obj)
        return;
    if (s->magic != SLAB_MAGIC || s->cache != c) {
        kbug("slab %s: free of %p, which is not from this cache (%s)", c->name, obj,
             s->magic == SLAB_MAGIC ? s->cache->name : "not a slab");
        return;
    }
    off = (uintptr_t)obj - (uintptr_t)s;
    if (off < c->first_offset || (off - c->first_offset) % c->obj_size ||
        (off - c->first_offset) / c->obj_size >= c->objs_per_slab) {
        kbug("slab %s: free of %p, which is not the start of an object", c->name, obj);
        return;
    }
    i = (unsigned)((off - c->first_offset) / c->obj_size);
    bit = (uint64_t)1 << (i % 64);

    irq = spin_lock_irqsave(&c->lock);
    if (!(s->used[i / 64] & bit)) {
        spin_unlock_irqrestore(&c->lock, irq);
        kbug("slab %s: double free of %p", c->name, obj);
        return;
    }
    s->used[i / 64] &= ~bit;
    *(void **)obj = s->free;
    s->free = obj;
    slab_list_del(s->inuse == c->objs_per_slab ? &c->full : &c->partial, s);
    s->inuse--;
    slab_count(&c->objects, -1);
    if (s->inuse > 0) {
        slab_list_add(&c->partial, s);
    } else if (!c->empty) {
        c->empty = s;
    } else {
        release = s;
        slab_count(&c->pages, -1);
    }
    spin_unlock_irqrestore(&c->lock, irq);

    if (release) {
        release->magic = 0; /* a stale pointer into it is no longer a slab */
        slab_page_free(release);
    }
}

size_t
slab_cache_pages(const struct slab_cache *c)
{
    return __atomic_load_n(&c->pages, __ATOMIC_RELAXED);
}

size_t
slab_cache_objects(const struct slab_cache *c)
{
    return __atomic_load_n(&c->objects, __ATOMIC_RELAXED);
}

void
slab_cache_shrink(struct slab_cache *c)
{
    struct slab *s;
    bool irq;

    irq = spin_lock_irqsave(&c->lock);
    s = c->empty;
    c->empty = NULL;
    if (s)
        slab_count(&c->pages, -1);
    spin_unlock_irqrestore(&c->lock, irq);

    if (s) {
        s->magic = 0;
        slab_page_free(s);
    }
}
