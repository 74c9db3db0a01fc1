/* SPDX-License-Identifier: MIT */
/*
 * Four-level x86_64 page tables: map, unmap, protect and look up single
 * 4 KiB pages (and 2 MiB pages for the direct map), and map or unmap a run
 * of pages within one last-level table in a single walk.
 *
 * The walker is pure: it reaches table memory only through the three
 * pt_table_* functions its embedder provides (the kernel's vm.c, or a host
 * test that backs "physical" pages with malloc), and flushes through
 * pt_flush() after every change to a present entry (the kernel's flush
 * reaches every CPU that may cache it). Callers serialize changes to one
 * address space.
 *
 * The range functions (pt_unmap_range, pt_protect_range) are the
 * exception: they change many entries and flush nothing, so that the
 * caller can drop its lock first and flush the whole range once. Until
 * that flush, CPUs may still use the old entries, and the tables they
 * detached: the caller frees those only afterwards (struct pt_gather).
 */
#ifndef CAIRN_ARCH_X86_64_PAGING_H
#define CAIRN_ARCH_X86_64_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Leaf flags a caller may ask for; everything else is the walker's. */
#define PTE_LEAF_FLAGS   (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_G | PTE_NX)
/* The leaf flags that decide access (what pt_protect_range changes). */
#define PTE_ACCESS_FLAGS (PTE_W | PTE_U | PTE_NX)

/* Cache types through the PAT as vm.c programs it (PWT alone selects
 * write-combining). */
#define PTE_CACHE_WB 0
#define PTE_CACHE_WC PTE_PWT
#define PTE_CACHE_UC (PTE_PCD | PTE_PWT)

/* A page table kept empty tables for reuse: they cost a zeroed frame
 * from the allocator each time otherwise. */
#define PT_SPARE_TABLES 4

struct quota;

struct pagetable {
    uint64_t root;                   /* physical address of the PML4 */
    unsigned nspare;                 /* empty tables (all zero) that the */
    uint64_t spare[PT_SPARE_TABLES]; /* walker takes before pt_table_alloc() */
    struct quota *quota;             /* what tables below the root are charged to, or NULL */
};

/* Embedder-provided. pt_table_alloc: a zeroed page's physical address, or
 * 0 (no memory, or pt->quota is spent); pt_table_free gives one back (the
 * walker never frees; its users do, and the root is theirs to account). */
uint64_t pt_table_alloc(struct pagetable *pt);
void pt_table_free(struct pagetable *pt, uint64_t phys);
void *pt_table_virt(uint64_t phys);
/* Drop va's cached translation in pt wherever it may be cached. */
void pt_flush(const struct pagetable *pt, uint64_t va);

static inline unsigned
pt_index(uint64_t va, unsigned level)
{
    /* level 4 = PML4 ... level 1 = PT */
    return (va >> (12 + 9 * (level - 1))) & 511;
}

static inline bool
pt_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int pt_create(struct pagetable *pt);
/* Map one 4 KiB page. -CAIRN_EEXIST if va is mapped, -CAIRN_EINVAL for
 * unaligned or non-canonical addresses, -CAIRN_ENOMEM if a table could not
 * be allocated. */
int pt_map(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t flags);
/* Map one 2 MiB page (both addresses 2 MiB aligned). */
int pt_map_large(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t flags);
/* Unmap one 4 KiB page; *pa_out receives what it mapped. -CAIRN_ENOENT if
 * nothing was mapped there. */
int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t *pa_out);
/* Map n consecutive 4 KiB pages, va to pa, va + 4096 to pa + 4096, ...,
 * in one walk: the run must lie in one last-level table (not cross a
 * 2 MiB boundary). All or nothing: -CAIRN_EEXIST if any page of the run is
 * mapped, -CAIRN_EINVAL as pt_map or for an empty run or one that leaves
 * its table, -CAIRN_ENOMEM as pt_map; then no leaf has changed. */
int pt_map_run(struct pagetable *pt, uint64_t va, uint64_t pa, unsigned n, uint64_t flags);
/* Unmap n consecutive 4 KiB pages from va in one walk, within one
 * last-level table as for pt_map_run, flushing each through pt_flush().
 * All or nothing: -CAIRN_ENOENT if any page of the run is not mapped,
 * -CAIRN_EINVAL for a bad run; then nothing has changed. Like pt_unmap, it
 * never detaches a table the run leaves empty. */
int pt_unmap_run(struct pagetable *pt, uint64_t va, unsigned n);
/* Replace a mapped 4 KiB page's flags. */
int pt_protect(struct pagetable *pt, uint64_t va, uint64_t flags);
/* Keep table, an empty table detached from pt (by pt_unmap_range) that no
 * CPU can reach any more, for pt's next new table. false when pt keeps
 * enough already: then the caller frees it. The owner frees what is kept
 * (pt->spare[0 .. nspare)) with the table. */
bool pt_spare_put(struct pagetable *pt, uint64_t table);
/* Translate va (4 KiB or 2 MiB mapping); flags of the leaf entry. */
int pt_lookup(const struct pagetable *pt, uint64_t va, uint64_t *pa, uint64_t *flags);

/* What a range change leaves to its caller: whether a flush is needed, and
 * the tables it detached, to be freed only after that flush. */
#define PT_GATHER_TABLES 32
struct pt_gather {
    uint64_t leaves;                   /* present leaf entries changed */
    unsigned ntables;                  /* entries of tables[] in use */
    uint64_t tables[PT_GATHER_TABLES]; /* detached tables' physical addresses */
};

/* Clear every 4 KiB leaf in [start, end) (page-aligned, canonical, within
 * one half of the address space; 2 MiB leaves are left alone) and detach
 * every table below the root that is left empty, into g while it has room
 * (the others stay in place, empty, for a later call or the table's
 * owner). Flushes nothing: the caller flushes the range if g->leaves or
 * g->ntables, then frees g->tables. g is added to, not reset. */
void pt_unmap_range(struct pagetable *pt, uint64_t start, uint64_t end, struct pt_gather *g);
/* Give every present 4 KiB leaf in [start, end) the access bits of
 * `flags` (PTE_ACCESS_FLAGS), keeping its address and cache type; counts
 * the entries that changed in g->leaves. Flushes nothing and detaches no
 * table. */
void pt_protect_range(struct pagetable *pt, uint64_t start, uint64_t end, uint64_t flags,
                      struct pt_gather *g);

#endif
