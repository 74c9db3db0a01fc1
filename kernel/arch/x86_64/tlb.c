// SPDX-License-Identifier: MIT
/*
 * TLB shootdown (see tlb.h).
 *
 * Who may cache a translation. Kernel-half mappings are shared by every
 * address space and are often global, so any online CPU may hold them.
 * User-half mappings are never global, and without PCIDs a CR3 load drops
 * them all, so only a CPU whose CR3 is the table's root holds them. Each
 * CPU publishes that root in active_root (tlb_set_active_root, from the
 * context switch) before it loads CR3.
 *
 * Why reading active_root is enough. The flusher stores the new entry,
 * then (full fence) reads every active_root; a switching CPU stores its
 * active_root, then (full fence: the store is seq_cst, and a CR3 load
 * serializes) walks the new table. One of the two sees the other's store:
 * either the flusher sees the root and sends the IPI, or the switching CPU
 * walks the table only after the entry changed. A CPU leaving the table
 * stores its new root first and touches only kernel memory until its CR3
 * load drops the user entries.
 *
 * The protocol. One shootdown is in flight at a time, under tlb_lock:
 *
 *   flusher (interrupts off throughout)         target CPU t
 *   ------------------------------------        --------------------------
 *   compute targets from online/active_root
 *   take tlb_lock, serving requests meanwhile
 *   request = start, pages
 *   pending[t] = 1 (release), for each t
 *   IPI VEC_TLB to each t                       (interrupt, or a poll while
 *   flush locally if this CPU may hold it        it waits for tlb_lock)
 *   wait until every pending[t] == 0            if pending[t] (acquire):
 *   drop tlb_lock                                 flush the request's range
 *                                                 pending[t] = 0 (release)
 *
 * A range of more than TLB_FULL_FLUSH_PAGES pages is flushed whole: every
 * non-global translation (a CR3 reload) for the user half, everything
 * (CR4.PGE off and on) for the kernel half.
 *
 * pending[t] is set only by the holder of tlb_lock, and the holder clears
 * nothing until all its targets have answered, so the request is stable
 * while any pending flag is set. An IPI that arrives after its request was
 * served by a poll finds pending clear and does nothing (or serves a newer
 * request, which is just as correct).
 *
 * No deadlock between two flushers: a flusher waiting for the lock with
 * interrupts off keeps serving requests addressed to it, so the lock
 * holder's wait always ends, and the lock holder itself never needs
 * anything from the CPUs waiting for it. What remains forbidden is
 * flushing while holding a spinlock that a target may spin on with
 * interrupts off (tlb.h). A target that never answers (a hang, or a CPU
 * stopped by a panic) ends in a panic naming it after TLB_ACK_TIMEOUT_NS.
 *
 * CPUs being brought up are not targets until they are online; bring-up
 * changes no existing mapping, so they cannot miss a flush that matters.
 */
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "lib/spinlock.h"
#include "time/clock.h"

/* A target takes microseconds to answer; an emulated CPU starved of host
 * time may take far longer. Only a CPU that is truly stuck takes this long. */
#define TLB_ACK_TIMEOUT_NS 30000000000ull /* 30 s */
#define TLB_TIMEOUT_CHECK  1024           /* spins between clock reads */

struct tlb_cpu tlb_cpus[MAX_CPUS]; /* tlb.h, for tlb_set_active_root */
static struct spinlock tlb_lock = SPINLOCK_INIT;
static uint64_t request_start;   /* [tlb_lock] the range asked for; stable while */
static uint64_t request_pages;   /* [tlb_lock] any pending flag is set */
static uint64_t remote_requests; /* [a] */

_Static_assert(MAX_CPUS <= 64, "targets are a 64-bit mask");

static bool
va_is_kernel(uint64_t va)
{
    return va >> 63;
}

/* Drop this CPU's translations of pages pages from start. Interrupts are
 * off. */
static void
tlb_flush_local(uint64_t start, uint64_t pages)
{
    if (pages <= TLB_FULL_FLUSH_PAGES) {
        for (uint64_t i = 0; i < pages; i++)
            invlpg(start + i * PAGE_SIZE);
    } else if (va_is_kernel(start) && (read_cr4() & CR4_PGE)) {
        uint64_t cr4 = read_cr4();
        write_cr4(cr4 & ~CR4_PGE); /* drops global entries too */
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

/* Serve the request addressed to this CPU, if there is one. Interrupts
 * are off (an interrupt handler, or a flusher's wait). */
static void
tlb_serve(void)
{
    struct tlb_cpu *me = &tlb_cpus[this_cpu()->index];

    if (!__atomic_load_n(&me->pending, __ATOMIC_ACQUIRE))
        return;
    tlb_flush_local(__atomic_load_n(&request_start, __ATOMIC_RELAXED),
                    __atomic_load_n(&request_pages, __ATOMIC_RELAXED));
    __atomic_store_n(&me->pending, 0, __ATOMIC_RELEASE);
}

static void
tlb_ipi(struct trap_frame *tf, void *arg)
{
    (void)tf;
    (void)arg;
    tlb_serve();
}

void
tlb_init(void)
{
    if (trap_set_handler(VEC_TLB, tlb_ipi, NULL) < 0)
        panic("tlb: vector %#x is taken", VEC_TLB);
}

uint64_t
tlb_remote_requests(void)
{
    return __atomic_load_n(&remote_requests, __ATOMIC_RELAXED);
}

/* Other online CPUs that may cache va's translation in pt. */
static uint64_t
tlb_targets(const struct pagetable *pt, uint64_t va, unsigned self)
{
    uint64_t mask = 0;

    for (unsigned i = 0; i < MAX_CPUS; i++) {
        if (i == self || !__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
            continue;
        if (va_is_kernel(va) ||
            __atomic_load_n(&tlb_cpus[i].active_root, __ATOMIC_SEQ_CST) == pt->root)
            mask |= 1ull << i;
    }
    return mask;
}

static void
tlb_wait_for(unsigned cpu, uint64_t va)
{
    uint64_t start = clock_monotonic_ns();

    for (unsigned spins = 1; __atomic_load_n(&tlb_cpus[cpu].pending, __ATOMIC_ACQUIRE); spins++) {
        cpu_relax();
        if (spins % TLB_TIMEOUT_CHECK == 0 && clock_monotonic_ns() - start > TLB_ACK_TIMEOUT_NS)
            panic("tlb: cpu %u (APIC id %u) never acknowledged the shootdown of %lx", cpu,
                  cpus[cpu].apic_id, va);
    }
}

static void
tlb_shoot(uint64_t targets, uint64_t start, uint64_t pages)
{
    while (!spin_trylock(&tlb_lock)) {
        tlb_serve(); /* the holder may be waiting for us */
        cpu_relax();
    }
    __atomic_store_n(&request_start, start, __ATOMIC_RELAXED);
    __atomic_store_n(&request_pages, pages, __ATOMIC_RELAXED);
    for (uint64_t m = targets; m; m &= m - 1)
        __atomic_store_n(&tlb_cpus[__builtin_ctzll(m)].pending, 1, __ATOMIC_RELEASE);
    /* The flags are visible before any IPI (a UC store after WB stores is
     * ordered anyway; the fence says so). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (uint64_t m = targets; m; m &= m - 1) {
        lapic_send_ipi(cpus[__builtin_ctzll(m)].apic_id, VEC_TLB);
        __atomic_fetch_add(&remote_requests, 1, __ATOMIC_RELAXED);
    }
}

static void
tlb_finish(uint64_t targets, uint64_t va)
{
    for (uint64_t m = targets; m; m &= m - 1)
        tlb_wait_for(__builtin_ctzll(m), va);
    spin_unlock(&tlb_lock);
}

static void
tlb_flush(const struct pagetable *pt, uint64_t start, uint64_t pages)
{
    bool irq = irq_save(); /* stay on this CPU from the choice to the flush */
    unsigned self = cpu_current_index();
    uint64_t targets;

    /* The caller's entry stores before the reads of active_root. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    targets = tlb_targets(pt, start, self);
    if (targets)
        tlb_shoot(targets, start, pages);
    if (va_is_kernel(start) || read_cr3() == pt->root)
        tlb_flush_local(start, pages);
    if (targets)
        tlb_finish(targets, start);
    irq_restore(irq);
}

void
tlb_flush_page(const struct pagetable *pt, uint64_t va)
{
    tlb_flush(pt, va, 1);
}

void
tlb_flush_range(const struct pagetable *pt, uint64_t start, uint64_t end)
{
    assert(start < end && va_is_kernel(start) == va_is_kernel(end - 1));
    tlb_flush(pt, start, (end - start) / PAGE_SIZE);
}
