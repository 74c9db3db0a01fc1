// SPDX-License-Identifier: MIT
/*
 * The kernel's physical frame allocator: the buddy allocator (buddy.c)
 * behind one lock, over the direct map. Before the direct map exists,
 * frames come from an early bump allocator that reaches them through the
 * boot identity map, so it only serves frames below BOOT_IDENTITY_SIZE.
 *
 * Lock order: frame_lock is a leaf.
 */
#include "mm/frame.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "common/string.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/buddy.h"
#include "mm/vm.h"

#define EARLY_MAX_RANGES 64

static struct spinlock frame_lock = SPINLOCK_INIT;
static struct buddy buddy;      /* [frame_lock] */
static bool buddy_ready;        /* [I] after frame_init_buddy() */
static uint64_t managed_frames; /* [I] */

/* Early allocation: ranges still free, taken from the front. [boot only] */
static struct phys_range early_ranges[EARLY_MAX_RANGES];
static size_t early_count;

void
frame_early_init(const struct phys_range *free, size_t count)
{
    if (count > EARLY_MAX_RANGES) {
        log_warn("frame: %zu free ranges, using the first %d", count, EARLY_MAX_RANGES);
        count = EARLY_MAX_RANGES;
    }
    memcpy(early_ranges, free, count * sizeof(*free));
    early_count = count;
}

/* Contiguous frames from the early ranges, reachable through the identity
 * map (or, later, the direct map). Never freed. */
static uint64_t
frame_early_alloc(uint64_t pages)
{
    uint64_t bytes = pages * PAGE_SIZE;

    for (size_t i = 0; i < early_count; i++) {
        struct phys_range *r = &early_ranges[i];
        if (r->end - r->base >= bytes && r->base + bytes <= BOOT_IDENTITY_SIZE) {
            uint64_t phys = r->base;
            r->base += bytes;
            return phys;
        }
    }
    return 0;
}

void
frame_init_buddy(uint64_t max_phys)
{
    uint64_t npages = max_phys / PAGE_SIZE;
    uint64_t meta_pages = (npages + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t meta = frame_early_alloc(meta_pages);

    if (!meta)
        panic("frame: no room for %lu pages of allocator metadata", meta_pages);
    buddy_init(&buddy, phys_to_virt(0), npages, phys_to_virt(meta));
    for (size_t i = 0; i < early_count; i++) {
        struct phys_range *r = &early_ranges[i];
        uint64_t end = r->end < max_phys ? r->end : max_phys;
        if (r->base < end)
            buddy_add_range(&buddy, r->base / PAGE_SIZE, (end - r->base) / PAGE_SIZE);
    }
    early_count = 0;
    managed_frames = buddy_free_pages(&buddy);
    buddy_ready = true;
    log_info("frame: %lu frames (%lu MiB) free, %lu pages of metadata", managed_frames,
             managed_frames / 256, meta_pages);
}

uint64_t
frame_alloc(unsigned order)
{
    uint64_t phys = 0;
    int64_t pfn;
    bool irq;

    if (!buddy_ready)
        return frame_early_alloc(1ull << order);
    irq = irq_save();
    spin_lock(&frame_lock);
    pfn = buddy_alloc(&buddy, order);
    spin_unlock(&frame_lock);
    irq_restore(irq);
    if (pfn >= 0)
        phys = (uint64_t)pfn * PAGE_SIZE;
    return phys;
}

uint64_t
frame_alloc_below(unsigned order, uint64_t limit)
{
    uint64_t phys = 0;
    int64_t pfn;
    bool irq;

    if (!buddy_ready)
        return 0;
    irq = irq_save();
    spin_lock(&frame_lock);
    pfn = buddy_alloc_below(&buddy, order, limit / PAGE_SIZE);
    spin_unlock(&frame_lock);
    irq_restore(irq);
    if (pfn >= 0)
        phys = (uint64_t)pfn * PAGE_SIZE;
    return phys;
}

uint64_t
frame_alloc_zeroed(unsigned order)
{
    uint64_t phys = frame_alloc(order);

    if (phys)
        zero_qwords(vm_phys_access(phys), PAGE_SIZE << order);
    return phys;
}

void
frame_free(uint64_t phys, unsigned order)
{
    bool irq;

    assert(buddy_ready && phys % PAGE_SIZE == 0);
    irq = irq_save();
    spin_lock(&frame_lock);
    buddy_free(&buddy, phys / PAGE_SIZE, order);
    spin_unlock(&frame_lock);
    irq_restore(irq);
}

uint64_t
frame_free_count(void)
{
    uint64_t n;
    bool irq = irq_save();

    spin_lock(&frame_lock);
    n = buddy_free_pages(&buddy);
    spin_unlock(&frame_lock);
    irq_restore(irq);
    return n;
}

uint64_t
frame_total_count(void)
{
    return managed_frames;
}
