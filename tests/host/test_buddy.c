// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/mm/buddy.c. The "physical memory" is a malloc'd
 * arena, so the free lists really are threaded through the pages. The
 * stress test keeps a model of who owns every page and fills each allocated
 * block with its own pattern, so an overlap or a list write into an
 * allocated page shows up as a corrupted pattern.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log_stub.h"
#include "mm/buddy.h"

#define PAGE BUDDY_PAGE_SIZE

struct arena {
    struct buddy b;
    unsigned char *mem;
    uint8_t *meta;
    uint64_t npages;
};

static void
arena_init(struct arena *a, uint64_t npages)
{
    a->npages = npages;
    a->mem = aligned_alloc(PAGE, npages * PAGE);
    a->meta = malloc(npages);
    buddy_init(&a->b, a->mem, npages, a->meta);
    log_stub_reset();
}

static void
arena_fini(struct arena *a)
{
    free(a->mem);
    free(a->meta);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

TEST(buddy_starts_empty)
{
    struct arena a;

    arena_init(&a, 64);
    CHECK(buddy_free_pages(&a.b) == 0);
    CHECK(buddy_alloc(&a.b, 0) == -1);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_add_range_splits_into_maximal_aligned_blocks)
{
    struct arena a;
    /* [3, 1032): 3 | 4-7 | 8-15 | ... | 512-1023 | 1024-1031 */
    uint64_t want[BUDDY_MAX_ORDER + 1] = {1, 0, 1, 2, 1, 1, 1, 1, 1, 1, 0};

    arena_init(&a, 1100);
    buddy_add_range(&a.b, 3, 1029);
    CHECK(buddy_free_pages(&a.b) == 1029);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        CHECK(a.b.free_blocks[k] == want[k]);
    CHECK(buddy_check(&a.b));
    CHECK(log_stub_count[LOG_ERROR] == 0);
    arena_fini(&a);
}

TEST(buddy_adjacent_ranges_merge_into_larger_blocks)
{
    struct arena a;

    arena_init(&a, 2048);
    buddy_add_range(&a.b, 0, 1);
    buddy_add_range(&a.b, 1, 511);
    buddy_add_range(&a.b, 512, 512);
    CHECK(a.b.free_blocks[BUDDY_MAX_ORDER] == 1);
    CHECK(buddy_free_pages(&a.b) == 1024);
    /* Blocks never exceed the maximum order, even on a larger span. */
    buddy_add_range(&a.b, 1024, 1024);
    CHECK(a.b.free_blocks[BUDDY_MAX_ORDER] == 2);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_split_then_free_merges_back_into_one_block)
{
    struct arena a;
    int64_t pfn;

    arena_init(&a, 1024);
    buddy_add_range(&a.b, 0, 1024);
    pfn = buddy_alloc(&a.b, 0);
    CHECK(pfn == 0);
    /* One free block of every order below the maximum is left over. */
    for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
        CHECK(a.b.free_blocks[k] == 1);
    CHECK(a.b.free_blocks[BUDDY_MAX_ORDER] == 0);
    CHECK(buddy_check(&a.b));
    buddy_free(&a.b, (uint64_t)pfn, 0);
    CHECK(a.b.free_blocks[BUDDY_MAX_ORDER] == 1);
    for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
        CHECK(a.b.free_blocks[k] == 0);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_alloc_returns_aligned_blocks_inside_added_ranges)
{
    struct arena a;

    arena_init(&a, 600);
    buddy_add_range(&a.b, 17, 300);
    buddy_add_range(&a.b, 400, 199);
    for (unsigned order = 0; order <= 6; order++) {
        int64_t pfn = buddy_alloc(&a.b, order);
        CHECK(pfn >= 0);
        CHECK(((uint64_t)pfn & ((1u << order) - 1)) == 0);
        CHECK((pfn >= 17 && pfn + (1 << order) <= 317) ||
              (pfn >= 400 && pfn + (1 << order) <= 599));
    }
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

/* Low memory for 32-bit DMA: the block found ends at or below the limit,
 * even when the free lists offer higher blocks first. */
TEST(buddy_alloc_below_finds_a_block_under_the_limit)
{
    struct arena a;
    int64_t low, high, pfn;

    arena_init(&a, 4096);
    buddy_add_range(&a.b, 0, 4096);
    /* Take everything, then give back one high and one low block of order 2,
     * the high one last so it heads the list. */
    while (buddy_alloc(&a.b, 0) >= 0)
        ;
    for (int64_t p = 0; p < 4096; p++)
        buddy_free(&a.b, (uint64_t)p, 0);
    while (buddy_alloc(&a.b, 0) >= 0)
        ;
    low = 100;
    high = 3000;
    for (int i = 0; i < 4; i++)
        buddy_free(&a.b, (uint64_t)(low + i), 0);
    for (int i = 0; i < 4; i++)
        buddy_free(&a.b, (uint64_t)(high + i), 0);
    CHECK(buddy_alloc_below(&a.b, 2, 100) == -1);  /* [100, 104) ends past 100 */
    CHECK(buddy_alloc_below(&a.b, 3, 4096) == -1); /* no free block of 8 */
    pfn = buddy_alloc_below(&a.b, 2, 104);
    CHECK(pfn == low);
    CHECK(buddy_alloc_below(&a.b, 0, 104) == -1);
    pfn = buddy_alloc_below(&a.b, 1, 4096);
    CHECK(pfn == high || pfn == high + 2);
    CHECK(buddy_alloc_below(&a.b, BUDDY_MAX_ORDER + 1, 4096) == -1);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

/* A page missing from the ranges splits what would have been one block. */
TEST(buddy_never_merges_across_a_hole)
{
    struct arena a;
    int64_t pfn;
    uint64_t count = 0;

    arena_init(&a, 16);
    buddy_add_range(&a.b, 0, 5);
    buddy_add_range(&a.b, 6, 10);
    CHECK(buddy_free_pages(&a.b) == 15);
    CHECK(a.b.free_blocks[4] == 0);
    pfn = buddy_alloc(&a.b, 3);
    CHECK(pfn == 8);
    CHECK(buddy_alloc(&a.b, 3) == -1);
    while ((pfn = buddy_alloc(&a.b, 0)) >= 0) {
        CHECK(pfn != 5);
        count++;
    }
    CHECK(count == 7);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_free_count_returns_after_alloc_and_free_of_everything)
{
    struct arena a;
    int64_t *pfns;
    uint64_t n = 0, total, before[BUDDY_MAX_ORDER + 1];

    arena_init(&a, 3000);
    buddy_add_range(&a.b, 1, 1000);
    buddy_add_range(&a.b, 1203, 1797);
    total = buddy_free_pages(&a.b);
    CHECK(total == 2797);
    memcpy(before, a.b.free_blocks, sizeof(before));

    pfns = malloc((total + 1) * sizeof(*pfns)); /* room for the final -1 */
    while ((pfns[n] = buddy_alloc(&a.b, 0)) >= 0)
        n++;
    CHECK(n == total);
    CHECK(buddy_free_pages(&a.b) == 0);
    CHECK(buddy_check(&a.b));

    /* Free in a shuffled order, so merges happen in every pattern. */
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = rng() % i;
        int64_t t = pfns[i - 1];
        pfns[i - 1] = pfns[j];
        pfns[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        buddy_free(&a.b, (uint64_t)pfns[i], 0);
    CHECK(buddy_free_pages(&a.b) == total);
    CHECK(memcmp(before, a.b.free_blocks, sizeof(before)) == 0);
    CHECK(buddy_check(&a.b));
    CHECK(log_stub_count[LOG_ERROR] == 0);
    free(pfns);
    arena_fini(&a);
}

struct stress_block {
    uint64_t pfn;
    unsigned order;
};

static unsigned char
stress_byte(uint64_t pfn)
{
    return (unsigned char)(pfn * 13 + 7);
}

static bool
stress_block_intact(struct arena *a, const struct stress_block *s)
{
    unsigned char want = stress_byte(s->pfn);
    const unsigned char *p = a->mem + s->pfn * PAGE;

    for (uint64_t i = 0; i < ((uint64_t)PAGE << s->order); i += 97) {
        if (p[i] != want)
            return false;
    }
    return true;
}

#define STRESS_PAGES 5000
#define STRESS_LIVE  4096

TEST(buddy_random_alloc_free_matches_model)
{
    struct arena a;
    static struct stress_block live[STRESS_LIVE];
    static uint8_t owned[STRESS_PAGES]; /* 1 = allocated in the model, 2 = not managed */
    unsigned nlive = 0;
    uint64_t total, allocated = 0;

    arena_init(&a, STRESS_PAGES);
    memset(owned, 2, sizeof(owned));
    /* Odd ranges with holes between them. */
    buddy_add_range(&a.b, 3, 1500);
    buddy_add_range(&a.b, 1600, 2047);
    buddy_add_range(&a.b, 3700, 1299);
    for (uint64_t p = 3; p < 1503; p++)
        owned[p] = 0;
    for (uint64_t p = 1600; p < 3647; p++)
        owned[p] = 0;
    for (uint64_t p = 3700; p < 4999; p++)
        owned[p] = 0;
    total = buddy_free_pages(&a.b);
    CHECK(total == 1500 + 2047 + 1299);

    for (int step = 0; step < 40000; step++) {
        bool do_alloc = nlive == 0 || (nlive < STRESS_LIVE && rng() % 100 < 55);

        if (do_alloc) {
            unsigned order = (unsigned)(rng() % 100 < 80 ? rng() % 3 : rng() % 12);
            int64_t pfn = buddy_alloc(&a.b, order);

            if (order > BUDDY_MAX_ORDER) {
                CHECK(pfn == -1);
                continue;
            }
            if (pfn < 0) {
                /* Fails only when no free block is large enough. */
                for (unsigned k = order; k <= BUDDY_MAX_ORDER; k++)
                    CHECK(a.b.free_blocks[k] == 0);
                continue;
            }
            CHECK(((uint64_t)pfn & ((1u << order) - 1)) == 0);
            for (uint64_t p = (uint64_t)pfn; p < (uint64_t)pfn + (1u << order); p++) {
                CHECK(p < STRESS_PAGES && owned[p] == 0);
                owned[p] = 1;
            }
            memset(a.mem + (uint64_t)pfn * PAGE, stress_byte((uint64_t)pfn), (size_t)PAGE << order);
            live[nlive++] = (struct stress_block){(uint64_t)pfn, order};
            allocated += 1u << order;
        } else {
            unsigned i = (unsigned)(rng() % nlive);
            struct stress_block s = live[i];

            CHECK(stress_block_intact(&a, &s));
            buddy_free(&a.b, s.pfn, s.order);
            for (uint64_t p = s.pfn; p < s.pfn + (1u << s.order); p++)
                owned[p] = 0;
            live[i] = live[--nlive];
            allocated -= 1u << s.order;
        }
        CHECK(buddy_free_pages(&a.b) == total - allocated);
        if (step % 1000 == 0)
            CHECK(buddy_check(&a.b));
    }
    while (nlive) {
        struct stress_block s = live[--nlive];
        CHECK(stress_block_intact(&a, &s));
        buddy_free(&a.b, s.pfn, s.order);
    }
    CHECK(buddy_free_pages(&a.b) == total);
    CHECK(buddy_check(&a.b));
    CHECK(log_stub_count[LOG_ERROR] == 0);
    arena_fini(&a);
}

TEST(buddy_double_free_is_detected_and_ignored)
{
    struct arena a;
    int64_t pfn, other;

    arena_init(&a, 64);
    buddy_add_range(&a.b, 0, 64);
    pfn = buddy_alloc(&a.b, 1);
    other = buddy_alloc(&a.b, 1);
    buddy_free(&a.b, (uint64_t)pfn, 1);
    CHECK(log_stub_bugs == 0);
    CHECK(buddy_free_pages(&a.b) == 62);
    buddy_free(&a.b, (uint64_t)pfn, 1);
    CHECK(log_stub_bugs == 1);
    CHECK(buddy_free_pages(&a.b) == 62);
    CHECK(buddy_check(&a.b));
    /* The lists still work: everything can be taken and given back. */
    buddy_free(&a.b, (uint64_t)other, 1);
    CHECK(buddy_free_pages(&a.b) == 64);
    CHECK(a.b.free_blocks[6] == 1);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_free_with_wrong_order_is_detected_and_ignored)
{
    struct arena a;
    int64_t pfn;

    arena_init(&a, 64);
    buddy_add_range(&a.b, 0, 64);
    pfn = buddy_alloc(&a.b, 2);
    buddy_free(&a.b, (uint64_t)pfn, 1);
    buddy_free(&a.b, (uint64_t)pfn, 3);
    CHECK(log_stub_bugs == 2);
    CHECK(buddy_free_pages(&a.b) == 60);
    CHECK(buddy_check(&a.b));
    buddy_free(&a.b, (uint64_t)pfn, 2);
    CHECK(log_stub_bugs == 2);
    CHECK(buddy_free_pages(&a.b) == 64);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_free_of_unallocated_pages_is_detected_and_ignored)
{
    struct arena a;
    int64_t pfn;

    arena_init(&a, 64);
    buddy_add_range(&a.b, 0, 32);
    pfn = buddy_alloc(&a.b, 2);
    buddy_free(&a.b, (uint64_t)pfn + 1, 0);   /* a page inside the block */
    buddy_free(&a.b, (uint64_t)pfn + 2, 1);   /* its upper half */
    buddy_free(&a.b, 40, 0);                  /* never handed over */
    buddy_free(&a.b, 64, 0);                  /* past the end */
    buddy_free(&a.b, UINT64_MAX, 0);          /* far past the end */
    buddy_free(&a.b, 0, BUDDY_MAX_ORDER + 1); /* no such order */
    buddy_free(&a.b, (uint64_t)pfn + 4, 0);   /* a free page */
    CHECK(log_stub_bugs == 7);
    CHECK(buddy_free_pages(&a.b) == 28);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

TEST(buddy_alloc_beyond_max_order_fails)
{
    struct arena a;

    arena_init(&a, 4096);
    buddy_add_range(&a.b, 0, 4096);
    CHECK(buddy_alloc(&a.b, BUDDY_MAX_ORDER + 1) == -1);
    CHECK(buddy_alloc(&a.b, 1000) == -1);
    CHECK(buddy_alloc(&a.b, BUDDY_MAX_ORDER) >= 0);
    CHECK(buddy_free_pages(&a.b) == 4096 - (1u << BUDDY_MAX_ORDER));
    arena_fini(&a);
}

TEST(buddy_add_range_refuses_overlap_and_out_of_range_pages)
{
    struct arena a;

    arena_init(&a, 100);
    buddy_add_range(&a.b, 10, 20);
    buddy_add_range(&a.b, 25, 10); /* 25..29 already there */
    CHECK(log_stub_count[LOG_ERROR] == 1);
    CHECK(buddy_free_pages(&a.b) == 25);
    buddy_add_range(&a.b, 90, 20); /* clipped to 90..99 */
    CHECK(log_stub_count[LOG_ERROR] == 2);
    CHECK(buddy_free_pages(&a.b) == 35);
    buddy_add_range(&a.b, 200, 5);
    CHECK(log_stub_count[LOG_ERROR] == 3);
    /* The count would wrap: clipped to 50..99, of which 90..99 are there. */
    buddy_add_range(&a.b, 50, UINT64_MAX);
    CHECK(log_stub_count[LOG_ERROR] == 5);
    CHECK(buddy_free_pages(&a.b) == 35 + 40);
    buddy_add_range(&a.b, 0, 0);
    CHECK(log_stub_count[LOG_ERROR] == 5);
    CHECK(buddy_check(&a.b));
    arena_fini(&a);
}

/* The checker itself must be able to say no. */
TEST(buddy_check_detects_corrupted_state)
{
    struct arena a;
    int64_t pfn;

    arena_init(&a, 64);
    buddy_add_range(&a.b, 0, 64);
    pfn = buddy_alloc(&a.b, 0);
    CHECK(buddy_check(&a.b));

    a.b.meta[pfn] = 0x80; /* an allocated head turned into a stray tail */
    CHECK(!buddy_check(&a.b));
    a.b.meta[pfn] = 0x20;
    CHECK(buddy_check(&a.b));

    a.b.free_pages++;
    CHECK(!buddy_check(&a.b));
    a.b.free_pages--;

    struct buddy_node *n = a.b.free_list[1];
    struct buddy_node *saved = n->prev;
    n->prev = n; /* a broken back link */
    CHECK(!buddy_check(&a.b));
    n->prev = saved;

    a.b.free_list[0]->next = a.b.free_list[0]; /* a cycle */
    CHECK(!buddy_check(&a.b));
    arena_fini(&a);
}

int
main(void)
{
    RUN(buddy_starts_empty);
    RUN(buddy_add_range_splits_into_maximal_aligned_blocks);
    RUN(buddy_adjacent_ranges_merge_into_larger_blocks);
    RUN(buddy_split_then_free_merges_back_into_one_block);
    RUN(buddy_alloc_returns_aligned_blocks_inside_added_ranges);
    RUN(buddy_alloc_below_finds_a_block_under_the_limit);
    RUN(buddy_never_merges_across_a_hole);
    RUN(buddy_free_count_returns_after_alloc_and_free_of_everything);
    RUN(buddy_random_alloc_free_matches_model);
    RUN(buddy_double_free_is_detected_and_ignored);
    RUN(buddy_free_with_wrong_order_is_detected_and_ignored);
    RUN(buddy_free_of_unallocated_pages_is_detected_and_ignored);
    RUN(buddy_alloc_beyond_max_order_fails);
    RUN(buddy_add_range_refuses_overlap_and_out_of_range_pages);
    RUN(buddy_check_detects_corrupted_state);
    return check_exit();
}
