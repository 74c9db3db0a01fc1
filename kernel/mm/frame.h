/* SPDX-License-Identifier: MIT */
/*
 * Physical page frames. Boot first hands frames out from an early bump
 * allocator (for the kernel's page tables and the buddy allocator's own
 * metadata, which are never freed); frame_init_buddy() then gives every
 * remaining free frame to the buddy allocator.
 *
 * Frames are named by physical address; 0 means "none" (the first MiB is
 * never handed out).
 */
#ifndef CAIRN_MM_FRAME_H
#define CAIRN_MM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "mm/memmap.h"

/* Take over the free ranges (sorted, page-aligned) for early allocation. */
void frame_early_init(const struct phys_range *free, size_t count);
/* Once the direct map is live: move what early allocation left to the buddy
 * allocator. max_phys bounds every frame it will ever manage. */
void frame_init_buddy(uint64_t max_phys);

/* 2^order contiguous, naturally aligned frames, or 0. Contents undefined. */
uint64_t frame_alloc(unsigned order);
/* Same, but the block ends at or below the physical address limit; 0 if
 * no free block does. */
uint64_t frame_alloc_below(unsigned order, uint64_t limit);
/* Same as frame_alloc, zero-filled. */
uint64_t frame_alloc_zeroed(unsigned order);
void frame_free(uint64_t phys, unsigned order);

uint64_t frame_free_count(void);  /* frames free in the buddy allocator */
uint64_t frame_total_count(void); /* frames it manages, free or not */

#endif
