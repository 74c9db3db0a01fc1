/* SPDX-License-Identifier: MIT */
/*
 * Resources: the capabilities to touch hardware, each a range
 * [base, base + size) of one kind (include/cairn/device.h):
 *
 *     CAIRN_OBJ_IRQ_RANGE    interrupt lines (GSIs)     -> irq objects (obj/irq.c)
 *     CAIRN_OBJ_IOPORT       I/O ports                  -> in/out from user space (obj/ioport.c)
 *     CAIRN_OBJ_PHYS_RANGE   physical addresses         -> device and DMA memory objects
 *
 * The kernel makes one root of each kind at boot and gives them to init
 * only (core/init.c). resource_derive carves a sub-range out of a
 * resource; nothing makes a range wider than the one it came from, so a
 * driver handed its ports or its BAR can never reach past them.
 *
 * Physical ranges come with a second rule, checked when device memory is
 * made (resource_phys_check): no page of usable RAM (the frame allocator's
 * memory, which would let a driver read or corrupt any process), no page
 * the kernel drives itself (the local and I/O APICs), and firmware memory
 * that the direct map already maps write-back (ACPI regions) only
 * write-back, since two cache types for one page are undefined.
 *
 * Lock legend: [I] immutable after creation. Resources have no lock.
 */
#ifndef CAIRN_OBJ_RESOURCE_H
#define CAIRN_OBJ_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "mm/memmap.h"
#include "obj/object.h"

struct resource {
    struct object obj; /* CAIRN_OBJ_IRQ_RANGE, CAIRN_OBJ_IOPORT or CAIRN_OBJ_PHYS_RANGE */
    uint64_t base;     /* [I] first line, port or address */
    uint64_t size;     /* [I] > 0; PHYS_RANGE: both page-aligned */
};

/* Whether type is one of the three resource types. */
bool resource_type_is(uint32_t type);

/* A resource of type over [base, base + size), one reference; NULL without
 * memory. For the roots: the caller vouches for the range. */
struct resource *resource_create(uint32_t type, uint64_t base, uint64_t size);

/*
 * A new resource of parent's type over [base, base + size), which must lie
 * inside parent: 0 and the resource (one reference, uncharged), or
 * -CAIRN_EINVAL (size 0, or a physical range not page-aligned),
 * -CAIRN_ERANGE (not inside parent, or wrapping around), -CAIRN_ENOMEM.
 */
int resource_derive(const struct resource *parent, uint64_t base, uint64_t size,
                    struct resource **out);

/* Whether [base, base + size) (size > 0, not wrapping) lies inside r. */
bool resource_contains(const struct resource *r, uint64_t base, uint64_t size);

/* The roots' ranges: every line (every GSI number up to CAIRN_IRQ_LINES,
 * those no I/O APIC has included, then the MSI slots), every port, every
 * address the CPU can put on the bus. */
uint64_t resource_irq_lines(void);
uint64_t resource_phys_limit(void);

/*
 * The physical-range rule (see above) over a memory map and the pages the
 * kernel keeps for itself (kernel_owned, each [base, end)): 0 when
 * [phys, phys + size) (page-aligned, size > 0) may be device memory with
 * cache (CAIRN_CACHE_*), -CAIRN_EPERM when it overlaps usable RAM, page 0
 * or a kernel-owned range, or is ACPI memory asked for with another cache
 * mode than write-back. Pure: also what the in-kernel tests feed crafted
 * maps.
 */
int resource_phys_check_map(const struct boot_mem_region *map, size_t map_count,
                            const struct phys_range *kernel_owned, size_t owned_count,
                            uint64_t phys, uint64_t size, uint32_t cache);

/* resource_phys_check_map against this machine's boot memory map and its
 * local and I/O APICs. */
int resource_phys_check(uint64_t phys, uint64_t size, uint32_t cache);

static inline struct resource *
resource_from(struct object *o)
{
    return (struct resource *)o;
}

#endif
