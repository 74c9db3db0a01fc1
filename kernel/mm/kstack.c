// SPDX-License-Identifier: MIT
/*
 * Kernel stacks with guard pages (see kstack.h).
 *
 * Slot i covers [KSTACK_BASE + i * KSTACK_SLOT_SIZE, + KSTACK_SLOT_SIZE):
 * its first KSTACK_GUARD_SIZE bytes are never mapped (the guard, as large
 * as the stack, so that even a frame of a few KiB cannot step over it),
 * the other KSTACK_SIZE bytes map a stack's frames, read-write, no
 * execute, global. Slots are aligned to their size, which divides 2 MiB:
 * a stack's pages share one last-level table, and pt_map_run and
 * pt_unmap_run map and unmap them in one walk each.
 *
 * TLB: freeing a stack unmaps its pages without a shootdown, so other CPUs
 * may keep stale translations of the slot. They are harmless while the
 * slot stays unused (nothing runs on a dead stack), but a slot mapped
 * again must never be reached through the old frames, which have new
 * owners by then. So a freed slot waits in a FIFO, stamped with the
 * number of flushes started before it was unmapped (`flush_started`), and
 * is reused only once a flush that began after that has completed
 * (`flush_done` counts completed flushes by that numbering). A stack is
 * taken from the FIFO's head when it is clean, else from slots never used,
 * and only when neither is left does kstack_alloc flush the whole area on
 * every CPU, once for all the slots freed so far. The frames themselves go
 * back at once, as they would from the direct map, where any dangling
 * pointer reaches them too.
 *
 * Invariants, under kstack_lock: a slot is in exactly one of three states,
 * never used (index >= next_fresh), mapped (a live stack), or on the FIFO
 * (unmapped, stamped). All page-table changes in the area happen under the
 * lock (the walker's per-table entry counts are not atomic); its tables
 * exist from kstack_init on and are never freed. vm.c's pt_flush ignores
 * the area: flushes of it are this file's.
 *
 * Lock legend: [I] set by kstack_init, [k] kstack_lock.
 */
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/vm.h"

extern const char boot_stack_guard[];

_Static_assert((uint64_t)KSTACK_MAX *KSTACK_SLOT_SIZE <= KSTACK_AREA, "the area holds every slot");

struct kstack_free_slot {
    uint32_t slot;  /* its index */
    uint32_t stamp; /* flush_started when it was unmapped */
};

static struct spinlock kstack_lock = SPINLOCK_INIT;
static uint32_t kstack_slots;                /* [I] slots in the area */
static struct kstack_free_slot *kstack_fifo; /* [I] kstack_slots entries; contents [k] */
static uint32_t fifo_head, fifo_count;       /* [k] */
static uint32_t next_fresh;                  /* [k] slots below it have been used */
/* Flushes started and completed, by number. A flush needs every slot used
 * since the last one, so these cannot wrap in any machine's life. */
static uint32_t flush_started, flush_done; /* [k] */

static uint64_t
kstack_slot_base(uint32_t slot)
{
    return KSTACK_BASE + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

static uint64_t
kstack_area_end(void)
{
    return kstack_slot_base(kstack_slots);
}

void
kstack_init(void)
{
    uint64_t slots = frame_free_count() >> KSTACK_ORDER; /* more stacks than RAM holds: none */

    if (slots > KSTACK_MAX)
        slots = KSTACK_MAX;
    kstack_fifo = kmalloc(slots * sizeof(*kstack_fifo));
    if (!kstack_fifo)
        panic("kstack: no memory for %lu slots", slots);
    kstack_slots = (uint32_t)slots;
    /* Make every table under the area now: map a page into each 2 MiB of
     * it and take it away again (never used, so nothing to flush). */
    for (uint64_t va = KSTACK_BASE; va < kstack_area_end(); va += LARGE_PAGE_SIZE) {
        if (pt_map(&kernel_pagetable, va, 0, PTE_NX) < 0 ||
            pt_unmap(&kernel_pagetable, va, NULL) < 0)
            panic("kstack: no memory for the stack area's page tables");
    }
    log_debug("kstack: %u stacks of %u KiB at %lx", kstack_slots, KSTACK_SIZE / 1024,
              (uint64_t)KSTACK_BASE);
}

/* A slot that no stale translation can reach, or false (none left). Called
 * and returns with kstack_lock held and interrupts off (*irq: the state to
 * restore); may drop both to flush. */
static bool
kstack_slot_take(uint32_t *slot, bool *irq)
{
    for (;;) {
        uint32_t mine;

        if (fifo_count && kstack_fifo[fifo_head].stamp < flush_done) {
            *slot = kstack_fifo[fifo_head].slot;
            fifo_head = (fifo_head + 1) % kstack_slots;
            fifo_count--;
            return true;
        }
        if (next_fresh < kstack_slots) {
            *slot = next_fresh++;
            return true;
        }
        if (!fifo_count)
            return false;
        /* Everything freed so far was unmapped before this flush starts. */
        mine = ++flush_started;
        spin_unlock(&kstack_lock);
        irq_restore(*irq);
        tlb_flush_range(&kernel_pagetable, KSTACK_BASE, kstack_area_end());
        *irq = irq_save();
        spin_lock(&kstack_lock);
        if (mine > flush_done)
            flush_done = mine;
    }
}

int
kstack_alloc(uint64_t *top, uint64_t *phys)
{
    uint64_t frames = frame_alloc(KSTACK_ORDER), base;
    uint32_t slot;
    bool irq;

    if (!frames)
        return -CAIRN_ENOMEM;
    irq = irq_save();
    spin_lock(&kstack_lock);
    if (!kstack_slot_take(&slot, &irq)) {
        spin_unlock(&kstack_lock);
        irq_restore(irq);
        frame_free(frames, KSTACK_ORDER);
        return -CAIRN_ENOMEM;
    }
    base = kstack_slot_base(slot) + KSTACK_GUARD_SIZE;
    if (pt_map_run(&kernel_pagetable, base, frames, KSTACK_PAGES, PTE_W | PTE_NX | PTE_G) < 0)
        panic("kstack: cannot map a stack at %lx", base);
    spin_unlock(&kstack_lock);
    irq_restore(irq);
    *top = base + KSTACK_SIZE;
    *phys = frames;
    return 0;
}

void
kstack_free(uint64_t top, uint64_t phys)
{
    uint64_t base = top - KSTACK_SIZE;
    uint32_t slot = (uint32_t)((base - KSTACK_BASE) / KSTACK_SLOT_SIZE);
    bool irq;

    assert(kstack_contains(base) && base == kstack_slot_base(slot) + KSTACK_GUARD_SIZE);
    irq = irq_save();
    spin_lock(&kstack_lock);
    if (pt_unmap_run(&kernel_pagetable, base, KSTACK_PAGES) < 0)
        panic("kstack: freeing a stack not mapped at %lx", base);
    kstack_fifo[(fifo_head + fifo_count) % kstack_slots] =
        (struct kstack_free_slot){slot, flush_started};
    fifo_count++;
    spin_unlock(&kstack_lock);
    irq_restore(irq);
    frame_free(phys, KSTACK_ORDER);
}

bool
kstack_contains(uint64_t addr)
{
    return addr >= KSTACK_BASE && addr < kstack_area_end();
}

bool
kstack_guard_hit(uint64_t addr)
{
    if (addr >= (uint64_t)boot_stack_guard && addr < (uint64_t)boot_stack_guard + PAGE_SIZE)
        return true;
    return kstack_contains(addr) && (addr - KSTACK_BASE) % KSTACK_SLOT_SIZE < KSTACK_GUARD_SIZE;
}
