// SPDX-License-Identifier: MIT
/*
 * The kernel half of make bench (see bench.h). It runs in a kernel thread
 * of its own, so the threads it measures are scheduled like any other.
 */
#include <cairn/init.h>

#include "arch/x86_64/cpu.h"
#include "console/console.h"
#include "core/bench.h"
#include "core/init.h"
#include "core/ktest.h"
#include "sched/sched.h"

#define SAMPLES 200

static uint64_t samples[SAMPLES];

static void
report(const char *name, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = samples[i];
        unsigned j = i;
        while (j > 0 && samples[j - 1] > x) {
            samples[j] = samples[j - 1];
            j--;
        }
        samples[j] = x;
    }
    kprintf("%s: %lu cycles, n=%u\n", name, samples[n / 2], n);
}

static long
bench_empty_thread(void *arg)
{
    (void)arg;
    return 0;
}

/* Create a kernel thread, run it to its end, and reap it. */
static void
bench_thread_create_exit(void)
{
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        struct thread *t =
            thread_create("bench", bench_empty_thread, NULL, THREAD_PRIORITY_NORMAL + 1);
        sched_start(t); /* higher priority: it runs and dies before we go on */
        while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD)
            sched_yield();
        samples[i] = rdtsc() - t0;
        thread_unref(t);
    }
    report("thread_create_exit", SAMPLES);
}

static long
bench_thread(void *arg)
{
    struct process *init;
    int64_t status = -1;

    (void)arg;
    /* A figure of one CPU: with more, the new thread may start on another. */
    if (cpu_count == 1)
        bench_thread_create_exit();
    if (init_start(CAIRN_INIT_BENCH, &init) == 0) {
        process_wait(init, ~0ull, &status);
        process_unref(init);
    }
    kprintf("bench: done (init status %ld)\n", (long)status);
    qemu_exit(status == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}

void
bench_start(void)
{
    struct thread *t = thread_create("bench", bench_thread, NULL, THREAD_PRIORITY_NORMAL);

    if (!t) {
        kprintf("bench: cannot create the bench thread\n");
        qemu_exit(QEMU_EXIT_FAIL);
    }
    sched_start(t);
    thread_unref(t);
}
