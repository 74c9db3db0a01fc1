// SPDX-License-Identifier: MIT
/*
 * The ramfs's chunk groups (chunk.h): each group one heap block of
 * CHUNK_GROUP slots, a bit per slot saying it is free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "ramfs.h"

_Static_assert(RAMFS_CHUNK + 16 <= CHUNK_SLOT, "a chunk and its header fill a slot");
_Static_assert(CHUNK_GROUP == 64, "a group's slots are the bits of a uint64_t");

struct chunk_group {
    struct chunk_group *next, *prev; /* on chunk_room while it has a free slot */
    uint8_t *base;                   /* CHUNK_GROUP slots */
    uint64_t free;                   /* bit i: slot i is free */
    unsigned nfree;
};

/* The header at the start of each slot. */
struct chunk_hdr {
    struct chunk_group *group;
    uint64_t index;
};

static struct chunk_group *chunk_room;  /* groups with a free slot */
static struct chunk_group *chunk_spare; /* one empty group kept, on no list */
static size_t chunk_ngroups;

static void
chunk_list_add(struct chunk_group *g)
{
    g->prev = NULL;
    g->next = chunk_room;
    if (chunk_room)
        chunk_room->prev = g;
    chunk_room = g;
}

static void
chunk_list_del(struct chunk_group *g)
{
    if (g->prev)
        g->prev->next = g->next;
    else
        chunk_room = g->next;
    if (g->next)
        g->next->prev = g->prev;
    g->next = g->prev = NULL;
}

static struct chunk_group *
chunk_group_new(void)
{
    struct chunk_group *g = malloc(sizeof(*g));

    if (!g)
        return NULL;
    g->base = malloc((size_t)CHUNK_SLOT * CHUNK_GROUP);
    if (!g->base) {
        free(g);
        return NULL;
    }
    g->free = ~0ull;
    g->nfree = CHUNK_GROUP;
    chunk_ngroups++;
    return g;
}

void *
chunk_alloc(void)
{
    struct chunk_group *g = chunk_room;
    struct chunk_hdr *h;
    unsigned i;

    if (!g) {
        g = chunk_spare ? chunk_spare : chunk_group_new();
        if (!g)
            return NULL;
        chunk_spare = NULL;
        chunk_list_add(g);
    }
    i = (unsigned)__builtin_ctzll(g->free);
    g->free &= ~(1ull << i);
    if (--g->nfree == 0)
        chunk_list_del(g);
    h = (struct chunk_hdr *)(g->base + (size_t)i * CHUNK_SLOT);
    h->group = g;
    h->index = i;
    memset(h + 1, 0, RAMFS_CHUNK);
    return h + 1;
}

void
chunk_free(void *p)
{
    struct chunk_hdr *h;
    struct chunk_group *g;

    if (!p)
        return;
    h = (struct chunk_hdr *)p - 1;
    g = h->group;
    if (g->nfree == 0)
        chunk_list_add(g);
    g->free |= 1ull << h->index;
    if (++g->nfree < CHUNK_GROUP)
        return;
    chunk_list_del(g);
    if (!chunk_spare) {
        chunk_spare = g;
        return;
    }
    free(g->base);
    free(g);
    chunk_ngroups--;
}

size_t
chunk_groups(void)
{
    return chunk_ngroups;
}
