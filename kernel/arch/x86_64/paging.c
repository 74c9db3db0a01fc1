// SPDX-License-Identifier: MIT
/*
 * The page-table walker (see paging.h). Intermediate entries are always
 * present, writable and user-accessible; the leaf alone decides access, so
 * one leaf change is the whole of a permission change.
 */
#include <stddef.h>

#include <cairn/errors.h>

#include "arch/x86_64/paging.h"

#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

int
pt_create(struct pagetable *pt)
{
    pt->root = pt_table_alloc();
    return pt->root ? 0 : -CAIRN_ENOMEM;
}

/* The entry for va at level `stop` (1 = PT, 2 = PD), creating missing
 * tables on the way if create is set. NULL if a table is missing (or could
 * not be allocated), or if a large page sits above the level asked for. */
static uint64_t *
pt_walk(const struct pagetable *pt, uint64_t va, unsigned stop, bool create, int *err)
{
    uint64_t *table = pt_table_virt(pt->root);

    for (unsigned level = 4; level > stop; level--) {
        uint64_t *entry = &table[pt_index(va, level)];

        if (!(*entry & PTE_P)) {
            uint64_t phys;
            if (!create) {
                *err = -CAIRN_ENOENT;
                return NULL;
            }
            phys = pt_table_alloc();
            if (!phys) {
                *err = -CAIRN_ENOMEM;
                return NULL;
            }
            *entry = phys | TABLE_FLAGS;
        } else if (*entry & PTE_PS) {
            *err = create ? -CAIRN_EEXIST : -CAIRN_ENOENT;
            return NULL;
        }
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
    uint64_t *pte;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, true, &err);
    if (!pte)
        return err;
    if (*pte & PTE_P)
        return -CAIRN_EEXIST;
    *pte = pa | (flags & PTE_LEAF_FLAGS) | PTE_P;
    return 0;
}

int
pt_map_large(struct pagetable *pt, uint64_t va, uint64_t pa, uint64_t flags)
{
    int err = pt_check(va, pa, 0x200000);
    uint64_t *pde;

    if (err)
        return err;
    pde = pt_walk(pt, va, 2, true, &err);
    if (!pde)
        return err;
    if (*pde & PTE_P)
        return -CAIRN_EEXIST;
    *pde = pa | (flags & PTE_LEAF_FLAGS) | PTE_PS | PTE_P;
    return 0;
}

int
pt_unmap(struct pagetable *pt, uint64_t va, uint64_t *pa_out)
{
    int err = pt_check(va, 0, 4096);
    uint64_t *pte;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, false, &err);
    if (!pte)
        return err;
    if (!(*pte & PTE_P))
        return -CAIRN_ENOENT;
    if (pa_out)
        *pa_out = *pte & PTE_ADDR;
    *pte = 0;
    pt_flush(pt, va);
    return 0;
}

int
pt_protect(struct pagetable *pt, uint64_t va, uint64_t flags)
{
    int err = pt_check(va, 0, 4096);
    uint64_t *pte;

    if (err)
        return err;
    pte = pt_walk(pt, va, 1, false, &err);
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

static bool
pt_table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < 512; i++) {
        if (table[i])
            return false;
    }
    return true;
}

/* Apply a range change to [start, end) within one table of `level`:
 * clear leaves (flags NULL) or rewrite their flags. */
static void
pt_range_level(uint64_t *table, unsigned level, uint64_t start, uint64_t end, const uint64_t *flags,
               struct pt_gather *g)
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
            /* Accessed and dirty are the CPU's: kept, and a difference
             * there alone is no change. */
            if (flags)
                want = (now & (PTE_ADDR | PTE_A | PTE_D)) | (*flags & PTE_LEAF_FLAGS) | PTE_P;
            if ((now ^ want) & ~(PTE_A | PTE_D)) {
                *entry = want;
                g->leaves++;
            }
        } else if (!(*entry & PTE_PS)) {
            uint64_t *child = pt_table_virt(*entry & PTE_ADDR);
            pt_range_level(child, level - 1, va, next, flags, g);
            if (!flags && g->ntables < PT_GATHER_TABLES && pt_table_empty(child)) {
                g->tables[g->ntables++] = *entry & PTE_ADDR;
                *entry = 0;
            }
        }
    }
}

void
pt_unmap_range(struct pagetable *pt, uint64_t start, uint64_t end, struct pt_gather *g)
{
    pt_range_level(pt_table_virt(pt->root), 4, start, end, NULL, g);
}

void
pt_protect_range(struct pagetable *pt, uint64_t start, uint64_t end, uint64_t flags,
                 struct pt_gather *g)
{
    pt_range_level(pt_table_virt(pt->root), 4, start, end, &flags, g);
}
