// SPDX-License-Identifier: MIT
/* Waiting for kernel threads in in-kernel tests (see thread_wait.h). */
#include "test/thread_wait.h"
#include "sched/sched.h"
#include "time/clock.h"

#define MS 1000000ul

bool
ktest_wait_dead(struct thread *t, uint64_t timeout_ms)
{
    uint64_t start = clock_monotonic_ns();

    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD) {
        if (clock_monotonic_ns() - start > timeout_ms * MS)
            return false;
        sched_sleep_ns(MS);
    }
    return true;
}

bool
ktest_wait_blocked(struct thread *t, uint64_t timeout_ms)
{
    uint64_t start = clock_monotonic_ns();

    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED) {
        if (clock_monotonic_ns() - start > timeout_ms * MS)
            return false;
        sched_sleep_ns(MS);
    }
    return true;
}

bool
ktest_live_threads_settle(unsigned expected)
{
    for (unsigned i = 0; i < 5000 && thread_live_count() != expected; i++)
        sched_sleep_ns(MS);
    return thread_live_count() == expected;
}
