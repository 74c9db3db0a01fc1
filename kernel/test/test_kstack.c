// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of kernel stacks (mm/kstack.c): every thread's stack and
 * every CPU's IST stacks have unmapped guard pages below them, and a stack
 * slot used again never reaches the frames of the stack it held before,
 * though freeing a stack flushes no TLB.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "test/live_counts.h"

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

/* The double-fault, NMI and machine-check stacks too: every CPU's are its
 * own, in the stack area, above guard pages that name them. */
KTEST(kstack_every_cpu_ist_stack_sits_above_unmapped_guard_pages)
{
    struct thread *self = sched_current();
    unsigned cpu, ist;

    for (unsigned n = 0; n < cpu_count; n++) {
        const struct cpu *c = &cpus[n];

        for (unsigned i = 0; i < IST_COUNT; i++) {
            uint64_t top = c->ist_top[i], base = top - KSTACK_SIZE, pa;

            KTEST_EXPECT(c->ist_phys[i] && c->tss.ist[i] == top && kstack_contains(base),
                         "cpu %u IST %u: stack %lx not from the stack area", n, i + 1, top);
            for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
                KTEST_EXPECT(pt_lookup(&kernel_pagetable, base + off, &pa, NULL) == 0 &&
                                 pa == c->ist_phys[i] + off,
                             "cpu %u IST %u: page %lx not mapped to its frame", n, i + 1,
                             base + off);
            }
            for (uint64_t off = PAGE_SIZE; off <= KSTACK_GUARD_SIZE; off += PAGE_SIZE)
                KTEST_EXPECT(pt_lookup(&kernel_pagetable, base - off, NULL, NULL) < 0,
                             "cpu %u IST %u: guard page %lx is mapped", n, i + 1, base - off);
            KTEST_EXPECT(kstack_guard_hit(base - 8) && cpu_ist_guard_hit(base - 8, &cpu, &ist) &&
                             cpu == n && ist == i + 1,
                         "cpu %u IST %u: its guard is not known as its own", n, i + 1);
            KTEST_EXPECT(!cpu_ist_guard_hit(base, &cpu, &ist) &&
                             !cpu_ist_guard_hit(top - 8, &cpu, &ist),
                         "cpu %u IST %u: the stack itself taken for a guard", n, i + 1);
        }
    }
    KTEST_EXPECT(!cpu_ist_guard_hit(self->kstack_top - KSTACK_SIZE - 8, &cpu, &ist),
                 "a thread's guard taken for an IST stack's");
}

/* Free a stack after touching it (its translation is cached here), then
 * take and free stacks until its slot comes back: it must reach the new
 * frames, never the old ones, and nothing may leak on the way. */
KTEST(kstack_reused_slot_never_reaches_the_old_frames)
{
    uint64_t before, top, phys, old_top, old_phys, hold;
    unsigned rounds = 0;
    bool found = false;

    /* Counted once the counts hold still: a frame an earlier test let go
     * may still be on its way back through another CPU's reaper. */
    before = live_counts_now().frames;
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
