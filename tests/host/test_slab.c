// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/mm/slab.c. The page provider is aligned_alloc with
 * a live-page counter and an optional budget, so tests can check that pages
 * go back, and make the provider fail. Every allocated object is filled with
 * a pattern of its own and checked before it is freed: overlapping objects,
 * or a free list written into a live object, break the pattern.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "log_stub.h"
#include "mm/slab.h"

static long live_pages;       /* pages handed out and not yet returned */
static long page_budget = -1; /* pages the provider may still hand out; -1: no limit */

void *
slab_page_alloc(void)
{
    if (__atomic_load_n(&page_budget, __ATOMIC_RELAXED) == 0)
        return NULL;
    void *p = aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);
    if (p) {
        __atomic_add_fetch(&live_pages, 1, __ATOMIC_RELAXED);
        if (__atomic_load_n(&page_budget, __ATOMIC_RELAXED) > 0)
            __atomic_sub_fetch(&page_budget, 1, __ATOMIC_RELAXED);
    }
    return p;
}

void
slab_page_free(void *page)
{
    __atomic_sub_fetch(&live_pages, 1, __ATOMIC_RELAXED);
    free(page);
}

static void
fill(void *obj, size_t size, unsigned seed)
{
    memset(obj, (int)(seed * 29 + 3) & 0xff, size);
}

static bool
intact(const void *obj, size_t size, unsigned seed)
{
    const unsigned char *p = obj;

    for (size_t i = 0; i < size; i++) {
        if (p[i] != ((seed * 29 + 3) & 0xff))
            return false;
    }
    return true;
}

#define MANY 1000

TEST(slab_alloc_returns_aligned_distinct_objects)
{
    struct slab_cache c;
    static void *objs[MANY];

    log_stub_reset();
    slab_cache_init(&c, "test40", 40, 16);
    CHECK(c.objs_per_slab > 0);
    for (unsigned i = 0; i < MANY; i++) {
        objs[i] = slab_alloc(&c);
        CHECK(objs[i] != NULL);
        CHECK(((uintptr_t)objs[i] & 15) == 0);
        fill(objs[i], 40, i);
    }
    CHECK(slab_cache_objects(&c) == MANY);
    CHECK(slab_cache_pages(&c) == (MANY + c.objs_per_slab - 1) / c.objs_per_slab);
    CHECK(live_pages == (long)slab_cache_pages(&c));
    for (unsigned i = 0; i < MANY; i++)
        CHECK(intact(objs[i], 40, i));
    for (unsigned i = 0; i < MANY; i++)
        slab_free(&c, objs[i]);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
    CHECK(log_stub_count[LOG_ERROR] == 0);
}

TEST(slab_pages_return_to_zero_after_free_all_and_shrink)
{
    struct slab_cache c;
    void *objs[300];

    slab_cache_init(&c, "test100", 100, 0);
    for (unsigned i = 0; i < 300; i++)
        objs[i] = slab_alloc(&c);
    CHECK(slab_cache_pages(&c) > 5);
    for (unsigned i = 0; i < 300; i++)
        slab_free(&c, objs[i]);
    CHECK(slab_cache_objects(&c) == 0);
    /* One empty slab stays cached; the rest went straight back. */
    CHECK(slab_cache_pages(&c) == 1);
    CHECK(live_pages == 1);
    slab_cache_shrink(&c);
    CHECK(slab_cache_pages(&c) == 0);
    CHECK(live_pages == 0);
    slab_cache_shrink(&c); /* nothing left: harmless */
    CHECK(slab_cache_pages(&c) == 0);
}

TEST(slab_cached_empty_slab_is_reused_without_new_pages)
{
    struct slab_cache c;
    void *a, *b;

    slab_cache_init(&c, "reuse", 64, 0);
    a = slab_alloc(&c);
    slab_free(&c, a);
    CHECK(slab_cache_pages(&c) == 1);
    page_budget = 0; /* any new page request would now fail */
    b = slab_alloc(&c);
    CHECK(b == a);
    CHECK(slab_cache_pages(&c) == 1);
    page_budget = -1;
    slab_free(&c, b);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
}

TEST(slab_alloc_prefers_partial_slabs)
{
    struct slab_cache c;
    void **objs;
    unsigned n;

    slab_cache_init(&c, "partial", 256, 0);
    n = c.objs_per_slab;
    objs = calloc(2 * n + 1, sizeof(*objs));
    for (unsigned i = 0; i < n + 1; i++)
        objs[i] = slab_alloc(&c); /* the first slab full, one object in a second */
    CHECK(slab_cache_pages(&c) == 2);
    slab_free(&c, objs[3]);
    /* Both slabs are partial now, with n free slots between them: no new page. */
    page_budget = 0;
    for (unsigned i = 0; i < n; i++) {
        void *p = slab_alloc(&c);
        CHECK(p != NULL);
        objs[n + 1 + i] = p;
    }
    CHECK(slab_alloc(&c) == NULL); /* both full, and the provider is dry */
    page_budget = -1;
    CHECK(slab_cache_objects(&c) == 2 * n);
    for (unsigned i = 0; i <= 2 * n; i++) {
        if (i != 3)
            slab_free(&c, objs[i]);
    }
    CHECK(slab_cache_objects(&c) == 0);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
    free(objs);
}

TEST(slab_alloc_returns_null_when_page_provider_fails)
{
    struct slab_cache c;
    void *p;

    slab_cache_init(&c, "dry", 32, 0);
    page_budget = 0;
    CHECK(slab_alloc(&c) == NULL);
    CHECK(slab_cache_objects(&c) == 0 && slab_cache_pages(&c) == 0);
    page_budget = -1;
    p = slab_alloc(&c);
    CHECK(p != NULL);
    slab_free(&c, p);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
}

TEST(slab_small_objects_are_padded_to_min_align)
{
    struct slab_cache c;
    void *a, *b;

    slab_cache_init(&c, "tiny", 1, 1);
    CHECK(c.obj_size == SLAB_MIN_ALIGN);
    CHECK(c.objs_per_slab == (SLAB_PAGE_SIZE - c.first_offset) / SLAB_MIN_ALIGN);
    a = slab_alloc(&c);
    b = slab_alloc(&c);
    CHECK(((uintptr_t)a & 7) == 0 && ((uintptr_t)b & 7) == 0);
    CHECK((char *)b - (char *)a == 8 || (char *)a - (char *)b == 8);
    slab_free(&c, a);
    slab_free(&c, b);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
}

TEST(slab_large_alignment_is_respected)
{
    struct slab_cache c;
    void *objs[20];

    slab_cache_init(&c, "align256", 100, 256);
    CHECK(c.obj_size == 256);
    for (unsigned i = 0; i < 20; i++) {
        objs[i] = slab_alloc(&c);
        CHECK(((uintptr_t)objs[i] & 255) == 0);
    }
    for (unsigned i = 0; i < 20; i++)
        slab_free(&c, objs[i]);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
}

TEST(slab_cache_init_rejects_objects_that_do_not_fit)
{
    struct slab_cache c;

    log_stub_reset();
    slab_cache_init(&c, "huge", SLAB_PAGE_SIZE, 0);
    CHECK(slab_alloc(&c) == NULL);
    slab_cache_init(&c, "toobig", SLAB_PAGE_SIZE - 64, 0); /* the header needs room */
    CHECK(slab_alloc(&c) == NULL);
    slab_cache_init(&c, "zero", 0, 0);
    CHECK(slab_alloc(&c) == NULL);
    slab_cache_init(&c, "align3", 16, 3);
    CHECK(slab_alloc(&c) == NULL);
    slab_cache_init(&c, "alignpage", 16, SLAB_PAGE_SIZE);
    CHECK(slab_alloc(&c) == NULL);
    CHECK(log_stub_count[LOG_ERROR] == 5);
    CHECK(live_pages == 0);

    /* The largest object that fits still works: one per slab. */
    slab_cache_init(&c, "onefits", 2048, 0);
    CHECK(c.objs_per_slab == 1);
    void *p = slab_alloc(&c);
    CHECK(p != NULL);
    slab_free(&c, p);
    slab_cache_shrink(&c);
    CHECK(log_stub_count[LOG_ERROR] == 5);
}

TEST(slab_bad_frees_are_reported_and_ignored)
{
    struct slab_cache a, b;
    void *x, *y, *stranger;

    slab_cache_init(&a, "a", 48, 0);
    slab_cache_init(&b, "b", 48, 0);
    x = slab_alloc(&a);
    y = slab_alloc(&b);
    fill(x, 48, 1);
    stranger = aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);
    memset(stranger, 0, SLAB_PAGE_SIZE);
    log_stub_reset();

    slab_free(&b, x);                              /* another cache's object */
    slab_free(&a, (char *)x + 8);                  /* inside an object */
    slab_free(&a, (char *)x - a.first_offset + 8); /* into the slab header */
    slab_free(&a, (char *)stranger + 256);         /* a page that is no slab */
    CHECK(log_stub_bugs == 4);
    CHECK(slab_cache_objects(&a) == 1 && slab_cache_objects(&b) == 1);
    CHECK(intact(x, 48, 1));

    slab_free(&a, x);
    CHECK(log_stub_bugs == 4);
    slab_free(&a, x); /* double free */
    CHECK(log_stub_bugs == 5);
    CHECK(slab_cache_objects(&a) == 0);

    /* A slot never handed out is caught the same way. */
    void *z = slab_alloc(&a);
    slab_free(&a, (char *)z + a.obj_size);
    CHECK(log_stub_bugs == 6);

    slab_free(&a, NULL); /* not an error */
    CHECK(log_stub_bugs == 6);

    /* The caches still work after all that. */
    void *again = slab_alloc(&a);
    CHECK(again != NULL && again != z);
    slab_free(&a, again);
    slab_free(&a, z);
    slab_free(&b, y);
    CHECK(slab_cache_objects(&a) == 0 && slab_cache_objects(&b) == 0);
    slab_cache_shrink(&a);
    slab_cache_shrink(&b);
    CHECK(live_pages == 0);
    free(stranger);
}

TEST(slab_cache_of_finds_the_owner)
{
    struct slab_cache a, b;
    void *x, *y;
    void *stranger = aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);

    memset(stranger, 0, SLAB_PAGE_SIZE);
    slab_cache_init(&a, "a", 24, 0);
    slab_cache_init(&b, "b", 24, 0);
    x = slab_alloc(&a);
    y = slab_alloc(&b);
    CHECK(slab_cache_of(x) == &a);
    CHECK(slab_cache_of(y) == &b);
    CHECK(slab_cache_of(NULL) == NULL);
    CHECK(slab_cache_of((char *)stranger + 100) == NULL);
    slab_free(&a, x);
    slab_free(&b, y);
    slab_cache_shrink(&a);
    slab_cache_shrink(&b);
    free(stranger);
}

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

#define MAXLIVE 3000

TEST(slab_random_alloc_free_keeps_objects_intact)
{
    struct slab_cache c;
    static void *live[MAXLIVE];
    static unsigned seed[MAXLIVE];
    unsigned nlive = 0;

    log_stub_reset();
    slab_cache_init(&c, "stress", 72, 8);
    for (unsigned step = 0; step < 100000; step++) {
        if (nlive == 0 || (nlive < MAXLIVE && rng() % 100 < 52)) {
            void *p = slab_alloc(&c);
            CHECK(p != NULL);
            seed[nlive] = step;
            fill(p, 72, step);
            live[nlive++] = p;
        } else {
            unsigned i = (unsigned)(rng() % nlive);
            CHECK(intact(live[i], 72, seed[i]));
            slab_free(&c, live[i]);
            live[i] = live[--nlive];
            seed[i] = seed[nlive];
        }
        CHECK(slab_cache_objects(&c) == nlive);
        /* Never more pages than the live objects need, plus one cached empty slab. */
        CHECK(slab_cache_pages(&c) <= nlive + 1);
    }
    while (nlive) {
        nlive--;
        CHECK(intact(live[nlive], 72, seed[nlive]));
        slab_free(&c, live[nlive]);
    }
    CHECK(slab_cache_pages(&c) == 1);
    slab_cache_shrink(&c);
    CHECK(live_pages == 0);
    CHECK(log_stub_count[LOG_ERROR] == 0);
}

static struct slab_cache shared_cache;

static void *
thread_churn(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    void *mine[64];
    bool ok = true;

    for (unsigned round = 0; round < 300; round++) {
        for (unsigned i = 0; i < 64; i++) {
            mine[i] = slab_alloc(&shared_cache);
            if (!mine[i])
                return (void *)0;
            fill(mine[i], 32, id * 64 + i);
        }
        for (unsigned i = 0; i < 64; i++) {
            ok = ok && intact(mine[i], 32, id * 64 + i);
            slab_free(&shared_cache, mine[i]);
        }
    }
    return (void *)(uintptr_t)ok;
}

/*
 * Ticket locks hand over in strict order, so with more spinning threads than
 * CPUs every hand-over can wait for a time slice. Use no more threads than
 * CPUs (and two even on one CPU, where it is merely slow).
 */
TEST(slab_concurrent_alloc_free_is_consistent)
{
    pthread_t t[4];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus >= 4 ? 4 : 2;
    void *ok;

    log_stub_reset();
    slab_cache_init(&shared_cache, "shared", 32, 0);
    for (unsigned i = 0; i < n; i++)
        pthread_create(&t[i], NULL, thread_churn, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < n; i++) {
        pthread_join(t[i], &ok);
        CHECK(ok == (void *)1);
    }
    CHECK(slab_cache_objects(&shared_cache) == 0);
    CHECK(log_stub_count[LOG_ERROR] == 0);
    slab_cache_shrink(&shared_cache);
    CHECK(slab_cache_pages(&shared_cache) == 0);
    CHECK(live_pages == 0);
}

int
main(void)
{
    RUN(slab_alloc_returns_aligned_distinct_objects);
    RUN(slab_pages_return_to_zero_after_free_all_and_shrink);
    RUN(slab_cached_empty_slab_is_reused_without_new_pages);
    RUN(slab_alloc_prefers_partial_slabs);
    RUN(slab_alloc_returns_null_when_page_provider_fails);
    RUN(slab_small_objects_are_padded_to_min_align);
    RUN(slab_large_alignment_is_respected);
    RUN(slab_cache_init_rejects_objects_that_do_not_fit);
    RUN(slab_bad_frees_are_reported_and_ignored);
    RUN(slab_cache_of_finds_the_owner);
    RUN(slab_random_alloc_free_keeps_objects_intact);
    RUN(slab_concurrent_alloc_free_is_consistent);
    return check_exit();
}
