// SPDX-License-Identifier: MIT
/*
 * Where the slab allocator and kmalloc get their pages: whole frames from
 * the buddy allocator, reached through the direct map.
 */
#include "arch/x86_64/layout.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"

void *
slab_page_alloc(void)
{
    uint64_t phys = frame_alloc(0);

    return phys ? phys_to_virt(phys) : NULL;
}

void
slab_page_free(void *page)
{
    frame_free(virt_to_phys(page), 0);
}

void *
kmalloc_pages_alloc(unsigned order)
{
    uint64_t phys = frame_alloc(order);

    return phys ? phys_to_virt(phys) : NULL;
}

void
kmalloc_pages_free(void *p, unsigned order)
{
    frame_free(virt_to_phys(p), order);
}
