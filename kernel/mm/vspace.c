// SPDX-License-Identifier: MIT
/*
 * User address spaces (see vspace.h).
 *
 * Invariants, under vs->lock: regions are sorted, page-aligned, disjoint,
 * inside [CAIRN_USER_BASE, CAIRN_USER_TOP); every present user PTE lies in
 * a region and maps the frame of that region's memory object at the
 * matching offset, with no more access than the region's prot.
 *
 * Lock order: vspace.lock -> memobj.lock -> frame_lock.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/vm.h>

#include "arch/x86_64/layout.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "mm/vspace.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

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
    return 0;
}

static uint64_t
prot_to_pte(uint32_t prot)
{
    return PTE_U | (prot & CAIRN_PROT_WRITE ? PTE_W : 0) | (prot & CAIRN_PROT_EXEC ? 0 : PTE_NX);
}

static void
region_unmap_pages_locked(struct vspace *vs, struct vm_region *r)
{
    for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE)
        pt_unmap(&vs->pt, va, NULL); /* -CAIRN_ENOENT for untouched pages is fine */
}

static void
region_free(struct vm_region *r)
{
    object_unref(&r->mo->obj);
    kfree(r);
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
                    frame_free(pd[k] & PTE_ADDR, 0);
            }
            frame_free(pdpt[j] & PTE_ADDR, 0);
        }
        frame_free(pml4[i] & PTE_ADDR, 0);
    }
    frame_free(vs->pt.root, 0);
}

void
vspace_fini(struct vspace *vs)
{
    struct list_node *pos, *tmp;

    if (!vs->pt.root)
        return;
    list_for_each_safe(pos, tmp, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        list_remove(&r->link);
        region_free(r);
    }
    vspace_free_tables(vs);
    vs->pt.root = 0;
}

static bool
range_free_locked(struct vspace *vs, uint64_t start, uint64_t end)
{
    struct list_node *pos;

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

    list_for_each(pos, &vs->regions) {
        if (list_entry(pos, struct vm_region, link)->start > r->start)
            break;
    }
    list_insert_before(pos, &r->link);
}

static bool
prot_valid(uint32_t prot, uint32_t max_prot)
{
    if (prot & ~(CAIRN_PROT_READ | CAIRN_PROT_WRITE | CAIRN_PROT_EXEC))
        return false;
    if ((prot & CAIRN_PROT_WRITE) && (prot & CAIRN_PROT_EXEC))
        return false; /* W^X */
    return (prot & ~max_prot) == 0;
}

int
vspace_map(struct vspace *vs, struct memobj *mo, uint64_t offset, uint64_t size, uint64_t *va,
           bool fixed, uint32_t prot, uint32_t max_prot)
{
    struct vm_region *r;
    uint64_t start;
    bool irq;

    if (size == 0 || (size & PAGE_MASK) || (offset & PAGE_MASK))
        return -CAIRN_EINVAL;
    if (offset / PAGE_SIZE > mo->npages || size / PAGE_SIZE > mo->npages - offset / PAGE_SIZE)
        return -CAIRN_ERANGE;
    if (!prot_valid(prot, max_prot))
        return (prot & CAIRN_PROT_WRITE) && (prot & CAIRN_PROT_EXEC) ? -CAIRN_EPERM
                                                                     : -CAIRN_ERIGHTS;
    if (fixed && ((*va & PAGE_MASK) || *va < CAIRN_USER_BASE || *va > CAIRN_USER_TOP ||
                  size > CAIRN_USER_TOP - *va))
        return -CAIRN_EINVAL;
    r = kzalloc(sizeof(*r));
    if (!r)
        return -CAIRN_ENOMEM;

    irq = spin_lock_irqsave(&vs->lock);
    if (fixed) {
        start = *va;
        if (!range_free_locked(vs, start, start + size)) {
            spin_unlock_irqrestore(&vs->lock, irq);
            kfree(r);
            return -CAIRN_EEXIST;
        }
    } else {
        start = pick_address_locked(vs, size);
        if (!start) {
            spin_unlock_irqrestore(&vs->lock, irq);
            kfree(r);
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

static struct vm_region *
find_exact_locked(struct vspace *vs, uint64_t va, uint64_t size)
{
    struct list_node *pos;

    list_for_each(pos, &vs->regions) {
        struct vm_region *r = list_entry(pos, struct vm_region, link);
        if (r->start == va && r->end - r->start == size)
            return r;
    }
    return NULL;
}

int
vspace_unmap(struct vspace *vs, uint64_t va, uint64_t size)
{
    struct vm_region *r;
    bool irq = spin_lock_irqsave(&vs->lock);

    r = find_exact_locked(vs, va, size);
    if (!r) {
        spin_unlock_irqrestore(&vs->lock, irq);
        return -CAIRN_ENOENT;
    }
    list_remove(&r->link);
    region_unmap_pages_locked(vs, r);
    spin_unlock_irqrestore(&vs->lock, irq);
    region_free(r);
    return 0;
}

int
vspace_protect(struct vspace *vs, uint64_t va, uint64_t size, uint32_t prot)
{
    struct vm_region *r;
    bool irq = spin_lock_irqsave(&vs->lock);
    int err = 0;

    r = find_exact_locked(vs, va, size);
    if (!r) {
        err = -CAIRN_ENOENT;
    } else if (!prot_valid(prot, r->max_prot)) {
        err = (prot & CAIRN_PROT_WRITE) && (prot & CAIRN_PROT_EXEC) ? -CAIRN_EPERM : -CAIRN_ERIGHTS;
    } else {
        r->prot = prot;
        /* Drop the present pages: the next touch re-enters them with the
         * new protection (and prot 0 leaves them out). */
        region_unmap_pages_locked(vs, r);
    }
    spin_unlock_irqrestore(&vs->lock, irq);
    return err;
}

int
vspace_fault(struct vspace *vs, uint64_t addr, bool write, bool exec)
{
    uint64_t page = addr & ~PAGE_MASK, frame, flags;
    struct list_node *pos;
    struct vm_region *r = NULL;
    int err = -CAIRN_EFAULT;
    bool irq;

    if (addr >= CAIRN_USER_TOP)
        return -CAIRN_EFAULT;
    irq = spin_lock_irqsave(&vs->lock);
    list_for_each(pos, &vs->regions) {
        struct vm_region *cand = list_entry(pos, struct vm_region, link);
        if (addr >= cand->start && addr < cand->end) {
            r = cand;
            break;
        }
    }
    if (!r || !(r->prot & (CAIRN_PROT_READ | CAIRN_PROT_EXEC)) ||
        (write && !(r->prot & CAIRN_PROT_WRITE)) || (exec && !(r->prot & CAIRN_PROT_EXEC)))
        goto out;
    if (pt_lookup(&vs->pt, page, NULL, &flags) == 0) {
        err = 0; /* already present with this access: another thread won */
        goto out;
    }
    frame = memobj_frame(r->mo, (page - r->start + r->offset) / PAGE_SIZE);
    if (!frame) {
        err = -CAIRN_ENOMEM;
        goto out;
    }
    /* Device memory carries its cache type (uncached, write-combining). */
    err = pt_map(&vs->pt, page, frame, prot_to_pte(r->prot) | r->mo->cache);
out:
    spin_unlock_irqrestore(&vs->lock, irq);
    return err;
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
