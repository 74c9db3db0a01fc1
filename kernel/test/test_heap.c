// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of kmalloc and the slab allocator over real frames:
 * exhausting the heap fails cleanly and freeing everything gives every
 * frame back.
 */
#include "arch/x86_64/layout.h"
#include "common/string.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"

struct chain {
    struct chain *next;
};

/* Allocate objects of size bytes until kmalloc fails, then free them all.
 * order is the buddy order one allocation of that size needs at most. */
static void
heap_exhaust(size_t size, unsigned order)
{
    struct chain *head = NULL, *c;
    uint64_t before, count = 0;

    kmalloc_shrink(); /* empty slabs cached by earlier tests would skew the count */
    before = frame_free_count();

    while ((c = kmalloc(size)) != NULL) {
        c->next = head;
        head = c;
        count++;
    }
    KTEST_EXPECT(count > 0, "no %zu-byte allocation succeeded", size);
    /* kmalloc may fail only when no block of the order it needs is left
     * (single frames may remain: fragments too small for it). */
    uint64_t spare = frame_alloc(order);
    KTEST_EXPECT(spare == 0, "kmalloc(%zu) failed while an order-%u block was free", size, order);
    if (spare)
        frame_free(spare, order);
    while (head) {
        c = head->next;
        kfree(head);
        head = c;
    }
    kmalloc_shrink();
    KTEST_EXPECT(frame_free_count() == before, "kmalloc(%zu): %lu frames free, %lu before", size,
                 frame_free_count(), before);
}

KTEST(kmalloc_small_exhaust_then_free_restores_frames)
{
    /* Filling 4 GiB with small objects takes minutes under emulation, so
     * large allocations first take every block they can; small objects
     * (from slabs, single pages) then exhaust what is left. */
    struct chain *big = NULL, *small = NULL, *c;
    uint64_t before, nsmall = 0;

    kmalloc_shrink();
    before = frame_free_count();
    while ((c = kmalloc(3 * PAGE_SIZE)) != NULL) {
        c->next = big;
        big = c;
    }
    /* Give one block back, so the small objects have room whatever
     * fragments the large ones happened to leave. */
    if (big) {
        c = big->next;
        kfree(big);
        big = c;
    }
    while ((c = kmalloc(64)) != NULL) {
        c->next = small;
        small = c;
        nsmall++;
    }
    KTEST_EXPECT(nsmall > 0, "no small object fitted in the fragments");
    uint64_t spare = frame_alloc(0);
    KTEST_EXPECT(spare == 0, "kmalloc(64) failed while a frame was free");
    if (spare)
        frame_free(spare, 0);
    for (struct chain *lists[2] = {small, big}, **l = lists; l < lists + 2; l++) {
        while (*l) {
            c = (*l)->next;
            kfree(*l);
            *l = c;
        }
    }
    kmalloc_shrink();
    KTEST_EXPECT(frame_free_count() == before, "%lu frames free, %lu before", frame_free_count(),
                 before);
}

KTEST(kmalloc_large_exhaust_then_free_restores_frames)
{
    heap_exhaust(3 * PAGE_SIZE, 2); /* 3 pages + header: an order-2 block */
}

KTEST(kmalloc_objects_do_not_overlap)
{
    enum {
        N = 200
    };
    static uint8_t *objs[N];
    bool intact = true;

    for (unsigned i = 0; i < N; i++) {
        size_t size = 16u << (i % 8); /* 16 .. 2048 */
        objs[i] = kmalloc(size);
        KTEST_EXPECT(objs[i] != NULL, "allocation %u failed", i);
        if (objs[i])
            memset(objs[i], (int)i, size);
    }
    for (unsigned i = 0; i < N; i++) {
        size_t size = 16u << (i % 8);
        for (size_t j = 0; objs[i] && j < size; j++)
            intact &= objs[i][j] == (uint8_t)i;
        kfree(objs[i]);
    }
    KTEST_EXPECT(intact, "an object was overwritten by another");
}

KTEST(slab_cache_returns_pages_when_empty)
{
    static struct slab_cache cache;
    enum {
        N = 1000
    };
    static void *objs[N];
    uint64_t before = frame_free_count();

    slab_cache_init(&cache, "ktest", 96, 16);
    for (unsigned i = 0; i < N; i++) {
        objs[i] = slab_alloc(&cache);
        KTEST_EXPECT(objs[i] && (uintptr_t)objs[i] % 16 == 0, "object %u bad: %p", i, objs[i]);
    }
    KTEST_EXPECT(slab_cache_objects(&cache) == N, "%zu objects counted",
                 slab_cache_objects(&cache));
    for (unsigned i = 0; i < N; i++)
        slab_free(&cache, objs[i]);
    slab_cache_shrink(&cache);
    KTEST_EXPECT(slab_cache_pages(&cache) == 0, "%zu pages still held", slab_cache_pages(&cache));
    KTEST_EXPECT(frame_free_count() == before, "%lu frames free, %lu before", frame_free_count(),
                 before);
}
