// SPDX-License-Identifier: MIT
/*
 * The page-table walker (see paging.h). Intermediate entries are always
 * present, writable and user-accessible; the leaf alone decides access, so
 * one leaf change is the whole of a permission change.
 *
 * Every intermediate entry also counts the present entries of the table
 * it points to, in bits 52-61, which the CPU ignores in entries that
 * reference a table (Intel SDM vol. 3, 4.5). A table whose count drops to
 * zero is empty, which pt_unmap_range sees without reading the table.
 * The root's own entries are counted by nobody. Only the walker writes
 * entries below the root, so the counts stay true (the kernel's PML4
 * entries copied into each process are snapshots, never used to free).
 */
#include <stddef.h>

#include <cairn/errors.h>

#include "arch/x86_64/paging.h"

#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define COUNT_ONE   (1ull << 52) /* one present entry in the child table */
#define COUNT_MASK  (0x3ffull << 52)

/* Count one more (or one fewer) present entry in the table that `up`
 * points to; up is NULL for the root. */
static void
pt_count_inc(uint64_t *up)
{
    if (up)
        *up += COUNT_ONE;
}

static void
pt_count_dec(uint64_t *up)
{
    if (up)
        *up -= COUNT_ONE;
}

int
pt_create(struct pagetable *pt)
{
    pt->quota = NULL; /* the root is never charged here */
    pt->nspare = 0;
    pt->root = pt_table_alloc(pt);
    return pt->root ? 0 : -CAIRN_ENOMEM;
}

bool
pt_spare_put(struct pagetable *pt, uint64_t table)
{
    if (pt->nspare == PT_SPARE_TABLES)
        return false;
    pt->spare[pt->nspare++] = table;
    return true;
}

/* A zeroed table: a spare, or a new one. */
static uint64_t
pt_table_get(struct pagetable *pt)
{
    return pt->nspare ? pt->spare[--pt->nspare] : pt_table_alloc(pt);
}

/* The entry for va at level `stop` (1 = PT, 2 = PD), creating missing
 * tables on the way if create is set, and in *up the entry that points to
 * its table. NULL if a table is missing (or could not be allocated), or if
 * a large page sits above the level asked for. */
static uint64_t *
pt_walk(struct pagetable *pt, uint64_t va, unsigned stop, bool create, int *err, uint64_t **up)
{
    uint64_t *table = pt_table_virt(pt->root);

    *up = NULL;
    for (unsigned level = 4; level > stop; level--) {
        uint64_t *entry = &table[pt_index(va, level)];

        if (!(*entry & PTE_P)) {
            uint64_t phys;
            if (!create) {
                *err = -CAIRN_ENOENT;
                return NULL;
            }
            phys = pt_table_get(pt);
            if (!phys) {
                *err = -CAIRN_ENOMEM;
                return NULL;
            }
            *entry = phys | TABLE_FLAGS;
            pt_count_inc(*up);
        } else if (*entry & PTE_PS) {
            *err = create ? -CAIRN_EEXIST : -CAIRN_ENOENT;
            return NULL;
        }
        *up = entry;
        table = pt_table_virt(*entry & PTE_ADDR);
    }
    return &table[pt_index(va, stop)];
}

static int
pt_check(uint64_t va, uint64_t pa, uint64_t align)
{
    if ((va | pa) & (align - 1) || !pt_canonical(va) || (pa & ~PTE_ADDR))
        return -CAIRN_EINVAL;
    return 0;
}

int
pt_map(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t flags)
{
    int err = pt_check(va, pa, 4096);
    uint64_t *pte, *up;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, true, &err, &up);
    if (!pte)
        return err;
    if (*pte & PTE_P)
        return -CAIRN_EEXIST;
    *pte = pa | (flags & PTE_LEAF_FLAGS) | PTE_P;
    pt_count_inc(up);
    return 0;
}

int
pt_map_large(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t flags)
{
    int err = pt_check(va, pa, 0x200000);
    uint64_t *pde, *up;

    if (err)
        return err;
    pde = pt_walk(pt, va, 2, true, &err, &up);
    if (!pde)
        return err;
    if (*pde & PTE_P)
        return -CAIRN_EEXIST;
    *pde = pa | (flags & PTE_LEAF_FLAGS) | PTE_PS | PTE_P;
    pt_count_inc(up);
    return 0;
}

int
pt_unmap(struct pagetable *pt, uint64_t va, uint64_t *pa_out)
{
    int err = pt_check(va, 0, 4096);
    uint64_t *pte, *up;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, false, &err, &up);
    if (!pte)
        return err;
    if (!(*pte & PTE_P))
        return -CAIRN_ENOENT;
    if (pa_out)
        *pa_out = *pte & PTE_ADDR;
    *pte = 0;
    pt_count_dec(up);
    pt_flush(pt, va);
    return 0;
}

/* A run of n pages from va (and pa) that fits in va's last-level table. */
static int
pt_run_check(uint64_t va, uint64_t pa, unsigned n)
{
    int err = pt_check(va, pa, 4096);

    if (err)
        return err;
    if (n == 0 || n > 512 - pt_index(va, 1) || ((pa + ((uint64_t)n - 1) * 4096) & ~PTE_ADDR))
        return -CAIRN_EINVAL;
    return 0;
}

int
pt_map_run(struct pagetable *pt, uint64_t va, uint64_t pa, unsigned n, uint64_t flags)
{
    int err = pt_run_check(va, pa, n);
    uint64_t *pte, *up;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, true, &err, &up);
    if (!pte)
        return err;
    for (unsigned i = 0; i < n; i++) {
        if (pte[i] & PTE_P)
            return -CAIRN_EEXIST;
    }
    flags = (flags & PTE_LEAF_FLAGS) | PTE_P;
    for (unsigned i = 0; i < n; i++)
        pte[i] = (pa + (uint64_t)i * 4096) | flags;
    *up += n * COUNT_ONE; /* a last-level table is never the root */
    return 0;
}

int
pt_unmap_run(struct pagetable *pt, uint64_t va, unsigned n)
{
    int err = pt_run_check(va, 0, n);
    uint64_t *pte, *up;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, false, &err, &up);
    if (!pte)
        return err;
    for (unsigned i = 0; i < n; i++) {
        if (!(pte[i] & PTE_P))
            return -CAIRN_ENOENT;
    }
    for (unsigned i = 0; i < n; i++)
        pte[i] = 0;
    *up -= n * COUNT_ONE;
    for (unsigned i = 0; i < n; i++)
        pt_flush(pt, va + (uint64_t)i * 4096);
    return 0;
}

int
pt_protect(struct pagetable *pt, uint64_t va, uint64_t flags)
{
    int err = pt_check(va, 0, 4096);
    uint64_t *pte, *up;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, false, &err, &up);
    if (!pte)
        return err;
    if (!(*pte & PTE_P))
        return -CAIRN_ENOENT;
    *pte = (*pte & PTE_ADDR) | (flags & PTE_LEAF_FLAGS) | PTE_P;
    pt_flush(pt, va);
    return 0;
}

int
pt_lookup(const struct pagetable *pt, uint64_t va, uint64_t *pa, uint64_t *flags)
{
    const uint64_t *table = pt_table_virt(pt->root);

    if (!pt_canonical(va))
        return -CAIRN_EINVAL;
    for (unsigned level = 4; level >= 1; level--) {
        uint64_t entry = table[pt_index(va, level)];
        uint64_t page_mask = (1ull << (12 + 9 * (level - 1))) - 1;

        if (!(entry & PTE_P))
            return -CAIRN_ENOENT;
        if (level == 1 || (entry & PTE_PS)) {
            if (level == 4)
                return -CAIRN_EINVAL; /* PS is reserved in a PML4 entry */
            if (pa)
                *pa = (entry & PTE_ADDR & ~page_mask) | (va & page_mask);
            if (flags)
                *flags = entry & (PTE_LEAF_FLAGS | PTE_PS | PTE_A | PTE_D);
            return 0;
        }
        table = pt_table_virt(entry & PTE_ADDR);
    }
    return -CAIRN_ENOENT;
}

/* Apply a range change to [start, end) within one table of `level`, which
 * `up` points to (NULL: the root): clear leaves (flags NULL) or rewrite
 * their flags. */
static void
pt_range_level(uint64_t *table, uint64_t *up, unsigned level, uint64_t start, uint64_t end,
               const uint64_t *flags, struct pt_gather *g)
{
    uint64_t span = 1ull << (12 + 9 * (level - 1));

    for (uint64_t va = start, next; va < end; va = next) {
        uint64_t *entry = &table[pt_index(va, level)];

        next = (va & ~(span - 1)) + span;
        if (next > end || next < va) /* next < va: wrapped past the top */
            next = end;
        if (!(*entry & PTE_P))
            continue;
        if (level == 1) {
            uint64_t now = *entry, want = 0;
            /* Only the access bits change: the address, the cache type
             * and the CPU's accessed and dirty bits stay (and a difference
             * in accessed or dirty alone is no change). */
            if (flags)
                want = (now & ~PTE_ACCESS_FLAGS) | (*flags & PTE_ACCESS_FLAGS);
            if ((now ^ want) & ~(PTE_A | PTE_D)) {
                *entry = want;
                g->leaves++;
                if (!want)
                    pt_count_dec(up);
            }
        } else if (!(*entry & PTE_PS)) {
            pt_range_level(pt_table_virt(*entry & PTE_ADDR), entry, level - 1, va, next, flags, g);
            /* Emptied (or found empty): detach it, if there is room to
             * hand it to the caller. */
            if (!flags && !(*entry & COUNT_MASK) && g->ntables < PT_GATHER_TABLES) {
                g->tables[g->ntables++] = *entry & PTE_ADDR;
                *entry = 0;
                pt_count_dec(up);
            }
        }
    }
}

void
pt_unmap_range(struct pagetable *pt, uint64_t start, uint64_t end, struct pt_gather *g)
{
    pt_range_level(pt_table_virt(pt->root), NULL, 4, start, end, NULL, g);
}

void
pt_protect_range(struct pagetable *pt, uint64_t start, uint64_t end, uint64_t flags,
                 struct pt_gather *g)
{
    pt_range_level(pt_table_virt(pt->root), NULL, 4, start, end, &flags, g);
}
