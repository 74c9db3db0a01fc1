// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of wait queues and timed blocking: a deadline ends a
 * wait with -CAIRN_ETIMEDOUT no earlier than asked; a wake-up ends it with
 * 0; wake_all wakes every waiter and wake_one exactly one; a wake-up from
 * outside the queue reports -CAIRN_EINTR.
 */
#include <cairn/errors.h>

#include "core/ktest.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "test/thread_wait.h"
#include "time/clock.h"

#define MS 1000000ul

struct waitq_test {
    struct waitq wq;
    unsigned flag;    /* [wq.lock] the condition the waiters wait for */
    unsigned arrived; /* [wq.lock] waiters queued */
    int result;       /* what one waiter's last wait returned */
};

/* Wait (no deadline) until flag is set; count the arrival first. */
static long
wait_for_flag(void *arg)
{
    struct waitq_test *wt = arg;
    bool irq = spin_lock_irqsave(&wt->wq.lock);
    int err = 0;

    wt->arrived++;
    while (!wt->flag && err == 0)
        err = waitq_wait_locked(&wt->wq, SCHED_FOREVER);
    if (wt->flag)
        wt->flag--; /* consume one */
    wt->result = err;
    spin_unlock_irqrestore(&wt->wq.lock, irq);
    return err;
}

static bool
wait_arrivals(struct waitq_test *wt, unsigned n)
{
    for (unsigned i = 0; i < 2000; i++) {
        if (__atomic_load_n(&wt->arrived, __ATOMIC_ACQUIRE) >= n)
            return true;
        sched_sleep_ns(MS);
    }
    return false;
}

KTEST(waitq_deadline_times_out_no_earlier_than_asked)
{
    struct waitq wq;
    uint64_t start = clock_monotonic_ns(), took;
    bool irq;
    int err;

    waitq_init(&wq);
    irq = spin_lock_irqsave(&wq.lock);
    err = waitq_wait_locked(&wq, start + 25 * MS);
    spin_unlock_irqrestore(&wq.lock, irq);
    took = clock_monotonic_ns() - start;
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "wait returned %d", err);
    KTEST_EXPECT(took >= 25 * MS, "deadline 25 ms, returned after %lu us", took / 1000);
    KTEST_EXPECT(took < 250 * MS, "deadline 25 ms, returned after %lu ms", took / MS);
    KTEST_EXPECT(list_empty(&wq.waiters), "a timed-out waiter stayed queued");
}

KTEST(waitq_wake_one_wakes_exactly_one_and_wake_all_the_rest)
{
    enum {
        N = 4
    };
    static struct waitq_test wt;
    struct thread *t[N];
    unsigned dead = 0;
    bool irq;

    waitq_init(&wt.wq);
    wt.flag = wt.arrived = 0;
    for (int i = 0; i < N; i++) {
        t[i] = thread_create("waiter", wait_for_flag, &wt, THREAD_PRIORITY_NORMAL);
        KTEST_ASSERT(t[i] != NULL, "thread_create failed");
        sched_start(t[i]);
    }
    KTEST_ASSERT(wait_arrivals(&wt, N), "only %u of %u waiters arrived", wt.arrived, N);

    irq = spin_lock_irqsave(&wt.wq.lock);
    wt.flag = 1;
    KTEST_EXPECT(waitq_wake_one_locked(&wt.wq) == 1, "wake_one woke none");
    spin_unlock_irqrestore(&wt.wq.lock, irq);
    /* The woken one finishes however long it takes to run; then the others
     * get a while to show they were woken too. */
    for (int i = 0; i < 5000 && !dead; i++) {
        sched_sleep_ns(MS);
        for (int j = 0; j < N; j++)
            dead += __atomic_load_n(&t[j]->state, __ATOMIC_ACQUIRE) == THREAD_DEAD;
    }
    sched_sleep_ns(30 * MS);
    dead = 0;
    for (int i = 0; i < N; i++)
        dead += __atomic_load_n(&t[i]->state, __ATOMIC_ACQUIRE) == THREAD_DEAD;
    KTEST_EXPECT(dead == 1, "%u waiters finished after one wake_one", dead);

    irq = spin_lock_irqsave(&wt.wq.lock);
    wt.flag = N - 1;
    KTEST_EXPECT(waitq_wake_all_locked(&wt.wq) == N - 1, "wake_all woke a different number");
    spin_unlock_irqrestore(&wt.wq.lock, irq);
    for (int i = 0; i < N; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 2000), "waiter %d never finished", i);
        KTEST_EXPECT(t[i]->exit_status == 0, "waiter %d's wait returned %ld", i,
                     (long)t[i]->exit_status);
        thread_unref(t[i]);
    }
}

KTEST(waitq_wake_from_outside_reports_interrupted)
{
    static struct waitq_test wt;
    struct thread *t;

    waitq_init(&wt.wq);
    wt.flag = wt.arrived = 0;
    t = thread_create("waiter", wait_for_flag, &wt, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t != NULL, "thread_create failed");
    sched_start(t);
    KTEST_ASSERT(wait_arrivals(&wt, 1), "the waiter never arrived");
    /* Arrived is counted under the lock before the wait; the thread is
     * BLOCKED once it has dropped the lock, which this loop waits for. */
    ktest_wait_blocked(t, 5000);
    KTEST_EXPECT(sched_wake(t), "the waiter was not blocked");
    KTEST_EXPECT(ktest_wait_dead(t, 2000), "the waiter never finished");
    KTEST_EXPECT(t->exit_status == -CAIRN_EINTR, "wait returned %ld", (long)t->exit_status);
    thread_unref(t);
}
