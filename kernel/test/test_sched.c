// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of threads and the scheduler: threads run, exit with a
 * status and are freed; sleep sleeps; equal priorities share a CPU; a
 * higher priority runs first; all CPUs take work; many threads sleeping
 * and yielding finish without a lost wake-up.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "sched/sched.h"
#include "test/thread_wait.h"
#include "time/clock.h"

#define MS 1000000ul

static long
return_arg_times_two(void *arg)
{
    return (long)arg * 2;
}

KTEST(threads_run_and_exit_with_their_status)
{
    enum {
        N = 8
    };
    struct thread *t[N];
    unsigned live = thread_live_count();
    uint64_t frames = frame_free_count();

    for (long i = 0; i < N; i++) {
        t[i] = thread_create("child", return_arg_times_two, (void *)i, THREAD_PRIORITY_NORMAL);
        KTEST_EXPECT(t[i] != NULL, "thread_create failed");
        if (t[i])
            sched_start(t[i]);
    }
    for (long i = 0; i < N; i++) {
        if (!t[i])
            continue;
        KTEST_EXPECT(ktest_wait_dead(t[i], 2000), "thread %ld did not finish", i);
        KTEST_EXPECT(t[i]->exit_status == i * 2, "thread %ld exited with %ld", i,
                     (long)t[i]->exit_status);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(ktest_live_threads_settle(live), "%u threads alive, %u before",
                 thread_live_count(), live);
    KTEST_EXPECT(frame_free_count() == frames, "%lu frames free, %lu before", frame_free_count(),
                 frames);
}

KTEST(thread_create_refuses_bad_priority)
{
    KTEST_EXPECT(thread_create("bad", return_arg_times_two, NULL, THREAD_PRIORITIES) == NULL,
                 "priority %u accepted", THREAD_PRIORITIES);
}

KTEST(sleep_wakes_after_its_time_within_tolerance)
{
    for (uint64_t ms = 1; ms <= 40; ms *= 4) {
        uint64_t start = clock_monotonic_ns(), took;

        sched_sleep_ns(ms * MS);
        took = clock_monotonic_ns() - start;
        KTEST_EXPECT(took >= ms * MS, "sleep(%lu ms) took only %lu us", ms, took / 1000);
        /* Two ticks of lateness is the design; the bound is far above it, so
         * a loaded machine stalling a virtual CPU does not fail the test, and
         * a lost wake-up still does. */
        KTEST_EXPECT(took < ms * MS + 2000 * MS, "sleep(%lu ms) took %lu ms", ms, took / MS);
    }
}

struct spinner {
    uint64_t deadline; /* in global timer ticks */
    volatile uint64_t count;
    volatile uint32_t cpus_seen; /* bit per CPU index < 32 */
};

/* Spin until the deadline tick; the window is counted in timer ticks, the
 * unit slices are made of, so an emulator that delivers ticks late widens
 * the window instead of starving a spinner of its turn. */
static long
spin_until_deadline(void *arg)
{
    struct spinner *s = arg;

    while (clock_ticks() < __atomic_load_n(&s->deadline, __ATOMIC_RELAXED)) {
        s->count++;
        __atomic_fetch_or(&s->cpus_seen, 1u << (this_cpu()->index & 31), __ATOMIC_RELAXED);
    }
    return 0;
}

/* Start n spinners at one priority for `ticks` timer ticks and wait. */
static void
run_spinners(struct spinner *s, unsigned n, unsigned priority, uint64_t ticks)
{
    struct thread *t[8];
    uint64_t deadline = clock_ticks() + ticks;

    for (unsigned i = 0; i < n; i++) {
        s[i].deadline = deadline;
        s[i].count = 0;
        s[i].cpus_seen = 0;
        t[i] = thread_create("spinner", spin_until_deadline, &s[i], priority);
        KTEST_EXPECT(t[i] != NULL, "thread_create failed");
    }
    for (unsigned i = 0; i < n; i++) {
        if (t[i])
            sched_start(t[i]);
    }
    for (unsigned i = 0; i < n; i++) {
        if (!t[i])
            continue;
        KTEST_EXPECT(ktest_wait_dead(t[i], 60000), "spinner %u never finished", i);
        thread_unref(t[i]);
    }
}

KTEST(equal_priority_spinners_share_the_cpu)
{
    /* More spinners than CPUs, all below the test thread's priority so it
     * can still wait for them: each must get time, which on one CPU means
     * preemption at the end of a slice. They spin until every one has run
     * (or 10 s have passed: one that has not run by then was starved), not
     * for a count of ticks, which a loaded host thins out by dropping them. */
    struct spinner s[8];
    struct thread *t[8];
    unsigned n = cpu_count * 2 > 8 ? 8 : cpu_count * 2, ran = 0;
    uint64_t give_up = clock_monotonic_ns() + 10000 * MS;

    for (unsigned i = 0; i < n; i++) {
        s[i] = (struct spinner){.deadline = UINT64_MAX};
        t[i] = thread_create("spinner", spin_until_deadline, &s[i], THREAD_PRIORITY_NORMAL - 1);
        KTEST_ASSERT(t[i] != NULL, "thread_create failed");
    }
    for (unsigned i = 0; i < n; i++)
        sched_start(t[i]);
    while (ran < n && clock_monotonic_ns() < give_up) {
        sched_sleep_ns(10 * MS);
        ran = 0;
        for (unsigned i = 0; i < n; i++)
            ran += s[i].count > 0;
    }
    for (unsigned i = 0; i < n; i++)
        __atomic_store_n(&s[i].deadline, 0, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < n; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 60000), "spinner %u never finished", i);
        KTEST_EXPECT(s[i].count > 0, "spinner %u of %u never ran in 10 s", i, n);
        thread_unref(t[i]);
    }
}

KTEST(threads_run_in_parallel_on_every_cpu)
{
    struct spinner s[8];
    unsigned n = cpu_count > 8 ? 8 : cpu_count;
    uint32_t seen = 0;

    run_spinners(s, n, THREAD_PRIORITY_NORMAL - 1, 30);
    for (unsigned i = 0; i < n; i++)
        seen |= s[i].cpus_seen;
    unsigned distinct = 0;
    for (uint32_t bits = seen; bits; bits &= bits - 1)
        distinct++;
    KTEST_EXPECT(distinct == n, "work ran on CPUs %x, %u online", seen, n);
}

static volatile unsigned stress_done;

static long
sleep_and_yield(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;

    for (unsigned i = 0; i < 40; i++) {
        seed = seed * 1103515245u + 12345u;
        if (seed & 0x100)
            sched_sleep_ns((seed >> 16) % 2 * MS);
        else
            sched_yield();
    }
    __atomic_fetch_add(&stress_done, 1, __ATOMIC_RELAXED);
    return 0;
}

KTEST(many_threads_sleeping_and_yielding_all_finish)
{
    enum {
        N = 48
    };
    struct thread *t[N];
    unsigned live = thread_live_count();

    stress_done = 0;
    for (unsigned i = 0; i < N; i++) {
        t[i] = thread_create("stress", sleep_and_yield, (void *)(uintptr_t)i,
                             THREAD_PRIORITY_NORMAL - 1 + i % 3);
        if (t[i])
            sched_start(t[i]);
    }
    for (unsigned i = 0; i < N; i++) {
        if (!t[i])
            continue;
        KTEST_EXPECT(ktest_wait_dead(t[i], 20000), "thread %u hung (state %d)", i, t[i]->state);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(stress_done == N, "%u of %u finished", stress_done, N);
    KTEST_EXPECT(ktest_live_threads_settle(live), "%u threads alive, %u before",
                 thread_live_count(), live);
}

static volatile bool blocked_flag;

static long
block_until_flag(void *arg)
{
    (void)arg;
    for (;;) {
        sched_prepare_block();
        if (blocked_flag) {
            sched_cancel_block();
            return 7;
        }
        sched_block();
    }
}

KTEST(blocked_thread_wakes_on_sched_wake)
{
    struct thread *t = thread_create("blocker", block_until_flag, NULL, THREAD_PRIORITY_NORMAL);

    blocked_flag = false;
    KTEST_EXPECT(t != NULL, "thread_create failed");
    if (!t)
        return;
    sched_start(t);
    KTEST_EXPECT(ktest_wait_blocked(t, 5000), "state %d after 5 s, expected blocked", t->state);
    blocked_flag = true;
    sched_wake(t);
    KTEST_EXPECT(ktest_wait_dead(t, 2000), "the woken thread did not finish");
    KTEST_EXPECT(t->exit_status == 7, "exit status %ld", (long)t->exit_status);
    KTEST_EXPECT(!sched_wake(t), "waking a dead thread reported success");
    thread_unref(t);
}

/* Each thread takes the next number when it first runs. */
struct run_order {
    unsigned next;     /* [atomic] */
    unsigned taken[2]; /* [atomic] what each thread took, from 1 */
};

static struct run_order run_order;

static long
take_a_number(void *arg)
{
    unsigned i = (unsigned)(uintptr_t)arg;

    __atomic_store_n(&run_order.taken[i], __atomic_add_fetch(&run_order.next, 1, __ATOMIC_ACQ_REL),
                     __ATOMIC_RELEASE);
    return 0;
}

/*
 * Two threads made ready on this CPU while it is busy, both below the test
 * thread: when it then sleeps, the higher one must run first. Interrupts
 * are off while they are made ready, so neither can run (nor this thread
 * move to another CPU) before both wait in the run queue.
 */
KTEST(higher_priority_ready_thread_runs_before_a_lower_one)
{
    static const unsigned prio[2] = {THREAD_PRIORITY_NORMAL - 2, THREAD_PRIORITY_NORMAL - 1};
    struct thread *t[2];
    bool irq;

    run_order = (struct run_order){0};
    for (unsigned i = 0; i < 2; i++) {
        t[i] = thread_create("ranked", take_a_number, (void *)(uintptr_t)i, prio[i]);
        KTEST_ASSERT(t[i], "thread_create failed");
    }
    irq = irq_save();
    for (unsigned i = 0; i < 2; i++) {
        KTEST_EXPECT(sched_set_pin(t[i], (int)this_cpu()->index) == 0, "sched_set_pin failed");
        sched_start(t[i]); /* the lower one first */
    }
    irq_restore(irq);
    for (unsigned i = 0; i < 2; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 5000), "thread at priority %u did not run", prio[i]);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(run_order.taken[1] == 1 && run_order.taken[0] == 2,
                 "priority %u ran %s, priority %u %s", prio[1],
                 run_order.taken[1] == 1 ? "first" : "second", prio[0],
                 run_order.taken[0] == 1 ? "first" : "second");
}

/*
 * The same two ready threads, their priorities swapped while they wait in
 * the run queue (sched_set_priority moves each to its new priority's
 * queue): now the other one must run first.
 */
KTEST(set_priority_moves_a_ready_thread_to_its_new_queue)
{
    static const unsigned prio[2] = {THREAD_PRIORITY_NORMAL - 2, THREAD_PRIORITY_NORMAL - 1};
    struct thread *t[2];
    bool irq;

    run_order = (struct run_order){0};
    for (unsigned i = 0; i < 2; i++) {
        t[i] = thread_create("reranked", take_a_number, (void *)(uintptr_t)i, prio[i]);
        KTEST_ASSERT(t[i], "thread_create failed");
    }
    irq = irq_save();
    for (unsigned i = 0; i < 2; i++) {
        KTEST_EXPECT(sched_set_pin(t[i], (int)this_cpu()->index) == 0, "sched_set_pin failed");
        sched_start(t[i]);
    }
    sched_set_priority(t[0], THREAD_PRIORITY_NORMAL - 1); /* raised */
    sched_set_priority(t[1], THREAD_PRIORITY_NORMAL - 3); /* lowered below it */
    irq_restore(irq);
    for (unsigned i = 0; i < 2; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 5000), "thread %u did not run", i);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(run_order.taken[0] == 1 && run_order.taken[1] == 2,
                 "the raised thread ran %s, the lowered one %s",
                 run_order.taken[0] == 1 ? "first" : "second",
                 run_order.taken[1] == 1 ? "first" : "second");
}
