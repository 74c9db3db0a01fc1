/* SPDX-License-Identifier: MIT */
/*
 * Rounding to a power-of-two boundary (a page, a word), for the kernel,
 * user space and the host tests alike.
 *
 * align must be a power of two. align_up(x, align) wraps to 0 when x lies
 * in the last align - 1 values below 2^64, as the open-coded
 * (x + align - 1) & ~(align - 1) it replaces does: a caller with untrusted x
 * checks that first (or uses a saturating form of its own, as memmap.c does
 * for firmware ranges).
 */
#ifndef CAIRN_COMMON_ALIGN_H
#define CAIRN_COMMON_ALIGN_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t
align_down(uint64_t x, uint64_t align)
{
    return x & ~(align - 1);
}

static inline uint64_t
align_up(uint64_t x, uint64_t align)
{
    return (x + align - 1) & ~(align - 1);
}

static inline bool
align_is_aligned(uint64_t x, uint64_t align)
{
    return (x & (align - 1)) == 0;
}

#endif
