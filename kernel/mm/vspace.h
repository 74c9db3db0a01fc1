/* SPDX-License-Identifier: MIT */
/*
 * A process's user address space: a page table and the list of regions,
 * each a window onto a memory object with a protection. Pages are entered
 * into the page table on first touch (vspace_fault), so mapping costs no
 * frames until used.
 *
 * Lock legend: [l] the vspace's lock, [I] immutable after creation.
 */
#ifndef CAIRN_MM_VSPACE_H
#define CAIRN_MM_VSPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "common/list.h"
#include "lib/spinlock.h"
#include "obj/memobj.h"

struct vm_region {
    struct list_node link; /* [l] in vspace.regions, sorted by start */
    uint64_t start;        /* [I] page-aligned; a cut keeps start, */
    uint64_t end;          /* [l] moves end, and makes a new region for the rest */
    struct memobj *mo;     /* [I] a reference (each piece of a cut has its own) */
    uint64_t offset;       /* [I] page-aligned offset into mo of start */
    uint32_t prot;         /* [l] CAIRN_PROT_* */
    uint32_t max_prot;     /* [I] what the handle's rights allowed */
};

/* The most region structs one address space may have (mapped pieces and
 * spares in flight); each is charged to the space's quota too. */
#define VSPACE_MAX_REGIONS 65536

struct vspace {
    struct pagetable pt; /* [I] the root; the user half's entries [l] */
    struct spinlock lock;
    struct list_node regions; /* [l] */
    struct vm_region *hint;   /* [l] the region of the last fault, or NULL */
    unsigned nregions;        /* [a] region structs allocated for it, spares included */
};

int vspace_init(struct vspace *vs);
/* Unmap everything (dropping the memory objects) and free the tables. */
void vspace_fini(struct vspace *vs);
/* Charge the page tables that vs allocates from now on (all but the
 * root, which its owner pays for) to q, keeping a reference to it until
 * vspace_fini. Called once, before vs is used. */
struct quota;
void vspace_set_quota(struct vspace *vs, struct quota *q);

/* Map size bytes of mo from offset at *va (fixed) or at an address the
 * kernel picks (with an unmapped guard page before it), which is returned
 * in *va. prot must lie within max_prot and not be W+X. */
int vspace_map(struct vspace *vs, struct memobj *mo, uint64_t offset, uint64_t size, uint64_t *va,
               bool fixed, uint32_t prot, uint32_t max_prot);
/*
 * Unmap every page of [va, va + size): regions inside go, regions across
 * an end are cut there, holes are fine (a range with nothing mapped is a
 * success). 0, or -CAIRN_EINVAL (size 0, unaligned, outside user space),
 * -CAIRN_ENOMEM (a cut needed a region struct; nothing changed).
 * When it returns, no CPU reaches the old pages through its TLB.
 * Must not be called with a spinlock held (it flushes the TLB).
 */
int vspace_unmap(struct vspace *vs, uint64_t va, uint64_t size);
/*
 * Give every page of [va, va + size) the protection prot, cutting regions
 * at the range's ends (and joining pieces of one mapping again once they
 * have the same protection). Every page must be mapped (-CAIRN_ENOENT) and every
 * region's max_prot must allow prot (-CAIRN_ERIGHTS); W+X is -CAIRN_EPERM;
 * a bad range -CAIRN_EINVAL; -CAIRN_ENOMEM. On any error nothing changed.
 * When it returns, no CPU has more access than prot through its TLB.
 * Must not be called with a spinlock held.
 */
int vspace_protect(struct vspace *vs, uint64_t va, uint64_t size, uint32_t prot);

/* Resolve a fault (or a kernel access) at addr needing write or exec
 * permission: enter the page into the page table if a region allows the
 * access. 0, or -CAIRN_EFAULT when the access is not allowed. */
int vspace_fault(struct vspace *vs, uint64_t addr, bool write, bool exec);

/*
 * For the kernel reaching into an address space other than the current
 * one (an IPC message's bytes): the frame behind addr, if a region of RAM
 * allows the access (write or read), allocated zeroed if never touched,
 * and in *mo a reference to the memory object that owns it, which keeps
 * the frame alive until object_unref. The page table is left alone.
 * -CAIRN_EFAULT (no such region, or device memory), -CAIRN_ENOMEM.
 */
struct memobj;
int vspace_pin_frame(struct vspace *vs, uint64_t addr, bool write, uint64_t *frame,
                     struct memobj **mo);

/* What addr is, independent of where it is mapped: the koid of the
 * memory object behind it and its offset there, if a readable region
 * holds it (futexes key on this, so processes sharing an object meet at
 * one word). 0 or -CAIRN_EFAULT. Takes vs's lock only. */
int vspace_object_at(struct vspace *vs, uint64_t addr, uint64_t *koid, uint64_t *offset);

/* Pages present in the page table, and regions (for tests). */
uint64_t vspace_resident(struct vspace *vs);
unsigned vspace_region_count(struct vspace *vs);

#endif
