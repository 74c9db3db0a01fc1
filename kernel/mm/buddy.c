// SPDX-License-Identifier: MIT
/*
 * Binary buddy allocator (the layout and invariants are in buddy.h).
 *
 * Metadata byte per frame:
 *     0x00            ABSENT: never handed over (a hole, the kernel image...)
 *     0x80            TAIL: inside a block, not its first page
 *     0x40 | order    FREE: heads a free block of that order
 *     0x20 | order    ALLOC: heads an allocated block of that order
 * Only heads change when blocks split or merge: splitting turns the first
 * page of the upper half from TAIL into a head, merging turns the upper
 * head back into TAIL. So alloc and free cost O(BUDDY_MAX_ORDER) and the
 * TAIL marks stay exact without touching every page of a block.
 */
#include <stddef.h>

#include "lib/log.h"
#include "mm/buddy.h"

#define META_ABSENT 0x00
#define META_TAIL   0x80
#define META_FREE   0x40
#define META_ALLOC  0x20
#define META_ORDER  0x0f

_Static_assert(BUDDY_MAX_ORDER <= META_ORDER, "order must fit the metadata byte");

static inline uint64_t
order_pages(unsigned order)
{
    return (uint64_t)1 << order;
}

static inline struct buddy_node *
buddy_node_of(const struct buddy *b, uint64_t pfn)
{
    return (struct buddy_node *)(b->window + pfn * BUDDY_PAGE_SIZE);
}

static inline uint64_t
buddy_pfn_of(const struct buddy *b, const struct buddy_node *n)
{
    return ((uintptr_t)n - (uintptr_t)b->window) / BUDDY_PAGE_SIZE;
}

/* Puts the block on its list and marks its head free. */
static void
buddy_list_push(struct buddy *b, uint64_t pfn, unsigned order)
{
    struct buddy_node *n = buddy_node_of(b, pfn);

    n->prev = NULL;
    n->next = b->free_list[order];
    if (n->next)
        n->next->prev = n;
    b->free_list[order] = n;
    b->free_blocks[order]++;
    b->free_pages += order_pages(order);
    b->meta[pfn] = META_FREE | order;
}

/* Takes the block off its list; the caller rewrites its head's metadata. */
static void
buddy_list_remove(struct buddy *b, uint64_t pfn, unsigned order)
{
    struct buddy_node *n = buddy_node_of(b, pfn);

    if (n->prev)
        n->prev->next = n->next;
    else
        b->free_list[order] = n->next;
    if (n->next)
        n->next->prev = n->prev;
    b->free_blocks[order]--;
    b->free_pages -= order_pages(order);
}

/*
 * Returns a block to the free lists, merging it with its buddy for as long
 * as the buddy is a whole free block of the same order. The block's pages
 * other than the head must already be TAIL.
 */
static void
buddy_insert(struct buddy *b, uint64_t pfn, unsigned order)
{
    while (order < BUDDY_MAX_ORDER) {
        uint64_t buddy = pfn ^ order_pages(order);

        if (buddy >= b->npages || b->meta[buddy] != (META_FREE | order))
            break;
        buddy_list_remove(b, buddy, order);
        b->meta[buddy > pfn ? buddy : pfn] = META_TAIL;
        pfn = buddy < pfn ? buddy : pfn;
        order++;
    }
    buddy_list_push(b, pfn, order);
}

void
buddy_init(struct buddy *b, void *window, uint64_t npages, uint8_t *meta)
{
    b->window = window;
    b->npages = npages;
    b->meta = meta;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        b->free_list[k] = NULL;
        b->free_blocks[k] = 0;
    }
    b->free_pages = 0;
    for (uint64_t pfn = 0; pfn < npages; pfn++)
        meta[pfn] = META_ABSENT;
}

/* Frees [pfn, end), all ABSENT, as maximal aligned blocks. */
static void
buddy_add_run(struct buddy *b, uint64_t pfn, uint64_t end)
{
    while (pfn < end) {
        unsigned order = 0;

        while (order < BUDDY_MAX_ORDER && (pfn & order_pages(order)) == 0 &&
               pfn + order_pages(order + 1) <= end)
            order++;
        for (uint64_t p = pfn; p < pfn + order_pages(order); p++)
            b->meta[p] = META_TAIL;
        buddy_insert(b, pfn, order);
        pfn += order_pages(order);
    }
}

void
buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
    uint64_t end, run, refused = 0;

    if (pfn >= b->npages || count > b->npages - pfn) {
        log_error("buddy: range pfn %llu+%llu lies outside the %llu managed frames",
                  (unsigned long long)pfn, (unsigned long long)count,
                  (unsigned long long)b->npages);
        if (pfn >= b->npages)
            return;
        count = b->npages - pfn;
    }
    end = pfn + count;

    /* Only frames never handed over may be added; skip the others. */
    while (pfn < end) {
        if (b->meta[pfn] != META_ABSENT) {
            refused++;
            pfn++;
            continue;
        }
        for (run = pfn; run < end && b->meta[run] == META_ABSENT; run++)
            ;
        buddy_add_run(b, pfn, run);
        pfn = run;
    }
    if (refused)
        log_error("buddy: %llu frames added twice were ignored", (unsigned long long)refused);
}

/* Takes the free block (pfn, k) and hands out its first 2^order pages. */
static int64_t
buddy_take(struct buddy *b, uint64_t pfn, unsigned k, unsigned order)
{
    buddy_list_remove(b, pfn, k);
    /* Split: the upper half of each step goes back on the list below. */
    while (k > order) {
        k--;
        buddy_list_push(b, pfn + order_pages(k), k);
    }
    b->meta[pfn] = META_ALLOC | order;
    return (int64_t)pfn;
}

int64_t
buddy_alloc(struct buddy *b, unsigned order)
{
    unsigned k = order;

    if (order > BUDDY_MAX_ORDER)
        return -1;
    while (k <= BUDDY_MAX_ORDER && !b->free_list[k])
        k++;
    if (k > BUDDY_MAX_ORDER)
        return -1;
    return buddy_take(b, buddy_pfn_of(b, b->free_list[k]), k, order);
}

int64_t
buddy_alloc_below(struct buddy *b, unsigned order, uint64_t limit_pfn)
{
    if (order > BUDDY_MAX_ORDER)
        return -1;
    /* The smallest orders first, to leave large blocks whole. */
    for (unsigned k = order; k <= BUDDY_MAX_ORDER; k++) {
        for (struct buddy_node *n = b->free_list[k]; n; n = n->next) {
            uint64_t pfn = buddy_pfn_of(b, n);

            if (pfn + order_pages(order) <= limit_pfn)
                return buddy_take(b, pfn, k, order);
        }
    }
    return -1;
}

static const char *
buddy_describe(uint8_t m)
{
    if (m == META_ABSENT)
        return "never handed over";
    if (m == META_TAIL)
        return "inside a block";
    if (m & META_FREE)
        return "already free";
    if (m & META_ALLOC)
        return "allocated with another order";
    return "corrupt";
}

void
buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
    if (order > BUDDY_MAX_ORDER || pfn >= b->npages) {
        kbug("buddy: free of pfn %llu order %u out of range", (unsigned long long)pfn, order);
        return;
    }
    if (b->meta[pfn] != (META_ALLOC | order)) {
        kbug("buddy: bad free of pfn %llu order %u: page is %s (meta 0x%02x)",
             (unsigned long long)pfn, order, buddy_describe(b->meta[pfn]), b->meta[pfn]);
        return;
    }
    /* ALLOC|order is only ever written on an aligned, in-range head. */
    buddy_insert(b, pfn, order);
}

uint64_t
buddy_free_pages(const struct buddy *b)
{
    return b->free_pages;
}

/* Checks one free list: links, placement, metadata and unmerged buddies. */
static bool
buddy_check_list(const struct buddy *b, unsigned k, uint64_t *pages)
{
    uintptr_t lo = (uintptr_t)b->window;
    uintptr_t hi = lo + b->npages * BUDDY_PAGE_SIZE;
    const struct buddy_node *prev = NULL;
    uint64_t seen = 0;

    for (const struct buddy_node *n = b->free_list[k]; n; prev = n, n = n->next) {
        uintptr_t a = (uintptr_t)n;
        uint64_t pfn;

        if (++seen > b->free_blocks[k]) {
            log_error("buddy: list %u longer than its count %llu (cycle?)", k,
                      (unsigned long long)b->free_blocks[k]);
            return false;
        }
        if (a < lo || a >= hi || (a - lo) % BUDDY_PAGE_SIZE) {
            log_error("buddy: list %u holds a node %p outside the window", k, (const void *)n);
            return false;
        }
        pfn = buddy_pfn_of(b, n);
        if ((pfn & (order_pages(k) - 1)) || pfn + order_pages(k) > b->npages) {
            log_error("buddy: list %u holds misplaced block at pfn %llu", k,
                      (unsigned long long)pfn);
            return false;
        }
        if (b->meta[pfn] != (META_FREE | k) || n->prev != prev) {
            log_error("buddy: list %u block at pfn %llu has meta 0x%02x or a bad back link", k,
                      (unsigned long long)pfn, b->meta[pfn]);
            return false;
        }
        if (k < BUDDY_MAX_ORDER && (pfn ^ order_pages(k)) < b->npages &&
            b->meta[pfn ^ order_pages(k)] == (META_FREE | k)) {
            log_error("buddy: free block at pfn %llu order %u was not merged with its buddy",
                      (unsigned long long)pfn, k);
            return false;
        }
        *pages += order_pages(k);
    }
    if (seen != b->free_blocks[k]) {
        log_error("buddy: list %u has %llu blocks, count says %llu", k, (unsigned long long)seen,
                  (unsigned long long)b->free_blocks[k]);
        return false;
    }
    return true;
}

bool
buddy_check(const struct buddy *b)
{
    uint64_t heads[BUDDY_MAX_ORDER + 1] = {0};
    uint64_t pages = 0, pfn = 0;

    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        if (!buddy_check_list(b, k, &pages))
            return false;
    }
    if (pages != b->free_pages) {
        log_error("buddy: lists hold %llu pages, count says %llu", (unsigned long long)pages,
                  (unsigned long long)b->free_pages);
        return false;
    }

    /* Every frame is absent, or a head followed by exactly its tails. */
    while (pfn < b->npages) {
        uint8_t m = b->meta[pfn];
        unsigned k = m & META_ORDER;

        if (m == META_ABSENT) {
            pfn++;
            continue;
        }
        if ((m != (META_FREE | k) && m != (META_ALLOC | k)) || k > BUDDY_MAX_ORDER ||
            (pfn & (order_pages(k) - 1)) || pfn + order_pages(k) > b->npages) {
            log_error("buddy: frame %llu has bad meta 0x%02x", (unsigned long long)pfn, m);
            return false;
        }
        for (uint64_t t = pfn + 1; t < pfn + order_pages(k); t++) {
            if (b->meta[t] != META_TAIL) {
                log_error("buddy: frame %llu inside the block at %llu has meta 0x%02x",
                          (unsigned long long)t, (unsigned long long)pfn, b->meta[t]);
                return false;
            }
        }
        if (m & META_FREE)
            heads[k]++;
        pfn += order_pages(k);
    }
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        if (heads[k] != b->free_blocks[k]) {
            log_error("buddy: %llu free heads of order %u, but %llu on the list",
                      (unsigned long long)heads[k], k, (unsigned long long)b->free_blocks[k]);
            return false;
        }
    }
    return true;
}
