// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/mm/kmalloc.c over the real slab allocator. Both
 * page providers are aligned_alloc with live-page counters and a shared
 * budget, so the tests can check that everything goes back and make memory
 * run out. Allocated blocks carry fill patterns, checked before each free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log_stub.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"

static long slab_pages;       /* single pages held by the slab caches */
static long large_pages;      /* pages held by large allocations */
static long page_budget = -1; /* pages either provider may still hand out; -1: no limit */

static bool
budget_take(long n)
{
    if (page_budget < 0)
        return true;
    if (page_budget < n)
        return false;
    page_budget -= n;
    return true;
}

void *
slab_page_alloc(void)
{
    if (!budget_take(1))
        return NULL;
    slab_pages++;
    return aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);
}

void
slab_page_free(void *page)
{
    slab_pages--;
    free(page);
}

void *
kmalloc_pages_alloc(unsigned order)
{
    if (order > 12 || !budget_take(1L << order))
        return NULL;
    large_pages += 1L << order;
    return aligned_alloc(SLAB_PAGE_SIZE, (size_t)SLAB_PAGE_SIZE << order);
}

void
kmalloc_pages_free(void *p, unsigned order)
{
    large_pages -= 1L << order;
    free(p);
}

static void
fill(void *p, size_t n, unsigned seed)
{
    memset(p, (int)(seed * 37 + 11) & 0xff, n);
}

static bool
intact(const void *p, size_t n, unsigned seed)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i] != ((seed * 37 + 11) & 0xff))
            return false;
    }
    return true;
}

/* Runs before kmalloc_init: the allocator must refuse, not crash. */
TEST(kmalloc_before_init_returns_null_and_reports)
{
    log_stub_reset();
    CHECK(kmalloc(32) == NULL);
    CHECK(log_stub_count[LOG_ERROR] == 1);
    CHECK(slab_pages == 0 && large_pages == 0);
}

TEST(kmalloc_zero_size_and_kfree_null_do_nothing)
{
    log_stub_reset();
    CHECK(kmalloc(0) == NULL);
    CHECK(kzalloc(0) == NULL);
    kfree(NULL);
    CHECK(kmalloc_usable_size(NULL) == 0);
    CHECK(log_stub_count[LOG_ERROR] == 0);
    CHECK(slab_pages == 0 && large_pages == 0);
}

TEST(kmalloc_small_sizes_round_up_to_power_of_two_classes)
{
    log_stub_reset();
    for (size_t size = 1; size <= KMALLOC_MAX_SMALL; size++) {
        void *p = kmalloc(size);
        size_t want = KMALLOC_MIN_SMALL;

        while (want < size)
            want <<= 1;
        CHECK(p != NULL);
        CHECK(((uintptr_t)p & 15) == 0);
        CHECK(kmalloc_usable_size(p) == want);
        fill(p, kmalloc_usable_size(p), (unsigned)size);
        CHECK(intact(p, want, (unsigned)size));
        kfree(p);
    }
    CHECK(large_pages == 0); /* nothing up to 2048 bytes takes whole pages */
    CHECK(log_stub_count[LOG_ERROR] == 0);
}

TEST(kmalloc_large_sizes_take_whole_pages_with_header)
{
    struct {
        size_t size;
        long pages;
    } cases[] = {
        {KMALLOC_MAX_SMALL + 1, 1},
        {4096 - KMALLOC_LARGE_HEADER, 1},
        {4096 - KMALLOC_LARGE_HEADER + 1, 2}, /* the header tips it over */
        {4096, 2},
        {10000, 4},
        {1 << 20, 512},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        void *p = kmalloc(cases[i].size);

        CHECK(p != NULL);
        CHECK(((uintptr_t)p & (SLAB_PAGE_SIZE - 1)) == KMALLOC_LARGE_HEADER);
        CHECK(large_pages == cases[i].pages);
        CHECK(kmalloc_usable_size(p) == (size_t)cases[i].pages * 4096 - KMALLOC_LARGE_HEADER);
        CHECK(kmalloc_usable_size(p) >= cases[i].size);
        fill(p, cases[i].size, (unsigned)i);
        kfree(p);
        CHECK(large_pages == 0);
    }
}

TEST(kmalloc_absurd_sizes_fail_cleanly)
{
    CHECK(kmalloc(SIZE_MAX) == NULL);
    CHECK(kmalloc(SIZE_MAX - KMALLOC_LARGE_HEADER + 1) == NULL);
    CHECK(kmalloc((size_t)1 << 40) == NULL); /* the test provider refuses */
    CHECK(large_pages == 0);
}

TEST(kzalloc_returns_zeroed_memory)
{
    size_t sizes[] = {1, 24, 100, 2048, 3000, 9000};

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        /* Dirty a block first, so the zeroing is not a fresh page's luck. */
        void *dirty = kmalloc(sizes[i]);
        fill(dirty, sizes[i], 200);
        kfree(dirty);

        unsigned char *p = kzalloc(sizes[i]);
        bool zero = p != NULL;
        for (size_t j = 0; zero && j < sizes[i]; j++)
            zero = p[j] == 0;
        CHECK(zero);
        kfree(p);
    }
}

static uint64_t rng_state = 0xa0761d6478bd642fULL;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

#define MAXLIVE 2000

TEST(kmalloc_random_blocks_never_overlap_and_all_pages_return)
{
    static void *live[MAXLIVE];
    static size_t size[MAXLIVE];
    static unsigned seed[MAXLIVE];
    unsigned nlive = 0;

    log_stub_reset();
    for (unsigned step = 0; step < 60000; step++) {
        if (nlive == 0 || (nlive < MAXLIVE && rng() % 100 < 53)) {
            size_t n = rng() % 50 == 0 ? 1 + rng() % 20000 : 1 + rng() % 600;
            void *p = kmalloc(n);
            CHECK(p != NULL);
            CHECK(kmalloc_usable_size(p) >= n);
            fill(p, n, step);
            live[nlive] = p;
            size[nlive] = n;
            seed[nlive++] = step;
        } else {
            unsigned i = (unsigned)(rng() % nlive);
            CHECK(intact(live[i], size[i], seed[i]));
            kfree(live[i]);
            nlive--;
            live[i] = live[nlive];
            size[i] = size[nlive];
            seed[i] = seed[nlive];
        }
    }
    while (nlive) {
        nlive--;
        CHECK(intact(live[nlive], size[nlive], seed[nlive]));
        kfree(live[nlive]);
    }
    CHECK(large_pages == 0);
    CHECK(slab_pages <= 8); /* at most one cached empty slab per class */
    kmalloc_shrink();
    CHECK(slab_pages == 0);
    CHECK(log_stub_count[LOG_ERROR] == 0);
}

TEST(kmalloc_returns_null_when_pages_run_out)
{
    void *p;

    kmalloc_shrink();
    page_budget = 0;
    CHECK(kmalloc(64) == NULL);
    CHECK(kmalloc(5000) == NULL);
    page_budget = 1;
    CHECK(kmalloc(10000) == NULL); /* needs four pages */
    p = kmalloc(100);              /* one page is enough for a slab */
    CHECK(p != NULL);
    CHECK(kmalloc(3000) == NULL); /* and now the budget is gone */
    page_budget = -1;
    kfree(p);
    kmalloc_shrink();
    CHECK(slab_pages == 0 && large_pages == 0);
}

TEST(kfree_of_foreign_or_bad_pointers_is_reported_and_ignored)
{
    struct slab_cache other;
    void *small, *obj, *stranger;

    slab_cache_init(&other, "other", 64, 16);
    obj = slab_alloc(&other);
    small = kmalloc(64);
    fill(small, 64, 5);
    stranger = aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);
    memset(stranger, 0, SLAB_PAGE_SIZE);
    log_stub_reset();

    kfree(obj);                                     /* another cache's object */
    kfree((char *)small + 16);                      /* inside a kmalloc object */
    kfree((char *)stranger + KMALLOC_LARGE_HEADER); /* looks large, no magic */
    kfree((char *)stranger + 200);                  /* no slab, no large block */
    CHECK(log_stub_bugs == 4);
    CHECK(kmalloc_usable_size((char *)stranger + 64) == 0);
    CHECK(log_stub_bugs == 5);
    CHECK(intact(small, 64, 5));
    CHECK(slab_cache_objects(&other) == 1);

    kfree(small);
    CHECK(log_stub_bugs == 5);
    kfree(small); /* double free */
    CHECK(log_stub_bugs == 6);

    slab_free(&other, obj);
    slab_cache_shrink(&other);
    kmalloc_shrink();
    CHECK(slab_pages == 0 && large_pages == 0);
    free(stranger);
}

int
main(void)
{
    RUN(kmalloc_before_init_returns_null_and_reports);
    kmalloc_init();
    RUN(kmalloc_zero_size_and_kfree_null_do_nothing);
    RUN(kmalloc_small_sizes_round_up_to_power_of_two_classes);
    RUN(kmalloc_large_sizes_take_whole_pages_with_header);
    RUN(kmalloc_absurd_sizes_fail_cleanly);
    RUN(kzalloc_returns_zeroed_memory);
    RUN(kmalloc_random_blocks_never_overlap_and_all_pages_return);
    RUN(kmalloc_returns_null_when_pages_run_out);
    RUN(kfree_of_foreign_or_bad_pointers_is_reported_and_ignored);
    return check_exit();
}
