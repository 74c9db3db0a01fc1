// SPDX-License-Identifier: MIT
/*
 * Wait queues (see waitq.h). A waiter is a node on the blocked thread's own
 * kernel stack; it is on the queue exactly while the thread may still be
 * woken through it. A waker unlinks the node and sets `woken` before it
 * calls sched_wake, both under the queue's lock, so a waiter that finds
 * its node unlinked knows a wake-up was meant for it, even if its deadline
 * made it ready first.
 */
#include <cairn/errors.h>

#include "sched/sched.h"
#include "sched/waitq.h"
#include "time/clock.h"

struct waitq_waiter {
    struct list_node link; /* [wq->lock] */
    struct thread *thread;
    bool woken; /* [wq->lock] */
};

void
waitq_init(struct waitq *wq)
{
    spin_init(&wq->lock);
    list_init(&wq->waiters);
}

int
waitq_wait_locked(struct waitq *wq, uint64_t deadline)
{
    struct waitq_waiter w = {.thread = sched_current()};
    bool timed_out;

    spin_assert_held(&wq->lock);

    list_push_back(&wq->waiters, &w.link);
    /* Blocked before the lock goes, so a wake-up in between is not lost:
     * it finds us BLOCKED and makes us ready, and sched_block_until
     * returns at once. */
    sched_prepare_block();
    spin_unlock(&wq->lock);
    timed_out = sched_block_until(deadline);
    spin_lock(&wq->lock);
    if (w.woken)
        return 0;
    list_remove(&w.link);
    return timed_out ? -CAIRN_ETIMEDOUT : -CAIRN_EINTR;
}

int
waitq_wait_for_locked(struct waitq *wq, const bool *done, uint64_t deadline)
{
    spin_assert_held(&wq->lock);
    while (!*done) {
        int err;

        if (deadline == 0)
            return -CAIRN_ETIMEDOUT;
        err = waitq_wait_locked(wq, deadline);
        if (*done)
            break;
        if (err == -CAIRN_ETIMEDOUT)
            return err;
        /* Woken from outside: only a thread being stopped gives up. */
        if (err == -CAIRN_EINTR && __atomic_load_n(&sched_current()->stop, __ATOMIC_ACQUIRE))
            return err;
    }
    return 0;
}

/* waitq_deadline_after (waitq.h) passes UINT64_MAX through as "for ever". */
_Static_assert(SCHED_FOREVER == UINT64_MAX, "SCHED_FOREVER is not UINT64_MAX");

uint64_t
waitq_deadline_from_now(uint64_t timeout_ns)
{
    uint64_t now = clock_monotonic_ns();

    return timeout_ns >= SCHED_FOREVER - now ? SCHED_FOREVER : now + timeout_ns;
}

static bool
waitq_wake_first_locked(struct waitq *wq)
{
    struct list_node *node = list_pop_front(&wq->waiters);
    struct waitq_waiter *w;

    spin_assert_held(&wq->lock);

    if (!node)
        return false;
    w = list_entry(node, struct waitq_waiter, link);
    w->woken = true;
    sched_wake(w->thread);
    return true;
}

unsigned
waitq_wake_one_locked(struct waitq *wq)
{
    spin_assert_held(&wq->lock);
    return waitq_wake_first_locked(wq) ? 1 : 0;
}

unsigned
waitq_wake_all_locked(struct waitq *wq)
{
    unsigned n = 0;

    spin_assert_held(&wq->lock);

    while (waitq_wake_first_locked(wq))
        n++;
    return n;
}

unsigned
waitq_wake_one(struct waitq *wq)
{
    bool irq = spin_lock_irqsave(&wq->lock);
    unsigned n = waitq_wake_one_locked(wq);

    spin_unlock_irqrestore(&wq->lock, irq);
    return n;
}

unsigned
waitq_wake_all(struct waitq *wq)
{
    bool irq = spin_lock_irqsave(&wq->lock);
    unsigned n = waitq_wake_all_locked(wq);

    spin_unlock_irqrestore(&wq->lock, irq);
    return n;
}
