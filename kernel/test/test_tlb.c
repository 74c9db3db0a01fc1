// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of TLB shootdown. Reader threads, at least one per CPU,
 * keep reading a page through one translation until every CPU has read
 * it; then they pause (still caching the translation), the test remaps the
 * page to another frame, and every CPU must read the new frame from then
 * on: a CPU that reads the old one kept a stale TLB entry.
 *
 * Both halves of the address space: a kernel-half page (global, and
 * cached by every CPU), and a user-half page of a table that only the
 * readers run on (they load it themselves, with interrupts off around
 * each read, and announce it as the context switch does).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/tlb.h"
#include "core/ktest.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "test/thread_wait.h"
#include "time/clock.h"

#define MS 1000000ul

/* Addresses nothing else maps: one in the kernel half (above test_vm.c's
 * scratch page), one in the user half (user programs start at 4 MiB and
 * never run on the tests' tables). */
#define KERNEL_SCRATCH_VA 0xffffff0000100000ull
#define USER_SCRATCH_VA   0x0000000040000000ull

#define OLD_VALUE 0x01d01d01d01d01d0ull
#define NEW_VALUE 0x0e40e40e40e40e40ull

#define MAX_READERS   (MAX_CPUS + 1)
#define PHASE_WAIT_MS 5000

enum probe_phase {
    PHASE_READ_OLD, /* read; every CPU must come to cache the old translation */
    PHASE_PAUSE,    /* do not read: the page is being remapped */
    PHASE_READ_NEW, /* read; every read must see the new frame */
    PHASE_STOP,
};

struct probe {
    uint64_t va;                /* [I] */
    uint64_t root;              /* [I] table the readers load, 0: stay on the kernel's */
    unsigned phase;             /* [a] only moves forward */
    unsigned paused;            /* [a] readers that have seen PHASE_PAUSE */
    uint8_t read_old[MAX_CPUS]; /* [a] this CPU read OLD_VALUE in PHASE_READ_OLD */
    uint8_t read_new[MAX_CPUS]; /* [a] this CPU read in PHASE_READ_NEW */
    uint32_t stale[MAX_CPUS];   /* [a] reads of OLD_VALUE in PHASE_READ_NEW */
};

/* One read of the probe page on one CPU, with the probe's table loaded. */
static uint64_t
probe_read(struct probe *p, unsigned *cpu, unsigned *phase)
{
    bool irq = irq_save();
    uint64_t v = 0;

    *cpu = this_cpu()->index;
    *phase = __atomic_load_n(&p->phase, __ATOMIC_ACQUIRE);
    if (*phase == PHASE_READ_OLD || *phase == PHASE_READ_NEW) {
        /* A switch away and back put us on the kernel's table again. */
        if (p->root && read_cr3() != p->root) {
            tlb_set_active_root(p->root);
            write_cr3(p->root);
        }
        v = *(volatile uint64_t *)p->va;
    }
    irq_restore(irq);
    return v;
}

static long
probe_reader(void *arg)
{
    struct probe *p = arg;
    bool paused = false;

    for (;;) {
        unsigned cpu, phase;
        uint64_t v = probe_read(p, &cpu, &phase);

        switch (phase) {
        case PHASE_READ_OLD:
            if (v == OLD_VALUE)
                __atomic_store_n(&p->read_old[cpu], 1, __ATOMIC_RELAXED);
            break;
        case PHASE_PAUSE:
            if (!paused)
                __atomic_fetch_add(&p->paused, 1, __ATOMIC_RELEASE);
            paused = true;
            break;
        case PHASE_READ_NEW:
            if (v != NEW_VALUE)
                __atomic_fetch_add(&p->stale[cpu], 1, __ATOMIC_RELAXED);
            __atomic_store_n(&p->read_new[cpu], 1, __ATOMIC_RELAXED);
            break;
        default:
            return 0;
        }
    }
}

/* Sleep until every online CPU has its flag set, or PHASE_WAIT_MS pass.
 * Returns the first CPU that never did, or cpu_count. */
static unsigned
wait_every_cpu(const uint8_t *flags)
{
    uint64_t start = clock_monotonic_ns();
    unsigned cpu = 0;

    while (cpu < cpu_count) {
        if (__atomic_load_n(&flags[cpu], __ATOMIC_RELAXED)) {
            cpu++;
            continue;
        }
        if (clock_monotonic_ns() - start > PHASE_WAIT_MS * MS)
            break;
        sched_sleep_ns(MS);
    }
    return cpu;
}

static bool
wait_paused(struct probe *p, unsigned readers)
{
    uint64_t start = clock_monotonic_ns();

    while (__atomic_load_n(&p->paused, __ATOMIC_ACQUIRE) < readers) {
        if (clock_monotonic_ns() - start > PHASE_WAIT_MS * MS)
            return false;
        sched_sleep_ns(MS);
    }
    return true;
}

/* Run the readers while the test remaps p->va in pt from the frame holding
 * OLD_VALUE to the one holding NEW_VALUE. */
static void
probe_remap(struct probe *p, struct pagetable *pt, uint64_t flags, uint64_t old_frame,
            uint64_t new_frame)
{
    struct thread *readers[MAX_READERS];
    unsigned n = cpu_count + 1, live = thread_live_count(), cpu;
    uint64_t start = clock_monotonic_ns(), pa = 0;
    int err;

    for (unsigned i = 0; i < n; i++) {
        readers[i] = thread_create("tlb-reader", probe_reader, p, THREAD_PRIORITY_NORMAL - 1);
        KTEST_EXPECT(readers[i] != NULL, "thread_create failed");
        if (!readers[i])
            n = i;
    }
    for (unsigned i = 0; i < n; i++)
        sched_start(readers[i]);

    cpu = wait_every_cpu(p->read_old);
    KTEST_EXPECT(cpu == cpu_count, "cpu %u never read the page before the remap", cpu);
    __atomic_store_n(&p->phase, PHASE_PAUSE, __ATOMIC_RELEASE);
    if (!wait_paused(p, n)) {
        /* A reader may still read: leave the page as it is. */
        KTEST_EXPECT(false, "only %u of %u readers paused", p->paused, n);
    } else {
        err = pt_unmap(pt, p->va, &pa);
        KTEST_EXPECT(err == 0 && pa == old_frame, "pt_unmap gave %d, %lx", err, pa);
        err = pt_map(pt, p->va, new_frame, flags);
        KTEST_EXPECT(err == 0, "pt_map of the new frame failed: %d", err);
        __atomic_store_n(&p->phase, PHASE_READ_NEW, __ATOMIC_RELEASE);
        cpu = wait_every_cpu(p->read_new);
        KTEST_EXPECT(cpu == cpu_count, "cpu %u never read the page after the remap", cpu);
    }
    __atomic_store_n(&p->phase, PHASE_STOP, __ATOMIC_RELEASE);

    for (unsigned i = 0; i < n; i++) {
        KTEST_EXPECT(ktest_wait_dead(readers[i], PHASE_WAIT_MS), "reader %u did not stop", i);
        thread_unref(readers[i]);
    }
    KTEST_EXPECT(ktest_live_threads_settle(live), "%u threads alive, %u before",
                 thread_live_count(), live);
    for (unsigned i = 0; i < cpu_count; i++)
        KTEST_EXPECT(p->stale[i] == 0, "cpu %u read the old frame %u times after the remap", i,
                     p->stale[i]);
    log_debug("tlb test: %u readers on %u CPUs, %lu ms", n, cpu_count,
              (clock_monotonic_ns() - start) / MS);
}

/* Two frames holding OLD_VALUE and NEW_VALUE. */
static bool
probe_frames(uint64_t *old_frame, uint64_t *new_frame)
{
    *old_frame = frame_alloc_zeroed(0);
    *new_frame = frame_alloc_zeroed(0);
    if (!*old_frame || !*new_frame) {
        if (*old_frame)
            frame_free(*old_frame, 0);
        if (*new_frame)
            frame_free(*new_frame, 0);
        return false;
    }
    *(uint64_t *)phys_to_virt(*old_frame) = OLD_VALUE;
    *(uint64_t *)phys_to_virt(*new_frame) = NEW_VALUE;
    return true;
}

KTEST(tlb_kernel_remap_is_seen_by_every_cpu)
{
    static struct probe p; /* MAX_CPUS-sized arrays: not on the stack */
    uint64_t old_frame, new_frame, flags = PTE_W | PTE_NX | PTE_G;

    if (!probe_frames(&old_frame, &new_frame)) {
        KTEST_EXPECT(false, "no frames");
        return;
    }
    p = (struct probe){.va = KERNEL_SCRATCH_VA};
    KTEST_EXPECT(pt_map(&kernel_pagetable, p.va, old_frame, flags) == 0, "pt_map failed");
    probe_remap(&p, &kernel_pagetable, flags, old_frame, new_frame);
    pt_unmap(&kernel_pagetable, p.va, NULL);
    frame_free(old_frame, 0);
    frame_free(new_frame, 0);
}

/* A table with the kernel half, so kernel code runs on it, and nothing in
 * the user half yet. */
static int
probe_table_create(struct pagetable *pt)
{
    const uint64_t *kernel = phys_to_virt(kernel_pagetable.root);
    uint64_t *pml4;

    if (pt_create(pt) < 0)
        return -1;
    pml4 = phys_to_virt(pt->root);
    for (unsigned i = 256; i < 512; i++)
        pml4[i] = kernel[i];
    return 0;
}

/* Free the tables on va's path (the only user mapping made) and the root. */
static void
probe_table_destroy(struct pagetable *pt, uint64_t va)
{
    uint64_t tables[4] = {pt->root}; /* PML4, PDPT, PD, PT */
    unsigned n = 1;

    while (n < 4) {
        uint64_t entry = ((const uint64_t *)phys_to_virt(tables[n - 1]))[pt_index(va, 5 - n)];
        if (!(entry & PTE_P))
            break;
        tables[n++] = entry & PTE_ADDR;
    }
    while (n > 0)
        frame_free(tables[--n], 0);
}

KTEST(tlb_user_remap_is_seen_by_every_cpu_on_the_table)
{
    static struct probe p;
    struct pagetable pt;
    uint64_t old_frame, new_frame, flags = PTE_W | PTE_NX; /* not PTE_U: SMAP */
    uint64_t frames = frame_free_count();

    if (!probe_frames(&old_frame, &new_frame)) {
        KTEST_EXPECT(false, "no frames");
        return;
    }
    if (probe_table_create(&pt) < 0) {
        KTEST_EXPECT(false, "no frame for the table");
        goto out_frames;
    }
    p = (struct probe){.va = USER_SCRATCH_VA, .root = pt.root};
    KTEST_EXPECT(pt_map(&pt, p.va, old_frame, flags) == 0, "pt_map failed");
    probe_remap(&p, &pt, flags, old_frame, new_frame);
    pt_unmap(&pt, p.va, NULL);
    probe_table_destroy(&pt, p.va);
out_frames:
    frame_free(old_frame, 0);
    frame_free(new_frame, 0);
    KTEST_EXPECT(frame_free_count() == frames, "%lu frames free, %lu before", frame_free_count(),
                 frames);
}

KTEST(tlb_user_flush_spares_cpus_off_the_table)
{
    struct pagetable pt;
    uint64_t frame = frame_alloc_zeroed(0), before;

    KTEST_EXPECT(frame != 0, "no frame");
    if (!frame || probe_table_create(&pt) < 0) {
        frame_free(frame, 0);
        return;
    }
    before = tlb_remote_requests();
    KTEST_EXPECT(pt_map(&pt, USER_SCRATCH_VA, frame, PTE_W | PTE_NX) == 0, "pt_map failed");
    KTEST_EXPECT(pt_protect(&pt, USER_SCRATCH_VA, PTE_NX) == 0, "pt_protect failed");
    KTEST_EXPECT(pt_unmap(&pt, USER_SCRATCH_VA, NULL) == 0, "pt_unmap failed");
    /* No CPU runs on the table, so no CPU was asked to flush. */
    KTEST_EXPECT(tlb_remote_requests() == before, "%lu shootdown requests for an idle table",
                 tlb_remote_requests() - before);
    probe_table_destroy(&pt, USER_SCRATCH_VA);
    frame_free(frame, 0);
}

KTEST(tlb_kernel_flush_asks_every_other_cpu)
{
    uint64_t frame = frame_alloc_zeroed(0), before;

    KTEST_EXPECT(frame != 0, "no frame");
    if (!frame)
        return;
    KTEST_EXPECT(pt_map(&kernel_pagetable, KERNEL_SCRATCH_VA, frame, PTE_W | PTE_NX | PTE_G) == 0,
                 "pt_map failed");
    before = tlb_remote_requests();
    KTEST_EXPECT(pt_unmap(&kernel_pagetable, KERNEL_SCRATCH_VA, NULL) == 0, "pt_unmap failed");
    /* At least: flushes elsewhere may add their own. */
    KTEST_EXPECT(tlb_remote_requests() - before >= cpu_count - 1,
                 "%lu shootdown requests for %u other CPUs", tlb_remote_requests() - before,
                 cpu_count - 1);
    frame_free(frame, 0);
}

#define STORM_MS      200 /* each flusher flushes for this long, */
#define STORM_MIN     20  /* and at least this many times */
#define STORM_BURST   5   /* flushes per stretch with interrupts off */
#define STORM_WAIT_MS 40000

struct storm {
    uint64_t deadline; /* [I] */
    unsigned done;     /* [a] flushers finished */
    uint64_t flushes;  /* [a] */
};

/* Flush in bursts with interrupts off, so flushers meet one another with
 * interrupts off: each must serve the others' requests while it waits. */
static long
flush_storm(void *arg)
{
    struct storm *s = arg;
    uint64_t va = KERNEL_SCRATCH_VA + PAGE_SIZE; /* unmapped: flushing it is harmless */
    uint64_t n = 0;

    do {
        bool irq = irq_save();
        for (unsigned i = 0; i < STORM_BURST; i++)
            tlb_flush_page(&kernel_pagetable, va);
        irq_restore(irq);
        n += STORM_BURST;
    } while (n < STORM_MIN || clock_monotonic_ns() < s->deadline);
    __atomic_fetch_add(&s->flushes, n, __ATOMIC_RELAXED);
    __atomic_fetch_add(&s->done, 1, __ATOMIC_RELEASE);
    return 0;
}

KTEST(tlb_flushes_from_every_cpu_at_once_with_interrupts_off_finish)
{
    struct thread *t[MAX_READERS];
    unsigned n = cpu_count * 2 > MAX_READERS ? MAX_READERS : cpu_count * 2;
    uint64_t start = clock_monotonic_ns(), requests = tlb_remote_requests();
    static struct storm s; /* outlives a flusher that never finishes */

    s = (struct storm){.deadline = start + STORM_MS * MS};

    for (unsigned i = 0; i < n; i++) {
        t[i] = thread_create("tlb-storm", flush_storm, &s, THREAD_PRIORITY_NORMAL - 1);
        KTEST_EXPECT(t[i] != NULL, "thread_create failed");
        if (!t[i])
            n = i;
    }
    for (unsigned i = 0; i < n; i++)
        sched_start(t[i]);
    /* A deadlock would end in the flusher's own panic (after 30 s). */
    for (uint64_t waited = clock_monotonic_ns();
         __atomic_load_n(&s.done, __ATOMIC_ACQUIRE) < n &&
         clock_monotonic_ns() - waited < STORM_WAIT_MS * MS;)
        sched_sleep_ns(MS);
    KTEST_EXPECT(s.done == n, "%u of %u flushers finished", s.done, n);
    for (unsigned i = 0; i < n; i++) {
        if (s.done == n)
            KTEST_EXPECT(ktest_wait_dead(t[i], PHASE_WAIT_MS), "flusher %u did not exit", i);
        thread_unref(t[i]);
    }
    log_debug("tlb storm: %u flushers, %lu flushes, %lu remote requests, %lu ms", n, s.flushes,
              tlb_remote_requests() - requests, (clock_monotonic_ns() - start) / MS);
}
