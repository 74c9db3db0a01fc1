/* SPDX-License-Identifier: MIT */
/*
 * General-purpose kernel allocation for memory that is not a fixed-size
 * object with its own slab cache.
 *
 * Requests up to KMALLOC_MAX_SMALL bytes come from eight slab caches of
 * power-of-two sizes 16..2048; the object is the size rounded up to its
 * class, aligned to 16. Larger requests take 2^order whole pages from the
 * embedder with a KMALLOC_LARGE_HEADER-byte header in front recording the
 * order, so a request of exactly one page costs two: use the page allocator
 * for page-sized buffers. kfree tells the two apart by what sits at the start
 * of the pointer's page (a slab header or a large-allocation header).
 *
 * Thread safety: each size class is a slab cache with its own lock; large
 * allocations share no state here.
 */
#ifndef CAIRN_MM_KMALLOC_H
#define CAIRN_MM_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MIN_SMALL    16
#define KMALLOC_MAX_SMALL    2048
#define KMALLOC_LARGE_HEADER 16

/*
 * Provided by the embedder: 2^order contiguous, 4096-aligned pages (NULL
 * when none are left), and their return with the same order.
 */
void *kmalloc_pages_alloc(unsigned order);
void kmalloc_pages_free(void *p, unsigned order);

/* Sets up the size classes; call once before the first kmalloc. */
void kmalloc_init(void);

/* size bytes aligned to 16, or NULL (also for size 0 and before kmalloc_init). */
void *kmalloc(size_t size);

/* kmalloc, then zero the size bytes asked for. */
void *kzalloc(size_t size);

/*
 * Frees a kmalloc'd block; NULL is a no-op. Pointers that kmalloc did not
 * return are logged and ignored where they can be recognised (an object of
 * a non-kmalloc slab cache, a pointer inside an object, a double free of a
 * small block).
 */
void kfree(void *p);

/* Bytes usable at p (at least what was asked for); 0 for NULL or a bad p. */
size_t kmalloc_usable_size(void *p);

/* Returns the cached empty slab of every size class to the page provider. */
void kmalloc_shrink(void);

#endif
