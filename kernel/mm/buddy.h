/* SPDX-License-Identifier: MIT */
/*
 * Binary buddy allocator over a span of page frames [0, npages).
 *
 * A block of order k is 2^k pages whose first frame number is a multiple of
 * 2^k; its buddy is the block at pfn ^ 2^k. Free blocks sit on one list per
 * order, threaded through the free pages themselves, so the only side memory
 * is one metadata byte per page (meta), which says whether the page heads a
 * free block, heads an allocated block (and of which order), lies inside a
 * block, or was never handed over. That byte is what catches double frees,
 * frees of the wrong order and frees of pages never allocated.
 *
 * Invariants (buddy_check verifies them all):
 *   - a free block of order k is on list k, and only there; its head's meta
 *     says FREE|k and its other pages say TAIL;
 *   - an allocated block's head says ALLOC|k, its other pages TAIL;
 *   - no free block of order < BUDDY_MAX_ORDER has a free buddy of the same
 *     order (they would have been merged);
 *   - free_pages is the sum of 2^k over the free lists.
 *
 * No locking inside: the embedder serialises every call (in the kernel the
 * frame allocator wraps it with a spinlock).
 */
#ifndef CAIRN_MM_BUDDY_H
#define CAIRN_MM_BUDDY_H

#include <stdbool.h>
#include <stdint.h>

#define BUDDY_PAGE_SIZE 4096u
/* Largest block: 2^10 pages = 4 MiB, enough for any DMA buffer we foresee. */
#define BUDDY_MAX_ORDER 10

/* The list node lives in the first bytes of each free block. */
struct buddy_node {
    struct buddy_node *next;
    struct buddy_node *prev;
};

struct buddy {
    unsigned char *window; /* [I] page pfn is at window + pfn * BUDDY_PAGE_SIZE */
    uint64_t npages;       /* [I] frames managed: [0, npages) */
    uint8_t *meta;         /* one byte per frame, see buddy.c */
    struct buddy_node *free_list[BUDDY_MAX_ORDER + 1]; /* heads, NULL when empty */
    uint64_t free_blocks[BUDDY_MAX_ORDER + 1];         /* length of each list */
    uint64_t free_pages;                               /* pages on all lists */
};

/*
 * Sets up an allocator with nothing free. meta must hold npages bytes and is
 * owned by the allocator from now on; the pages are handed over later with
 * buddy_add_range.
 */
void buddy_init(struct buddy *b, void *window, uint64_t npages, uint8_t *meta);

/*
 * Hands pages [pfn, pfn + count) over as free, at any alignment: the range
 * is cut into maximal aligned blocks, which merge with free neighbours.
 * Pages outside [0, npages) or already handed over are refused with an error.
 */
void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);

/* Returns the first pfn of a free 2^order block, or -1 when none is left. */
int64_t buddy_alloc(struct buddy *b, unsigned order);

/* The same, for a block that ends at or below limit_pfn (for devices that
 * reach only low memory); -1 when no free block qualifies. Walks the free
 * lists: O(free blocks). */
int64_t buddy_alloc_below(struct buddy *b, unsigned order, uint64_t limit_pfn);

/*
 * Frees a block returned by buddy_alloc(order) and merges it with its free
 * buddies. A pfn that does not head an allocated block of exactly that order
 * (double free, wrong order, a page inside a block) is logged and ignored.
 */
void buddy_free(struct buddy *b, uint64_t pfn, unsigned order);

uint64_t buddy_free_pages(const struct buddy *b);

/* Walks every list and all metadata; false (with a log) on any violation. */
bool buddy_check(const struct buddy *b);

#endif
