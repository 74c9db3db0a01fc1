/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: threads waiting for a condition that another thread makes
 * true. The condition lives in the caller's data, guarded by the queue's
 * lock, which is what makes the pattern free of lost wake-ups:
 *
 *     bool irq = spin_lock_irqsave(&wq->lock);
 *     while (!condition) {
 *         err = waitq_wait_locked(wq, deadline);   // drops and retakes the lock
 *         if (err) break;
 *     }
 *     spin_unlock_irqrestore(&wq->lock, irq);
 *
 * and the waker changes the condition and calls waitq_wake_*_locked under
 * the same lock (or waitq_wake_* without it, when the condition is atomic
 * and was set first). Waiters are woken in arrival order.
 *
 * Lock order: a wait queue's lock nests outside the run-queue locks
 * (waking takes them) and inside nothing else of the scheduler.
 */
#ifndef CAIRN_SCHED_WAITQ_H
#define CAIRN_SCHED_WAITQ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "lib/spinlock.h"

struct thread;

struct waitq {
    struct spinlock lock;
    struct list_node waiters; /* [lock] struct waitq_waiter, oldest first */
};

#define WAITQ_INIT(name)                         \
    {                                            \
        SPINLOCK_INIT, LIST_INIT((name).waiters) \
    }

void waitq_init(struct waitq *wq);

/*
 * Blocks the calling thread on wq until a wake-up or the deadline
 * (monotonic ns; SCHED_FOREVER for none). The caller holds wq->lock with
 * interrupts off; it is released while blocked and held again on return.
 * Returns 0 when woken through the queue, -CAIRN_ETIMEDOUT when the
 * deadline passed, -CAIRN_EINTR when something else woke the thread
 * (sched_wake from outside, as when its process is being killed).
 * Callers re-check their condition in every case.
 */
int waitq_wait_locked(struct waitq *wq, uint64_t deadline);

/*
 * Waits on wq until *done is true (a flag the waker sets under wq->lock
 * before waking all), the deadline passes (-CAIRN_ETIMEDOUT; deadline 0:
 * do not wait), or the calling thread is being stopped (-CAIRN_EINTR).
 * Returns 0 once *done. Locking as for waitq_wait_locked.
 */
int waitq_wait_for_locked(struct waitq *wq, const bool *done, uint64_t deadline);

/* The deadline timeout_ns from now (0 stays 0, "do not wait"; one that
 * would overflow, or UINT64_MAX (SCHED_FOREVER, CAIRN_WAIT_FOREVER)
 * itself, is SCHED_FOREVER). Inline, since IPC and notification waits for
 * ever take it on their fast paths and those two need no clock read. */
uint64_t waitq_deadline_from_now(uint64_t timeout_ns);

static inline uint64_t
waitq_deadline_after(uint64_t timeout_ns)
{
    if (timeout_ns == 0 || timeout_ns == UINT64_MAX)
        return timeout_ns;
    return waitq_deadline_from_now(timeout_ns);
}

/* Wake the oldest waiter / all waiters; the caller holds wq->lock.
 * Returns the number woken. */
unsigned waitq_wake_one_locked(struct waitq *wq);
unsigned waitq_wake_all_locked(struct waitq *wq);
/* The same, taking the lock. */
unsigned waitq_wake_one(struct waitq *wq);
unsigned waitq_wake_all(struct waitq *wq);

#endif
