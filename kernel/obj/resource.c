// SPDX-License-Identifier: MIT
/*
 * Resources (see resource.h): ranges of interrupt lines, I/O ports and
 * physical addresses, and the rule for physical ranges.
 *
 * Invariant: a resource's range lies inside its parent's, which lies inside
 * its root's; the roots are the whole of what the machine has. Resources
 * are immutable, so every check is a comparison with no lock.
 */
#include <cairn/device.h>
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "core/kernel.h"
#include "mm/kmalloc.h"
#include "obj/resource.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

#define DEFAULT_LAPIC_PHYS 0xfee00000ull /* where the local APIC sits without a MADT */

static void
resource_destroy(struct object *o)
{
    kfree(resource_from(o));
}

static const struct object_ops resource_ops = {.destroy = resource_destroy};

bool
resource_type_is(uint32_t type)
{
    return type == CAIRN_OBJ_IRQ_RANGE || type == CAIRN_OBJ_IOPORT || type == CAIRN_OBJ_PHYS_RANGE;
}

struct resource *
resource_create(uint32_t type, uint64_t base, uint64_t size)
{
    struct resource *r = kzalloc(sizeof(*r));

    if (!r)
        return NULL;
    r->base = base;
    r->size = size;
    object_init(&r->obj, type, &resource_ops);
    return r;
}

bool
resource_contains(const struct resource *r, uint64_t base, uint64_t size)
{
    return size > 0 && base + size > base && base >= r->base && base + size <= r->base + r->size;
}

int
resource_derive(const struct resource *parent, uint64_t base, uint64_t size, struct resource **out)
{
    if (size == 0)
        return -CAIRN_EINVAL;
    if (parent->obj.type == CAIRN_OBJ_PHYS_RANGE && ((base | size) & PAGE_MASK))
        return -CAIRN_EINVAL;
    if (!resource_contains(parent, base, size))
        return -CAIRN_ERANGE;
    *out = resource_create(parent->obj.type, base, size);
    return *out ? 0 : -CAIRN_ENOMEM;
}

uint64_t
resource_irq_lines(void)
{
    return CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT;
}

uint64_t
resource_phys_limit(void)
{
    uint32_t a, b, c, d, bits = 36; /* the architectural minimum */

    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000008) {
        cpuid(0x80000008, 0, &a, &b, &c, &d);
        bits = a & 0xff;
    }
    if (bits > 52)
        bits = 52;
    return 1ull << bits;
}

static bool
overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

int
resource_phys_check_map(const struct boot_mem_region *map, size_t map_count,
                        const struct phys_range *kernel_owned, size_t owned_count, uint64_t phys,
                        uint64_t size, uint32_t cache)
{
    uint64_t end = phys + size;

    if (size == 0 || end < phys || phys < PAGE_SIZE)
        return -CAIRN_EPERM; /* page 0: real-mode memory, and "no frame" to the kernel */
    for (size_t i = 0; i < owned_count; i++) {
        if (overlaps(phys, end, kernel_owned[i].base, kernel_owned[i].end))
            return -CAIRN_EPERM;
    }
    for (size_t i = 0; i < map_count; i++) {
        const struct boot_mem_region *r = &map[i];
        uint64_t r_end = r->base + r->len;

        if (r->len == 0)
            continue;
        if (r_end < r->base)
            r_end = UINT64_MAX; /* a corrupt entry: take it to run to the top */
        /* Whole pages, widened outward: a page with any RAM in it is RAM. */
        uint64_t lo = r->base & ~PAGE_MASK;
        uint64_t hi =
            r_end > UINT64_MAX - PAGE_MASK ? UINT64_MAX : (r_end + PAGE_MASK) & ~PAGE_MASK;
        if (!overlaps(phys, end, lo, hi))
            continue;
        if (r->type == BOOT_MEM_USABLE)
            return -CAIRN_EPERM;
        if ((r->type == BOOT_MEM_ACPI_RECLAIMABLE || r->type == BOOT_MEM_ACPI_NVS) &&
            cache != CAIRN_CACHE_WB)
            return -CAIRN_EPERM;
    }
    return 0;
}

int
resource_phys_check(uint64_t phys, uint64_t size, uint32_t cache)
{
    struct phys_range owned[1 + ACPI_MAX_IOAPICS];
    size_t n = 0;
    uint64_t lapic = acpi_info.lapic_addr ? acpi_info.lapic_addr : DEFAULT_LAPIC_PHYS;

    owned[n++] = (struct phys_range){lapic & ~PAGE_MASK, (lapic & ~PAGE_MASK) + PAGE_SIZE};
    for (unsigned i = 0; i < acpi_info.ioapic_count && i < ACPI_MAX_IOAPICS; i++) {
        uint64_t a = acpi_info.ioapics[i].addr & ~PAGE_MASK;
        owned[n++] = (struct phys_range){a, a + PAGE_SIZE};
    }
    return resource_phys_check_map(boot_info.mmap, boot_info.mmap_count, owned, n, phys, size,
                                   cache);
}
