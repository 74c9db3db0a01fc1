/* SPDX-License-Identifier: MIT */
/*
 * What the allocator (malloc.c) needs from below, kept apart so that the
 * host tests can run the same allocator on their own page source:
 * malloc_sys.c is Cairn's, tests/host/test_malloc.c the host's.
 */
#ifndef CAIRN_LIBC_MALLOC_IMPL_H
#define CAIRN_LIBC_MALLOC_IMPL_H

#include <stddef.h>

/* bytes (a multiple of MALLOC_PAGE) of fresh zero-filled read-write
 * memory, page-aligned and charged to the process now; NULL when there is
 * none. */
void *malloc_pages_get(size_t bytes);
/* Give back what one malloc_pages_get returned, whole. */
void malloc_pages_put(void *p, size_t bytes);
/* The heap is corrupt or p was never allocated: say so, and end. Called
 * with the heap's lock held. */
_Noreturn void malloc_die(const char *why, const void *p);

#define MALLOC_PAGE 4096ul

#endif
