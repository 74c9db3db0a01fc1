// SPDX-License-Identifier: MIT
/*
 * User address spaces (see vspace.h).
 *
 * Invariants, under vs->lock: regions are sorted, page-aligned, disjoint,
 * inside [CAIRN_USER_BASE, CAIRN_USER_TOP); every present user PTE lies in
 * a region and maps the frame of that region's memory object at the
 * matching offset, with exactly the access of the region's prot.
 *
 * Changing a range (unmap, protect) happens in three steps, because
 * another thread of the process may run on another CPU at the same time:
 *
 *   1. under the lock: split the regions at the range's ends, change the
 *      region list and the page tables (pt_unmap_range / pt_protect_range,
 *      which flush nothing and gather the tables they detach);
 *   2. with the lock dropped: one TLB shootdown for the whole range
 *      (tlb_flush_range). Never under the lock: a CPU spinning on it with
 *      interrupts off (a fault, a user copy's fault) could not answer;
 *   3. only then free what the old translations could still reach: the
 *      detached page tables (up to PT_SPARE_TABLES stay with the page
 *      table for its next new tables, the rest go back to the frame
 *      allocator), and the removed regions' references to their memory
 *      objects (which may free the frames).
 *
 * Between 1 and 3 another CPU may still read or write the old pages
 * through a stale TLB entry; the call has not returned yet, so that is an
 * access that raced with it, and the frames are still owned. Splitting
 * needs up to two new region structs; they are allocated before the lock
 * is taken (vspace_lock_with_spares), so step 1 cannot fail.
 *
 * Lock order: vspace.lock -> memobj.lock -> frame_lock. No TLB flush and
 * no kmalloc/kfree under vspace.lock.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/vm.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/tlb.h"
#include "core/panic.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "mm/vspace.h"
#include "obj/quota.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

/* Region structs allocated ahead for the splits of one change. */
struct vspace_spares {
    struct vm_region *r[2];
    unsigned n;
};

/* What a change leaves for after the lock: the flush, the tables and the
 * regions to free behind it. */
struct vspace_change {
    struct pt_gather g;
    struct list_node dead; /* removed regions */
};

int
vspace_init(struct vspace *vs)
{
    uint64_t *pml4, *kernel_pml4;
    int err = pt_create(&vs->pt);

    if (err)
        return err;
    /* The kernel half: all 256 top-level entries exist from boot on. */
    pml4 = pt_table_virt(vs->pt.root);
    kernel_pml4 = pt_table_virt(kernel_pagetable.root);
    for (unsigned i = 256; i < 512; i++)
        pml4[i] = kernel_pml4[i];
    spin_init(&vs->lock);
    list_init(&vs->regions);
    vs->hint = NULL;
    vs->nregions = 0;
    return 0;
}

static uint64_t
prot_to_pte(uint32_t prot)
{
    return PTE_U | (prot & CAIRN_PROT_WRITE ? PTE_W : 0) | (prot & CAIRN_PROT_EXEC ? 0 : PTE_NX);
}

/* Does prot allow any access? (x86 has no write-only pages: a mapping
 * without READ or EXEC is not entered at all.) */
static bool
prot_accessible(uint32_t prot)
{
    return prot & (CAIRN_PROT_READ | CAIRN_PROT_EXEC);
}

/* A region struct for vs, charged to vs's quota and counted against
 * VSPACE_MAX_REGIONS (which keeps every walk of the list short); NULL when
 * either is spent or memory is. Not under vs->lock (kmalloc). */
static struct vm_region *
region_alloc(struct vspace *vs)
{
    struct vm_region *r = NULL;

    if (__atomic_add_fetch(&vs->nregions, 1, __ATOMIC_RELAXED) > VSPACE_MAX_REGIONS)
        goto err_count;
    if (quota_charge(vs->pt.quota, sizeof(*r)) < 0)
        goto err_count;
    r = kzalloc(sizeof(*r));
    if (r)
        return r;
    quota_uncharge(vs->pt.quota, sizeof(*r));
err_count:
    __atomic_sub_fetch(&vs->nregions, 1, __ATOMIC_RELAXED);
    return NULL;
}

/* Give back a struct from region_alloc that holds no object. */
static void
region_dealloc(struct vspace *vs, struct vm_region *r)
{
    kfree(r);
    quota_uncharge(vs->pt.quota, sizeof(*r));
    __atomic_sub_fetch(&vs->nregions, 1, __ATOMIC_RELAXED);
}

static void
region_free(struct vspace *vs, struct vm_region *r)
{
    object_unref(&r->mo->obj);
    region_dealloc(vs, r);
}

/* Free the user half's tables; the leaves belong to memory objects. */
static void
vspace_free_tables(struct vspace *vs)
{
    uint64_t *pml4 = pt_table_virt(vs->pt.root);

    for (unsigned i = 0; i < 256; i++) {
        uint64_t *pdpt;
        if (!(pml4[i] & PTE_P))
            continue;
        pdpt = pt_table_virt(pml4[i] & PTE_ADDR);
        for (unsigned j = 0; j < 512; j++) {
            uint64_t *pd;
            if (!(pdpt[j] & PTE_P))
                continue;
            pd = pt_table_virt(pdpt[j] & PTE_ADDR);
            for (unsigned k = 0; k < 512; k++) {
                if (pd[k] & PTE_P)
                    pt_table_free(&vs->pt, pd[k] & PTE_ADDR);
            }
            pt_table_free(&vs->pt, pdpt[j] & PTE_ADDR);
        }
        pt_table_free(&vs->pt, pml4[i] & PTE_ADDR);
    }
    for (unsigned i = 0; i < vs->pt.nspare; i++)
        pt_table_free(&vs->pt, vs->pt.spare[i]);
    frame_free(vs->pt.root, 0); /* charged with the process */
}

void
vspace_set_quota(struct vspace *vs, struct quota *q)
{
    quota_ref(q);
    vs->pt.quota = q;
}

void
vspace_fini(struct vspace *vs)
{
    struct list_node *pos, *tmp;

    if (!vs->pt.root)
        return;
    /* No CPU runs on the table any more: nothing to flush. */
    list_for_each_safe(pos, tmp, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        list_remove(&r->link);
        region_free(vs, r);
    }
    vspace_free_tables(vs);
    vs->pt.root = 0;
    if (vs->pt.quota) {
        quota_unref(vs->pt.quota);
        vs->pt.quota = NULL;
    }
}

static bool
range_free_locked(struct vspace *vs, uint64_t start, uint64_t end)
{
    struct list_node *pos;

    spin_assert_held(&vs->lock);

    list_for_each(pos, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        if (start < r->end && r->start < end)
            return false;
    }
    return true;
}

/* The lowest address >= CAIRN_VM_PICK_BASE with a free guard page followed
 * by size free bytes; 0 if none. */
static uint64_t
pick_address_locked(struct vspace *vs, uint64_t size)
{
    uint64_t cand = CAIRN_VM_PICK_BASE;
    struct list_node *pos;

    spin_assert_held(&vs->lock);

    list_for_each(pos, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        if (r->end <= cand)
            continue;
        if (cand + PAGE_SIZE + size <= r->start)
            break;
        cand = r->end;
    }
    if (cand + PAGE_SIZE + size > CAIRN_USER_TOP || cand + PAGE_SIZE + size < cand)
        return 0;
    return cand + PAGE_SIZE;
}

static void
insert_sorted_locked(struct vspace *vs, struct vm_region *r)
{
    struct list_node *pos;

    spin_assert_held(&vs->lock);

    list_for_each(pos, &vs->regions) {
        if (list_entry(pos, struct vm_region, link)->start > r->start)
            break;
    }
    list_insert_before(pos, &r->link);
}

/* 0, or the error for a protection no region may have: write with
 * execute (-CAIRN_EPERM, W^X) or unknown bits (-CAIRN_ERIGHTS). */
static int
prot_check(uint32_t prot)
{
    if ((prot & CAIRN_PROT_WRITE) && (prot & CAIRN_PROT_EXEC))
        return -CAIRN_EPERM;
    if (prot & ~(CAIRN_PROT_READ | CAIRN_PROT_WRITE | CAIRN_PROT_EXEC))
        return -CAIRN_ERIGHTS;
    return 0;
}

int
vspace_map(struct vspace *vs, struct memobj *mo, uint64_t offset, uint64_t size, uint64_t *va,
           bool fixed, uint32_t prot, uint32_t max_prot)
{
    struct vm_region *r;
    uint64_t start;
    bool irq;
    int err;

    if (size == 0 || (size & PAGE_MASK) || (offset & PAGE_MASK))
        return -CAIRN_EINVAL;
    if (offset / PAGE_SIZE > mo->npages || size / PAGE_SIZE > mo->npages - offset / PAGE_SIZE)
        return -CAIRN_ERANGE;
    err = prot_check(prot);
    if (err)
        return err;
    if (prot & ~max_prot)
        return -CAIRN_ERIGHTS;
    if (fixed && ((*va & PAGE_MASK) || *va < CAIRN_USER_BASE || *va > CAIRN_USER_TOP ||
                  size > CAIRN_USER_TOP - *va))
        return -CAIRN_EINVAL;
    r = region_alloc(vs);
    if (!r)
        return -CAIRN_ENOMEM;

    irq = spin_lock_irqsave(&vs->lock);
    if (fixed) {
        start = *va;
        if (!range_free_locked(vs, start, start + size)) {
            spin_unlock_irqrestore(&vs->lock, irq);
            region_dealloc(vs, r);
            return -CAIRN_EEXIST;
        }
    } else {
        start = pick_address_locked(vs, size);
        if (!start) {
            spin_unlock_irqrestore(&vs->lock, irq);
            region_dealloc(vs, r);
            return -CAIRN_ENOMEM;
        }
    }
    object_ref(&mo->obj);
    r->start = start;
    r->end = start + size;
    r->mo = mo;
    r->offset = offset;
    r->prot = prot;
    r->max_prot = max_prot;
    insert_sorted_locked(vs, r);
    spin_unlock_irqrestore(&vs->lock, irq);
    *va = start;
    return 0;
}

/* --- changing a range ------------------------------------------------------------------ */

/* A range a change may name: page-aligned, not empty, inside user space. */
static int
range_check(uint64_t va, uint64_t size)
{
    if (size == 0 || ((va | size) & PAGE_MASK) || va >= CAIRN_USER_TOP ||
        size > CAIRN_USER_TOP - va)
        return -CAIRN_EINVAL;
    return 0;
}

/* The first region that ends above addr: the one containing addr, or the
 * next one after it; NULL if none. */
static struct vm_region *
region_from_locked(struct vspace *vs, uint64_t addr)
{
    struct list_node *pos;

    spin_assert_held(&vs->lock);

    list_for_each(pos, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        if (addr < r->end)
            return r;
    }
    return NULL;
}

static struct vm_region *
region_next(struct vspace *vs, struct vm_region *r)
{
    return r->link.next == &vs->regions ? NULL : list_entry(r->link.next, struct vm_region, link);
}

/* Where a change of [start, end) meets the region list. */
struct range_ends {
    struct vm_region *first;     /* the first region ending above start, or NULL */
    struct vm_region *cut_start; /* the region across start, or NULL */
    struct vm_region *cut_end;   /* the region across end, or NULL (may be cut_start) */
};

static unsigned
range_scan_locked(struct vspace *vs, uint64_t start, uint64_t end, struct range_ends *e)
{
    spin_assert_held(&vs->lock);
    e->first = region_from_locked(vs, start);
    e->cut_start = e->first && e->first->start < start ? e->first : NULL;
    e->cut_end = NULL;
    for (struct vm_region *r = e->first; r && r->start < end; r = region_next(vs, r)) {
        if (r->end > end) {
            e->cut_end = r;
            break;
        }
    }
    return (e->cut_start != NULL) + (e->cut_end != NULL);
}

/* Take vs->lock with enough spare region structs for the cuts of
 * [start, end), and where the range meets the regions in *e; the layout
 * may change while the lock is dropped to allocate, so it is looked at
 * again. Returns 0 with the lock held (interrupt state in *irq), or
 * -CAIRN_ENOMEM without it. */
static int
vspace_lock_with_spares(struct vspace *vs, uint64_t start, uint64_t end, struct range_ends *e,
                        struct vspace_spares *spares, bool *irq)
{
    for (;;) {
        unsigned need;

        *irq = spin_lock_irqsave(&vs->lock);
        need = range_scan_locked(vs, start, end, e);
        if (need <= spares->n)
            return 0;
        spin_unlock_irqrestore(&vs->lock, *irq);
        while (spares->n < need) {
            struct vm_region *r = region_alloc(vs);
            if (!r)
                return -CAIRN_ENOMEM;
            spares->r[spares->n++] = r;
        }
    }
}

static void
spares_free(struct vspace *vs, struct vspace_spares *spares)
{
    while (spares->n)
        region_dealloc(vs, spares->r[--spares->n]);
}

/* Cut r in two at `at` (inside it): r keeps [start, at), a spare becomes
 * [at, end) with its own reference to the memory object. The page table
 * does not change. */
static void
split_at_locked(struct vm_region *r, uint64_t at, struct vspace_spares *spares)
{
    struct vm_region *n;

    assert(spares->n > 0 && r->start < at && at < r->end);
    n = spares->r[--spares->n];
    object_ref(&r->mo->obj);
    n->start = at;
    n->end = r->end;
    n->mo = r->mo;
    n->offset = r->offset + (at - r->start);
    n->prot = r->prot;
    n->max_prot = r->max_prot;
    r->end = at;
    list_insert_between(&n->link, &r->link, r->link.next);
}

/* Cut the regions across the ends of [start, end) (the end first: it may
 * be the same region as the start's, which keeps the start's part). The
 * first region inside the range, or NULL. */
static struct vm_region *
range_cut_locked(struct vspace *vs, uint64_t start, uint64_t end, struct range_ends *e,
                 struct vspace_spares *spares)
{
    spin_assert_held(&vs->lock);
    if (e->cut_end)
        split_at_locked(e->cut_end, end, spares);
    if (e->cut_start) {
        split_at_locked(e->cut_start, start, spares);
        return region_next(vs, e->cut_start);
    }
    return e->first;
}

/* Could b, the region after a, be part of a? */
static bool
region_joinable(const struct vm_region *a, const struct vm_region *b)
{
    return a->end == b->start && a->mo == b->mo && a->offset + (a->end - a->start) == b->offset &&
           a->prot == b->prot && a->max_prot == b->max_prot;
}

/* Join again the regions from first's predecessor to the one after
 * [.., end) where they continue one another (a protect cut them, then
 * gave them the same protection). Joined-away regions go to dead, to be
 * freed after the lock. */
static void
range_join_locked(struct vspace *vs, struct vm_region *first, uint64_t end, struct list_node *dead)
{
    struct vm_region *a = first, *b;

    spin_assert_held(&vs->lock);

    if (!a)
        return;
    if (a->link.prev != &vs->regions)
        a = list_entry(a->link.prev, struct vm_region, link);
    while (a->start < end && (b = region_next(vs, a))) {
        if (!region_joinable(a, b)) {
            a = b;
            continue;
        }
        a->end = b->end;
        list_remove(&b->link);
        list_push_back(dead, &b->link);
        if (vs->hint == b)
            vs->hint = a;
    }
}

/* Step 3 (see the top), with the lock dropped: flush [start, end) if the
 * tables changed, then free what the old translations could reach. The
 * page tables the change emptied are kept for reuse while the page
 * table has room (struct pagetable's spares), the rest are freed. */
static void
vspace_change_finish(struct vspace *vs, uint64_t start, uint64_t end, struct vspace_change *c,
                     struct vspace_spares *spares)
{
    struct list_node *pos, *tmp;
    unsigned kept = 0;

    if (c->g.leaves || c->g.ntables)
        tlb_flush_range(&vs->pt, start, end);
    if (c->g.ntables) {
        bool irq = spin_lock_irqsave(&vs->lock);
        while (kept < c->g.ntables && pt_spare_put(&vs->pt, c->g.tables[kept]))
            kept++;
        spin_unlock_irqrestore(&vs->lock, irq);
    }
    for (unsigned i = kept; i < c->g.ntables; i++)
        pt_table_free(&vs->pt, c->g.tables[i]);
    list_for_each_safe(pos, tmp, &c->dead) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        list_remove(&r->link);
        region_free(vs, r);
    }
    spares_free(vs, spares);
}

int
vspace_unmap(struct vspace *vs, uint64_t va, uint64_t size)
{
    struct vspace_spares spares = {.n = 0};
    struct vspace_change c = {.g = {.leaves = 0, .ntables = 0}};
    struct vm_region *r, *next;
    struct range_ends e;
    uint64_t end = va + size;
    bool irq;
    int err;

    err = range_check(va, size);
    if (err)
        return err;
    list_init(&c.dead);
    err = vspace_lock_with_spares(vs, va, end, &e, &spares, &irq);
    if (err) {
        spares_free(vs, &spares);
        return err;
    }
    for (r = range_cut_locked(vs, va, end, &e, &spares); r && r->start < end; r = next) {
        next = region_next(vs, r);
        list_remove(&r->link);
        list_push_back(&c.dead, &r->link);
        if (vs->hint == r)
            vs->hint = NULL;
    }
    pt_unmap_range(&vs->pt, va, end, &c.g);
    spin_unlock_irqrestore(&vs->lock, irq);
    vspace_change_finish(vs, va, end, &c, &spares);
    return 0;
}

/* 0 if every page of [start, end) lies in a region whose max_prot allows
 * prot (first: the first region ending above start); otherwise the first
 * problem found: -CAIRN_ENOENT for a page in no region, -CAIRN_ERIGHTS for
 * a region that does not allow prot. */
static int
protect_check_locked(struct vspace *vs, struct vm_region *first, uint64_t start, uint64_t end,
                     uint32_t prot)
{
    uint64_t covered = start;

    spin_assert_held(&vs->lock);

    for (struct vm_region *r = first; r && r->start < end; r = region_next(vs, r)) {
        if (r->start > covered)
            return -CAIRN_ENOENT;
        if (prot & ~r->max_prot)
            return -CAIRN_ERIGHTS;
        covered = r->end;
    }
    return covered >= end ? 0 : -CAIRN_ENOENT;
}

int
vspace_protect(struct vspace *vs, uint64_t va, uint64_t size, uint32_t prot)
{
    struct vspace_spares spares = {.n = 0};
    struct vspace_change c = {.g = {.leaves = 0, .ntables = 0}};
    struct vm_region *first;
    struct range_ends e;
    uint64_t end = va + size;
    bool irq;
    int err;

    err = range_check(va, size);
    if (!err)
        err = prot_check(prot);
    if (err)
        return err;
    list_init(&c.dead);
    err = vspace_lock_with_spares(vs, va, end, &e, &spares, &irq);
    if (err) {
        spares_free(vs, &spares);
        return err;
    }
    /* Validate every region before the first one changes. */
    err = protect_check_locked(vs, e.first, va, end, prot);
    if (err) {
        spin_unlock_irqrestore(&vs->lock, irq);
        spares_free(vs, &spares);
        return err;
    }
    first = range_cut_locked(vs, va, end, &e, &spares);
    for (struct vm_region *r = first; r && r->start < end; r = region_next(vs, r))
        r->prot = prot;
    range_join_locked(vs, first, end, &c.dead);
    /* Present pages keep their frames and take the new access at once;
     * with no access left they leave the table. */
    if (prot_accessible(prot))
        pt_protect_range(&vs->pt, va, end, prot_to_pte(prot), &c.g);
    else
        pt_unmap_range(&vs->pt, va, end, &c.g);
    spin_unlock_irqrestore(&vs->lock, irq);
    vspace_change_finish(vs, va, end, &c, &spares);
    return 0;
}

/* --- faults ---------------------------------------------------------------------------- */

/* The region holding addr if it allows the access (vs locked), or NULL.
 * Accesses come in runs within one region: the last one is tried first. */
static struct vm_region *
region_for_access_locked(struct vspace *vs, uint64_t addr, bool write, bool exec)
{
    struct vm_region *r = vs->hint;

    spin_assert_held(&vs->lock);

    if (!r || addr < r->start || addr >= r->end) {
        r = region_from_locked(vs, addr);
        if (r && addr < r->start)
            r = NULL;
        vs->hint = r;
    }
    if (!r || !prot_accessible(r->prot) || (write && !(r->prot & CAIRN_PROT_WRITE)) ||
        (exec && !(r->prot & CAIRN_PROT_EXEC)))
        return NULL;
    return r;
}

/* The region that allows the access at addr and the frame behind addr's
 * page in it, allocated zeroed on first use (vs locked): 0, -CAIRN_EFAULT
 * (no region allows it), -CAIRN_ENOMEM. */
static int
region_frame_locked(struct vspace *vs, uint64_t addr, bool write, bool exec,
                    struct vm_region **r_out, uint64_t *frame)
{
    struct vm_region *r = region_for_access_locked(vs, addr, write, exec);

    spin_assert_held(&vs->lock);

    if (!r)
        return -CAIRN_EFAULT;
    *frame = memobj_frame(r->mo, ((addr & ~PAGE_MASK) - r->start + r->offset) / PAGE_SIZE);
    if (!*frame)
        return -CAIRN_ENOMEM;
    *r_out = r;
    return 0;
}

int
vspace_fault(struct vspace *vs, uint64_t addr, bool write, bool exec)
{
    struct vm_region *r;
    uint64_t frame;
    bool irq;
    int err;

    if (addr >= CAIRN_USER_TOP)
        return -CAIRN_EFAULT;
    irq = spin_lock_irqsave(&vs->lock);
    err = region_frame_locked(vs, addr, write, exec, &r, &frame);
    /* One walk: a page already present has exactly the region's access
     * (another thread entered it, or this CPU's TLB entry was stale).
     * Device memory carries its cache type (uncached, write-combining). */
    if (!err)
        err = pt_map(&vs->pt, addr & ~PAGE_MASK, frame, prot_to_pte(r->prot) | r->mo->cache);
    if (err == -CAIRN_EEXIST)
        err = 0;
    spin_unlock_irqrestore(&vs->lock, irq);
    return err;
}

int
vspace_pin_frame(struct vspace *vs, uint64_t addr, bool write, uint64_t *frame, struct memobj **mo)
{
    struct vm_region *r;
    bool irq;
    int err;

    if (addr >= CAIRN_USER_TOP)
        return -CAIRN_EFAULT;
    irq = spin_lock_irqsave(&vs->lock);
    err = region_frame_locked(vs, addr, write, false, &r, frame);
    if (!err && r->mo->kind == MEMOBJ_DEVICE)
        err = -CAIRN_EFAULT; /* reached only through its own mappings */
    if (!err) {
        object_ref(&r->mo->obj);
        *mo = r->mo;
    }
    spin_unlock_irqrestore(&vs->lock, irq);
    return err;
}

unsigned
vspace_region_count(struct vspace *vs)
{
    unsigned n = 0;
    struct list_node *pos;
    bool irq = spin_lock_irqsave(&vs->lock);

    list_for_each(pos, &vs->regions)
        n++;
    spin_unlock_irqrestore(&vs->lock, irq);
    return n;
}

uint64_t
vspace_resident(struct vspace *vs)
{
    uint64_t n = 0;
    struct list_node *pos;
    bool irq = spin_lock_irqsave(&vs->lock);

    list_for_each(pos, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE)
            n += pt_lookup(&vs->pt, va, NULL, NULL) == 0;
    }
    spin_unlock_irqrestore(&vs->lock, irq);
    return n;
}

int
vspace_object_at(struct vspace *vs, uint64_t addr, uint64_t *koid, uint64_t *offset)
{
    struct vm_region *r;
    bool irq;
    int err = -CAIRN_EFAULT;

    if (addr >= CAIRN_USER_TOP)
        return err;
    irq = spin_lock_irqsave(&vs->lock);
    r = region_for_access_locked(vs, addr, false, false);
    if (r) {
        *koid = r->mo->obj.koid;
        *offset = addr - r->start + r->offset;
        err = 0;
    }
    spin_unlock_irqrestore(&vs->lock, irq);
    return err;
}
