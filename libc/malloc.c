// SPDX-License-Identifier: MIT
/*
 * malloc, free, calloc, realloc, posix_memalign, aligned_alloc
 * (<stdlib.h>).
 *
 * Every block starts 16 bytes after a header (struct chunk) that says what
 * it is, so free needs nothing but the pointer, and every block is 16-byte
 * aligned:
 *   - small blocks (up to SMALL_MAX bytes) come in size classes, carved
 *     from runs of RUN_SIZE bytes, one class per run; a run keeps a list
 *     of its freed chunks and bumps through the ones never used. Runs with
 *     a chunk to give are on their class's list. A run whose last chunk is
 *     freed goes back to the system unless it is its class's only run with
 *     room (kept, so that a loop of malloc and free does not map and unmap);
 *   - larger blocks, and blocks aligned to more than 16 bytes, get pages of
 *     their own, given back when they are freed.
 * So memory returns to the system as blocks are freed, not only when the
 * process ends.
 *
 * The header's magic tells a live small block, a freed one and a large
 * one apart: free or realloc of a pointer whose header is not a live
 * block's (a double free, a pointer into the middle of a block, a stray
 * one) ends the process through malloc_die instead of corrupting the heap
 * further. That catches mistakes; it is no defence against a program that
 * overwrites headers on purpose.
 *
 * One lock (heap_lock) guards every run and list: simple, and correct for
 * any number of threads; a per-thread cache is the step to take when
 * contention shows.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_impl.h"

#define HEADER    16u
#define RUN_SIZE  (64u * 1024)
#define SMALL_MAX 3072u
#define MAX_ALIGN (1ul << 30) /* the largest alignment posix_memalign takes */

enum chunk_magic {
    CHUNK_SMALL = 0x5a11c0deu, /* a live small block */
    CHUNK_FREE = 0xf4eec0deu,  /* a small block on its run's free list */
    CHUNK_LARGE = 0x1a46ec0du, /* a live block with pages of its own */
};

struct run;

/* The 16 bytes before every block. */
struct chunk {
    uint32_t magic;
    uint32_t aux; /* small: the class; large: bytes from the pages' start to this header */
    union {
        struct run *run;    /* small: the run it lives in */
        uint64_t length;    /* large: the length of its pages */
        struct chunk *next; /* free: the next free chunk of the run */
    };
};
_Static_assert(sizeof(struct chunk) == HEADER, "a header keeps blocks 16-byte aligned");

/* The start of a run (RUN_SIZE bytes from malloc_pages_get). */
struct run {
    struct run *next, *prev; /* on its class's list while it has room */
    struct chunk *free;      /* freed chunks */
    char *bump, *end;        /* chunks never used: [bump, end) */
    uint32_t cls, used;      /* its class; live blocks in it */
    int listed;
};

/* Block sizes of the classes, 16-byte multiples, about 25% apart. */
static const uint32_t class_size[] = {
    16,  32,  48,  64,  80,  96,  112,  128,  160,  192,  224,  256,  320,
    384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072,
};
#define CLASSES (sizeof(class_size) / sizeof(class_size[0]))
_Static_assert(SMALL_MAX == 3072, "the last class is SMALL_MAX");

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct run *class_runs[CLASSES]; /* runs with room, per class */

static unsigned
class_of(size_t size)
{
    unsigned c = 0;

    while (class_size[c] < size)
        c++;
    return c;
}

static void
run_list_add(struct run *r)
{
    r->prev = NULL;
    r->next = class_runs[r->cls];
    if (r->next)
        r->next->prev = r;
    class_runs[r->cls] = r;
    r->listed = 1;
}

static void
run_list_remove(struct run *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        class_runs[r->cls] = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->listed = 0;
}

static struct run *
run_new(unsigned cls)
{
    struct run *r = malloc_pages_get(RUN_SIZE);
    size_t first = (sizeof(*r) + 15) & ~(size_t)15;
    size_t stride = HEADER + class_size[cls];

    if (!r)
        return NULL;
    r->cls = cls;
    r->used = 0;
    r->free = NULL;
    r->bump = (char *)r + first;
    r->end = r->bump + (RUN_SIZE - first) / stride * stride;
    run_list_add(r);
    return r;
}

static void *
small_alloc(size_t size)
{
    unsigned cls = class_of(size);
    struct run *r = class_runs[cls];
    struct chunk *c;

    if (!r && !(r = run_new(cls)))
        return NULL;
    if (r->free) {
        c = r->free;
        r->free = c->next;
    } else {
        c = (struct chunk *)r->bump;
        r->bump += HEADER + class_size[cls];
    }
    if (!r->free && r->bump == r->end)
        run_list_remove(r); /* full */
    r->used++;
    c->magic = CHUNK_SMALL;
    c->aux = cls;
    c->run = r;
    return c + 1;
}

static void
small_free(struct chunk *c)
{
    struct run *r = c->run;

    c->magic = CHUNK_FREE;
    c->next = r->free;
    r->free = c;
    r->used--;
    if (!r->listed)
        run_list_add(r);
    /* Empty: give it back, unless the class would be left with no room. */
    if (r->used == 0 && (r->prev || r->next)) {
        run_list_remove(r);
        malloc_pages_put(r, RUN_SIZE);
    }
}

/* A block of size bytes at an alignment (a power of two, >= 16) on pages
 * of its own. */
static void *
large_alloc(size_t size, size_t align)
{
    size_t lead = align > HEADER ? align : HEADER; /* header to block, at most */
    size_t length;
    char *pages, *block;
    struct chunk *c;

    if (size > SIZE_MAX - lead - MALLOC_PAGE)
        return NULL;
    length = (size + lead + MALLOC_PAGE - 1) & ~(MALLOC_PAGE - 1);
    pages = malloc_pages_get(length);
    if (!pages)
        return NULL;
    block = (char *)(((uintptr_t)pages + HEADER + align - 1) & ~(uintptr_t)(align - 1));
    c = (struct chunk *)block - 1;
    c->magic = CHUNK_LARGE;
    c->aux = (uint32_t)((char *)c - pages);
    c->length = length;
    return block;
}

/* The header of a live block, or the end of the process. */
static struct chunk *
chunk_of(void *p)
{
    struct chunk *c = (struct chunk *)p - 1;

    if ((uintptr_t)p % HEADER)
        malloc_die("not a block", p);
    if (c->magic == CHUNK_FREE)
        malloc_die("freed twice", p);
    if ((c->magic == CHUNK_SMALL && c->aux < CLASSES) || c->magic == CHUNK_LARGE)
        return c;
    malloc_die("not a block, or its header was overwritten", p);
}

/* How many bytes the block at p can hold. */
static size_t
chunk_capacity(const struct chunk *c)
{
    if (c->magic == CHUNK_SMALL)
        return class_size[c->aux];
    return c->length - c->aux - HEADER;
}

static void *
heap_alloc(size_t size, size_t align)
{
    void *p;

    pthread_mutex_lock(&heap_lock);
    if (align <= HEADER && size <= SMALL_MAX)
        p = small_alloc(size ? size : 1);
    else
        p = large_alloc(size, align);
    pthread_mutex_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *
malloc(size_t size)
{
    return heap_alloc(size, HEADER);
}

void
free(void *p)
{
    struct chunk *c;

    if (!p)
        return;
    pthread_mutex_lock(&heap_lock);
    c = chunk_of(p);
    if (c->magic == CHUNK_SMALL) {
        small_free(c);
    } else {
        /* Its pages go: a second free faults on the unmapped header. */
        malloc_pages_put((char *)c - c->aux, c->length);
    }
    pthread_mutex_unlock(&heap_lock);
}

void *
calloc(size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    p = malloc(count * size);
    /* Pages of its own are fresh from the system, zero already. */
    if (p && ((struct chunk *)p - 1)->magic == CHUNK_SMALL)
        memset(p, 0, count * size);
    return p;
}

/* As glibc: realloc(p, 0) frees p and returns NULL. A block that still
 * fits stays where it is unless it would be less than half used (and more
 * than 64 bytes): shrinking a block much moves it, so the memory goes
 * back. */
void *
realloc(void *p, size_t size)
{
    size_t have;
    void *q;

    if (!p)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    pthread_mutex_lock(&heap_lock);
    have = chunk_capacity(chunk_of(p));
    pthread_mutex_unlock(&heap_lock);
    if (size <= have && (size > have / 2 || have <= 64))
        return p;
    q = malloc(size);
    if (!q)
        return NULL; /* p is left as it was */
    memcpy(q, p, size < have ? size : have);
    free(p);
    return q;
}

int
posix_memalign(void **out, size_t alignment, size_t size)
{
    void *p;

    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) || alignment > MAX_ALIGN)
        return EINVAL;
    p = heap_alloc(size, alignment < HEADER ? HEADER : alignment);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *
aligned_alloc(size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1)) || alignment > MAX_ALIGN) {
        errno = EINVAL;
        return NULL;
    }
    return heap_alloc(size, alignment < HEADER ? HEADER : alignment);
}
