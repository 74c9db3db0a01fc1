// SPDX-License-Identifier: MIT
/*
 * Host tests of the page-table walker: "physical" table pages are
 * page-aligned host allocations whose address is their physical address.
 */
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "arch/x86_64/paging.h"
#include "check.h"

static unsigned tables_allocated;
static unsigned flushes;
static uint64_t last_flush_root, last_flush_va;
static int fail_allocations_after = -1; /* -1: never fail */
static void *pages[256];

uint64_t
pt_table_alloc(struct pagetable *pt)
{
    (void)pt;
    void *p;

    if (fail_allocations_after == 0)
        return 0;
    if (fail_allocations_after > 0)
        fail_allocations_after--;
    p = aligned_alloc(4096, 4096);
    memset(p, 0, 4096);
    pages[tables_allocated++] = p;
    return (uint64_t)(uintptr_t)p;
}

void *
pt_table_virt(uint64_t phys)
{
    return (void *)(uintptr_t)phys;
}

void
pt_flush(const struct pagetable *pt, uint64_t va)
{
    last_flush_root = pt->root;
    last_flush_va = va;
    flushes++;
}

static void
reset(void)
{
    for (unsigned i = 0; i < tables_allocated; i++)
        free(pages[i]);
    tables_allocated = 0;
    flushes = 0;
    last_flush_root = last_flush_va = 0;
    fail_allocations_after = -1;
}

TEST(map_then_lookup_translates_with_flags)
{
    struct pagetable pt;
    uint64_t pa, flags;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0xffff800000123000ull, 0x5000, PTE_W | PTE_NX) == 0);
    CHECK(pt_lookup(&pt, 0xffff800000123abcull, &pa, &flags) == 0);
    CHECK(pa == 0x5abc);
    CHECK(flags & PTE_W);
    CHECK(flags & PTE_NX);
    CHECK(!(flags & PTE_U));
    CHECK(tables_allocated == 4); /* PML4, PDPT, PD, PT */
    reset();
}

TEST(neighbouring_pages_share_tables)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    for (uint64_t i = 0; i < 512; i++)
        CHECK(pt_map(&pt, 0x400000 + i * 4096, i * 4096, 0) == 0);
    CHECK(tables_allocated == 4);
    CHECK(pt_map(&pt, 0x600000, 0, 0) == 0); /* next PD entry: one more PT */
    CHECK(tables_allocated == 5);
    reset();
}

TEST(bad_addresses_are_refused)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x1001, 0x2000, 0) == -CAIRN_EINVAL);
    CHECK(pt_map(&pt, 0x1000, 0x2001, 0) == -CAIRN_EINVAL);
    CHECK(pt_map(&pt, 0x0000800000000000ull, 0x2000, 0) == -CAIRN_EINVAL);
    CHECK(pt_map(&pt, 0x1000, 1ull << 52, 0) == -CAIRN_EINVAL);
    CHECK(pt_lookup(&pt, 0x0000800000000000ull, NULL, NULL) == -CAIRN_EINVAL);
    CHECK(pt_map_large(&pt, 0x201000, 0x200000, 0) == -CAIRN_EINVAL);
    CHECK(tables_allocated == 1);
    reset();
}

TEST(double_map_is_refused_and_keeps_first_mapping)
{
    struct pagetable pt;
    uint64_t pa;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x1000, 0x7000, 0) == 0);
    CHECK(pt_map(&pt, 0x1000, 0x8000, PTE_W) == -CAIRN_EEXIST);
    CHECK(pt_lookup(&pt, 0x1000, &pa, NULL) == 0 && pa == 0x7000);
    reset();
}

TEST(unmap_removes_and_flushes)
{
    struct pagetable pt;
    uint64_t pa = 0;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_unmap(&pt, 0x1000, NULL) == -CAIRN_ENOENT);
    CHECK(pt_map(&pt, 0x1000, 0x7000, 0) == 0);
    CHECK(pt_unmap(&pt, 0x1000, &pa) == 0);
    CHECK(pa == 0x7000);
    CHECK(flushes == 1);
    CHECK(last_flush_root == pt.root && last_flush_va == 0x1000); /* the table is named */
    CHECK(pt_lookup(&pt, 0x1000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_unmap(&pt, 0x1000, NULL) == -CAIRN_ENOENT);
    CHECK(pt_map(&pt, 0x1000, 0x9000, 0) == 0); /* the slot is reusable */
    reset();
}

TEST(protect_changes_flags_not_address)
{
    struct pagetable pt;
    uint64_t pa, flags;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_protect(&pt, 0x1000, 0) == -CAIRN_ENOENT);
    CHECK(pt_map(&pt, 0x1000, 0x7000, PTE_W) == 0);
    CHECK(pt_protect(&pt, 0x1000, PTE_NX | PTE_U) == 0);
    CHECK(pt_lookup(&pt, 0x1000, &pa, &flags) == 0);
    CHECK(pa == 0x7000);
    CHECK(!(flags & PTE_W));
    CHECK(flags & PTE_NX);
    CHECK(flags & PTE_U);
    CHECK(flushes == 1);
    CHECK(last_flush_root == pt.root && last_flush_va == 0x1000);
    reset();
}

TEST(large_pages_translate_and_block_small_maps)
{
    struct pagetable pt;
    uint64_t pa, flags;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map_large(&pt, 0xffff800000200000ull, 0x40000000, PTE_W) == 0);
    CHECK(pt_lookup(&pt, 0xffff8000002abcdeull, &pa, &flags) == 0);
    CHECK(pa == 0x400abcde);
    CHECK(flags & PTE_PS);
    CHECK(pt_map(&pt, 0xffff800000201000ull, 0x1000, 0) == -CAIRN_EEXIST);
    CHECK(pt_unmap(&pt, 0xffff800000201000ull, NULL) == -CAIRN_ENOENT);
    CHECK(pt_map_large(&pt, 0xffff800000200000ull, 0, 0) == -CAIRN_EEXIST);
    reset();
}

TEST(table_allocation_failure_is_reported)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    fail_allocations_after = 1; /* the PDPT succeeds, the PD fails */
    CHECK(pt_map(&pt, 0x1000, 0x2000, 0) == -CAIRN_ENOMEM);
    CHECK(pt_lookup(&pt, 0x1000, NULL, NULL) == -CAIRN_ENOENT);
    fail_allocations_after = -1;
    CHECK(pt_map(&pt, 0x1000, 0x2000, 0) == 0); /* and recovers */
    reset();
}

/* Is phys one of the tables the gather detached? */
static int
gathered(const struct pt_gather *g, uint64_t phys)
{
    for (unsigned i = 0; i < g->ntables; i++) {
        if (g->tables[i] == phys)
            return 1;
    }
    return 0;
}

/* The physical address of the table at `level` on va's path (4: the root). */
static uint64_t
table_on_path(const struct pagetable *pt, uint64_t va, unsigned level)
{
    uint64_t phys = pt->root;

    for (unsigned l = 4; l > level; l--)
        phys = ((const uint64_t *)pt_table_virt(phys))[pt_index(va, l)] & PTE_ADDR;
    return phys;
}

/* The entry above va's last-level table, whose bits 52-61 count the
 * present entries of that table. */
static uint64_t
pd_entry_of(const struct pagetable *pt, uint64_t va)
{
    return ((const uint64_t *)pt_table_virt(table_on_path(pt, va, 2)))[pt_index(va, 2)];
}

TEST(unmap_range_clears_only_the_range_and_flushes_nothing)
{
    struct pagetable pt;
    struct pt_gather g = {0};

    CHECK(pt_create(&pt) == 0);
    for (uint64_t i = 0; i < 8; i++)
        CHECK(pt_map(&pt, 0x400000 + i * 4096, 0x10000 + i * 4096, PTE_U) == 0);
    pt_unmap_range(&pt, 0x402000, 0x405000, &g);
    CHECK(g.leaves == 3);
    CHECK(g.ntables == 0); /* the PT still maps five pages */
    CHECK(flushes == 0);
    for (uint64_t i = 0; i < 8; i++) {
        int mapped = pt_lookup(&pt, 0x400000 + i * 4096, NULL, NULL) == 0;
        CHECK(mapped == (i < 2 || i >= 5));
    }
    reset();
}

TEST(unmap_range_detaches_emptied_tables_but_not_shared_ones)
{
    struct pagetable pt;
    struct pt_gather g = {0};
    uint64_t pt_a, pt_b, pd;

    CHECK(pt_create(&pt) == 0);
    /* Two PTs under one PD: 0x400000 and 0x600000. */
    CHECK(pt_map(&pt, 0x400000, 0x1000, PTE_U) == 0);
    CHECK(pt_map(&pt, 0x600000, 0x2000, PTE_U) == 0);
    pt_a = table_on_path(&pt, 0x400000, 1);
    pt_b = table_on_path(&pt, 0x600000, 1);
    pd = table_on_path(&pt, 0x400000, 2);
    pt_unmap_range(&pt, 0x400000, 0x401000, &g);
    CHECK(g.leaves == 1);
    CHECK(g.ntables == 1 && gathered(&g, pt_a)); /* the PD still holds pt_b */
    CHECK(table_on_path(&pt, 0x600000, 1) == pt_b);
    CHECK(pt_lookup(&pt, 0x600000, NULL, NULL) == 0);
    /* A range over holes and the last page empties PD and PDPT too. */
    pt_unmap_range(&pt, 0x1000, 0x40000000, &g);
    CHECK(g.leaves == 2);
    CHECK(g.ntables == 4 && gathered(&g, pt_b) && gathered(&g, pd));
    CHECK(((const uint64_t *)pt_table_virt(pt.root))[0] == 0);
    CHECK(flushes == 0);
    reset();
}

TEST(unmap_range_over_nothing_changes_nothing)
{
    struct pagetable pt;
    struct pt_gather g = {0};

    CHECK(pt_create(&pt) == 0);
    pt_unmap_range(&pt, 0x1000, 0x0000800000000000ull, &g); /* the whole user half */
    CHECK(g.leaves == 0 && g.ntables == 0);
    CHECK(pt_map(&pt, 0x0000800000000000ull - 4096, 0x3000, PTE_U) == 0);
    pt_unmap_range(&pt, 0x0000800000000000ull - 4096, 0x0000800000000000ull, &g);
    CHECK(g.leaves == 1 && g.ntables == 3); /* the last page of the half, and its tables */
    reset();
}

TEST(unmap_range_stops_detaching_when_the_gather_is_full)
{
    struct pagetable pt;
    struct pt_gather g = {0};
    uint64_t n = PT_GATHER_TABLES + 8;

    CHECK(pt_create(&pt) == 0);
    for (uint64_t i = 0; i < n; i++) /* one PT each */
        CHECK(pt_map(&pt, 0x40000000 + i * 0x200000, 0x1000, PTE_U) == 0);
    pt_unmap_range(&pt, 0x40000000, 0x40000000 + n * 0x200000, &g);
    CHECK(g.leaves == n);
    CHECK(g.ntables == PT_GATHER_TABLES);
    for (uint64_t i = 0; i < n; i++)
        CHECK(pt_lookup(&pt, 0x40000000 + i * 0x200000, NULL, NULL) == -CAIRN_ENOENT);
    /* The tables left behind are found by the next call. */
    g.ntables = 0;
    pt_unmap_range(&pt, 0x40000000, 0x40000000 + n * 0x200000, &g);
    CHECK(g.leaves == n);
    CHECK(g.ntables == 8 + 2); /* the other PTs, then the PD and the PDPT */
    reset();
}

TEST(table_entries_count_present_entries_in_ignored_bits)
{
    struct pagetable pt;
    struct pt_gather g = {0};
    uint64_t *pml4, pd_entry;

    CHECK(pt_create(&pt) == 0);
    for (uint64_t i = 0; i < 3; i++)
        CHECK(pt_map(&pt, 0x400000 + i * 4096, 0x1000, PTE_U) == 0);
    pml4 = pt_table_virt(pt.root);
    CHECK(pml4[0] >> 52 == 1); /* one PDPT entry */
    pd_entry = ((const uint64_t *)pt_table_virt(table_on_path(&pt, 0x400000, 2)))[2];
    CHECK(pd_entry >> 52 == 3); /* three PTEs, in bits the CPU ignores */
    CHECK((pd_entry & PTE_ADDR) == table_on_path(&pt, 0x400000, 1));
    CHECK(pt_unmap(&pt, 0x401000, NULL) == 0);
    CHECK(pt_unmap(&pt, 0x400000, NULL) == 0);
    CHECK(pt_unmap(&pt, 0x402000, NULL) == 0);
    /* Emptied one page at a time: a range next to the pages finds it. */
    pt_unmap_range(&pt, 0x500000, 0x501000, &g);
    CHECK(g.leaves == 0 && g.ntables == 3);
    CHECK(pml4[0] == 0);
    reset();
}

TEST(spare_tables_are_used_before_new_ones)
{
    struct pagetable pt;
    struct pt_gather g = {0};
    unsigned allocated;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x400000, 0x1000, PTE_U) == 0);
    pt_unmap_range(&pt, 0x400000, 0x401000, &g);
    CHECK(g.ntables == 3);
    for (unsigned i = 0; i < g.ntables; i++)
        CHECK(pt_spare_put(&pt, g.tables[i]));
    allocated = tables_allocated;
    CHECK(pt_map(&pt, 0x7f0000000000ull, 0x2000, PTE_U) == 0); /* another path: three tables */
    CHECK(tables_allocated == allocated && pt.nspare == 0);
    CHECK(pt_lookup(&pt, 0x7f0000000000ull, NULL, NULL) == 0);
    for (unsigned i = 0; i < PT_SPARE_TABLES; i++)
        CHECK(pt_spare_put(&pt, 0x1000 * (i + 1)));
    CHECK(!pt_spare_put(&pt, 0x9000)); /* full: the caller frees it */
    reset();
}

TEST(protect_range_rewrites_present_leaves_only)
{
    struct pagetable pt;
    struct pt_gather g = {0};
    uint64_t pa, flags;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x400000, 0x7000, PTE_U | PTE_W) == 0);
    CHECK(pt_map(&pt, 0x402000, 0x8000, PTE_U | PTE_W) == 0);
    pt_protect_range(&pt, 0x400000, 0x403000, PTE_U | PTE_NX, &g);
    CHECK(g.leaves == 2 && g.ntables == 0 && flushes == 0);
    CHECK(pt_lookup(&pt, 0x402000, &pa, &flags) == 0);
    CHECK(pa == 0x8000 && (flags & PTE_NX) && !(flags & PTE_W) && (flags & PTE_U));
    CHECK(pt_lookup(&pt, 0x401000, NULL, NULL) == -CAIRN_ENOENT); /* not entered */
    pt_protect_range(&pt, 0x400000, 0x403000, PTE_U | PTE_NX, &g);
    CHECK(g.leaves == 2); /* the same flags again: no change */
    /* The cache type stays: only access changes. */
    CHECK(pt_map(&pt, 0x404000, 0x9000, PTE_U | PTE_W | PTE_CACHE_UC) == 0);
    pt_protect_range(&pt, 0x404000, 0x405000, PTE_U | PTE_NX | PTE_CACHE_WC, &g);
    CHECK(pt_lookup(&pt, 0x404000, &pa, &flags) == 0);
    CHECK((flags & PTE_CACHE_UC) == PTE_CACHE_UC && !(flags & PTE_W) && (flags & PTE_NX));
    reset();
}

TEST(map_run_maps_consecutive_pages_in_one_walk)
{
    struct pagetable pt;
    uint64_t pa, flags;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map_run(&pt, 0xffffc10000003000ull, 0x40000, 4, PTE_W | PTE_NX | PTE_G) == 0);
    CHECK(tables_allocated == 4);
    for (uint64_t i = 0; i < 4; i++) {
        CHECK(pt_lookup(&pt, 0xffffc10000003000ull + i * 4096 + 0x10, &pa, &flags) == 0);
        CHECK(pa == 0x40010 + i * 4096);
        CHECK((flags & (PTE_W | PTE_NX | PTE_G)) == (PTE_W | PTE_NX | PTE_G) && !(flags & PTE_U));
    }
    CHECK(pt_lookup(&pt, 0xffffc10000002000ull, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0xffffc10000007000ull, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pd_entry_of(&pt, 0xffffc10000003000ull) >> 52 == 4);
    CHECK(flushes == 0); /* nothing was present: nothing to flush */
    reset();
}

TEST(map_run_reaches_the_last_entry_of_a_table_but_not_past_it)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    /* A whole table in one run, from its first entry to its last. */
    CHECK(pt_map_run(&pt, 0x400000, 0x100000, 512, 0) == 0);
    CHECK(pt_lookup(&pt, 0x400000, NULL, NULL) == 0 && pt_lookup(&pt, 0x5ff000, NULL, NULL) == 0);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 512);
    CHECK(pt_map_run(&pt, 0x400000, 0x100000, 513, 0) == -CAIRN_EINVAL);
    /* Ending on the last entry is allowed; one more page would cross into
     * the next table, and is refused without a change. */
    CHECK(pt_map_run(&pt, 0x7fe000, 0x2000, 2, 0) == 0);
    CHECK(pt_map_run(&pt, 0x9ff000, 0x2000, 2, 0) == -CAIRN_EINVAL);
    CHECK(pt_map_run(&pt, 0x9fe000, 0x2000, 3, 0) == -CAIRN_EINVAL);
    CHECK(pt_lookup(&pt, 0x9fe000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0x9ff000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0xa00000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_unmap_run(&pt, 0x7ff000, 2) == -CAIRN_EINVAL);
    CHECK(pt_lookup(&pt, 0x7ff000, NULL, NULL) == 0);
    reset();
}

TEST(bad_runs_are_refused_before_any_table_is_made)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map_run(&pt, 0x400000, 0x1000, 0, 0) == -CAIRN_EINVAL);
    CHECK(pt_map_run(&pt, 0x400800, 0x1000, 2, 0) == -CAIRN_EINVAL);
    CHECK(pt_map_run(&pt, 0x400000, 0x1800, 2, 0) == -CAIRN_EINVAL);
    CHECK(pt_map_run(&pt, 0x0000800000000000ull, 0x1000, 2, 0) == -CAIRN_EINVAL);
    CHECK(tables_allocated == 1);
    /* The run's last frame must be a physical address too. */
    CHECK(pt_map_run(&pt, 0x400000, PTE_ADDR, 1, 0) == 0);
    CHECK(pt_map_run(&pt, 0x401000, PTE_ADDR, 2, 0) == -CAIRN_EINVAL);
    CHECK(tables_allocated == 4);
    CHECK(pt_unmap_run(&pt, 0x400000, 0) == -CAIRN_EINVAL);
    CHECK(pt_unmap_run(&pt, 0x400001, 1) == -CAIRN_EINVAL);
    CHECK(pt_unmap_run(&pt, 0x600000, 1) == -CAIRN_ENOENT); /* no table there */
    CHECK(pt_unmap_run(&pt, 0x400000, 1) == 0);
    reset();
}

TEST(map_run_over_a_mapped_page_changes_nothing)
{
    struct pagetable pt;
    uint64_t pa;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x402000, 0x9000, 0) == 0);
    CHECK(pt_map_run(&pt, 0x400000, 0x20000, 4, PTE_W) == -CAIRN_EEXIST);
    CHECK(pt_lookup(&pt, 0x400000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0x401000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0x402000, &pa, NULL) == 0 && pa == 0x9000);
    CHECK(pt_lookup(&pt, 0x403000, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 1);
    /* Beside it the run fits. */
    CHECK(pt_map_run(&pt, 0x403000, 0x20000, 4, PTE_W) == 0);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 5);
    reset();
}

TEST(map_run_under_a_large_page_is_refused)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map_large(&pt, 0x200000, 0x40000000, PTE_W) == 0);
    CHECK(pt_map_run(&pt, 0x201000, 0x1000, 2, 0) == -CAIRN_EEXIST);
    CHECK(pt_unmap_run(&pt, 0x201000, 2) == -CAIRN_ENOENT);
    reset();
}

TEST(map_run_reports_a_table_it_cannot_allocate)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    fail_allocations_after = 2; /* the PDPT and PD succeed, the PT fails */
    CHECK(pt_map_run(&pt, 0x400000, 0x1000, 4, 0) == -CAIRN_ENOMEM);
    CHECK(pt_lookup(&pt, 0x400000, NULL, NULL) == -CAIRN_ENOENT);
    fail_allocations_after = -1;
    CHECK(pt_map_run(&pt, 0x400000, 0x1000, 4, 0) == 0);
    reset();
}

TEST(unmap_run_clears_the_run_and_flushes_each_page)
{
    struct pagetable pt;
    struct pt_gather g = {0};

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map(&pt, 0x400000, 0x1000, 0) == 0);
    CHECK(pt_map_run(&pt, 0x401000, 0x10000, 4, PTE_W) == 0);
    CHECK(pt_map(&pt, 0x405000, 0x2000, 0) == 0);
    CHECK(pt_unmap_run(&pt, 0x401000, 4) == 0);
    for (uint64_t i = 1; i < 5; i++)
        CHECK(pt_lookup(&pt, 0x400000 + i * 4096, NULL, NULL) == -CAIRN_ENOENT);
    CHECK(pt_lookup(&pt, 0x400000, NULL, NULL) == 0 && pt_lookup(&pt, 0x405000, NULL, NULL) == 0);
    CHECK(flushes == 4);
    CHECK(last_flush_root == pt.root && last_flush_va == 0x404000);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 2);
    /* Emptied by a run, the table stays in place and its count says so. */
    CHECK(pt_unmap(&pt, 0x400000, NULL) == 0 && pt_unmap(&pt, 0x405000, NULL) == 0);
    CHECK(pt_map_run(&pt, 0x5fc000, 0x3000, 4, 0) == 0);
    CHECK(pt_unmap_run(&pt, 0x5fc000, 4) == 0);
    CHECK(tables_allocated == 4);
    pt_unmap_range(&pt, 0x5ff000, 0x600000, &g);
    CHECK(g.leaves == 0 && g.ntables == 3);
    reset();
}

TEST(unmap_run_over_a_hole_changes_nothing)
{
    struct pagetable pt;

    CHECK(pt_create(&pt) == 0);
    CHECK(pt_map_run(&pt, 0x400000, 0x10000, 4, 0) == 0);
    CHECK(pt_unmap(&pt, 0x402000, NULL) == 0);
    CHECK(flushes == 1);
    CHECK(pt_unmap_run(&pt, 0x400000, 4) == -CAIRN_ENOENT);
    CHECK(flushes == 1);
    CHECK(pt_lookup(&pt, 0x400000, NULL, NULL) == 0);
    CHECK(pt_lookup(&pt, 0x401000, NULL, NULL) == 0);
    CHECK(pt_lookup(&pt, 0x403000, NULL, NULL) == 0);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 3);
    CHECK(pt_unmap_run(&pt, 0x400000, 2) == 0);
    CHECK(pt_unmap_run(&pt, 0x403000, 1) == 0);
    CHECK(pd_entry_of(&pt, 0x400000) >> 52 == 0);
    reset();
}

TEST(index_and_canonical_helpers)
{
    CHECK(pt_index(0xffffffff80000000ull, 4) == 511);
    CHECK(pt_index(0xffffffff80000000ull, 3) == 510);
    CHECK(pt_index(0xffffffff80000000ull, 2) == 0);
    CHECK(pt_index(0x0000000000403000ull, 1) == 3);
    CHECK(pt_index(0x0000000000403000ull, 2) == 2);
    CHECK(pt_canonical(0x00007fffffffffffull));
    CHECK(pt_canonical(0xffff800000000000ull));
    CHECK(!pt_canonical(0x0000800000000000ull));
    CHECK(!pt_canonical(0xfff0000000000000ull));
}

int
main(void)
{
    RUN(map_then_lookup_translates_with_flags);
    RUN(neighbouring_pages_share_tables);
    RUN(bad_addresses_are_refused);
    RUN(double_map_is_refused_and_keeps_first_mapping);
    RUN(unmap_removes_and_flushes);
    RUN(protect_changes_flags_not_address);
    RUN(large_pages_translate_and_block_small_maps);
    RUN(table_allocation_failure_is_reported);
    RUN(map_run_maps_consecutive_pages_in_one_walk);
    RUN(map_run_reaches_the_last_entry_of_a_table_but_not_past_it);
    RUN(bad_runs_are_refused_before_any_table_is_made);
    RUN(map_run_over_a_mapped_page_changes_nothing);
    RUN(map_run_under_a_large_page_is_refused);
    RUN(map_run_reports_a_table_it_cannot_allocate);
    RUN(unmap_run_clears_the_run_and_flushes_each_page);
    RUN(unmap_run_over_a_hole_changes_nothing);
    RUN(unmap_range_clears_only_the_range_and_flushes_nothing);
    RUN(unmap_range_detaches_emptied_tables_but_not_shared_ones);
    RUN(unmap_range_over_nothing_changes_nothing);
    RUN(unmap_range_stops_detaching_when_the_gather_is_full);
    RUN(table_entries_count_present_entries_in_ignored_bits);
    RUN(spare_tables_are_used_before_new_ones);
    RUN(protect_range_rewrites_present_leaves_only);
    RUN(index_and_canonical_helpers);
    return check_exit();
}
