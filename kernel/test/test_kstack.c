// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of kernel stacks (mm/kstack.c): every thread's stack has
 * unmapped guard pages below it, and a stack slot used again never
 * reaches the frames of the stack it held before, though freeing a stack
 * flushes no TLB.
 */
#include "arch/x86_64/paging.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "sched/sched.h"

static long
kstack_idle(void *arg)
{
    (void)arg;
    return 0;
}

KTEST(kstack_every_thread_stack_sits_above_unmapped_guard_pages)
{
    struct thread *t = thread_create("guarded", kstack_idle, NULL, THREAD_PRIORITY_NORMAL);
    uint64_t base, pa;

    KTEST_ASSERT(t, "thread_create failed");
    base = t->kstack_top - KSTACK_SIZE;
    KTEST_EXPECT(kstack_contains(base) && kstack_contains(t->kstack_top - 1),
                 "stack %lx not in the stack area", t->kstack_top);
    for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
        KTEST_EXPECT(pt_lookup(&kernel_pagetable, base + off, &pa, NULL) == 0 &&
                         pa == t->kstack_phys + off,
                     "stack page %lx not mapped to its frame", base + off);
        KTEST_EXPECT(!kstack_guard_hit(base + off), "stack page %lx taken for a guard", base + off);
    }
    for (uint64_t off = PAGE_SIZE; off <= KSTACK_GUARD_SIZE; off += PAGE_SIZE) {
        KTEST_EXPECT(pt_lookup(&kernel_pagetable, base - off, NULL, NULL) < 0,
                     "the guard page %lx below %lx is mapped", base - off, base);
        KTEST_EXPECT(kstack_guard_hit(base - off) && kstack_guard_hit(base - off + PAGE_SIZE - 8),
                     "the guard page %lx below %lx is not known as one", base - off, base);
    }
    /* The stack's pages share one page table: a single walk maps them. */
    KTEST_EXPECT(base / LARGE_PAGE_SIZE == (t->kstack_top - 1) / LARGE_PAGE_SIZE,
                 "stack %lx straddles two page tables", base);
    thread_unref(t);
}

/* Free a stack after touching it (its translation is cached here), then
 * take and free stacks until its slot comes back: it must reach the new
 * frames, never the old ones, and nothing may leak on the way. */
KTEST(kstack_reused_slot_never_reaches_the_old_frames)
{
    uint64_t before, top, phys, old_top, old_phys, hold;
    unsigned rounds = 0;
    bool found = false;

    kmalloc_shrink();
    before = frame_free_count();
    KTEST_ASSERT(kstack_alloc(&old_top, &old_phys) == 0, "no stack");
    *(volatile uint64_t *)(old_top - 8) = 0x1111111111111111ull;
    KTEST_EXPECT(*(volatile uint64_t *)((uint64_t)phys_to_virt(old_phys) + KSTACK_SIZE - 8) ==
                     0x1111111111111111ull,
                 "the stack does not map its frames");
    kstack_free(old_top, old_phys);
    /* Keep the old frames from the next stacks (the allocator would hand
     * them straight back), with other contents. */
    hold = frame_alloc(KSTACK_ORDER);
    if (hold)
        *(volatile uint64_t *)((uint64_t)phys_to_virt(hold) + KSTACK_SIZE - 8) =
            0x3333333333333333ull;
    for (; rounds < 2 * KSTACK_MAX && !found; rounds++) {
        if (kstack_alloc(&top, &phys) < 0) {
            ktest_fail("kstack_alloc failed after %u rounds", rounds);
            break;
        }
        if (top == old_top) {
            found = true;
            *(volatile uint64_t *)((uint64_t)phys_to_virt(phys) + KSTACK_SIZE - 8) =
                0x2222222222222222ull;
            KTEST_EXPECT(*(volatile uint64_t *)(top - 8) == 0x2222222222222222ull,
                         "a reused slot reads %lx, not its new frame (a stale translation)",
                         *(volatile uint64_t *)(top - 8));
        }
        kstack_free(top, phys);
    }
    KTEST_EXPECT(found, "the slot never came back in %u rounds", rounds);
    if (hold)
        frame_free(hold, KSTACK_ORDER);
    kmalloc_shrink();
    KTEST_EXPECT(frame_free_count() == before, "%lu frames free, %lu before", frame_free_count(),
                 before);
}
