// SPDX-License-Identifier: MIT
/*
 * Notifications (see notification.h). Invariant: with the queue's lock
 * held, a waiter is queued only while bits == 0; signal sets bits and
 * wakes the oldest waiter, which takes them all. A waiter woken for bits
 * that another thread took first (it arrived between the wake-up and the
 * waiter's return) goes back to waiting.
 *
 * Binding: with the queue's lock held, bound_waiting is true only while
 * the bound thread is queued on an endpoint as a receiver (or about to
 * be, marked blocked) and n had no bits when it looked; a signal then
 * clears it and wakes the thread, which finds the bits when it withdraws
 * from the endpoint (endpoint.c). Only the bound thread takes the bits of
 * a bound notification, so bits seen by a signal are still there when the
 * thread looks, unless it got a message first; then they stay for its
 * next receive.
 */
#include <cairn/errors.h>

#include "core/panic.h"
#include "mm/kmalloc.h"
#include "obj/notification.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "time/clock.h"

static void
notification_destroy(struct object *o)
{
    struct notification *n = notification_from(o);

    /* A bound thread holds a reference, so none is bound to n now. */
    watch_notification_gone(n);
    kfree(n);
}

static const struct object_ops notification_ops = {.destroy = notification_destroy};

struct notification *
notification_create(void)
{
    struct notification *n = kzalloc(sizeof(*n));

    if (!n)
        return NULL;
    object_init(&n->obj, CAIRN_OBJ_NOTIFICATION, &notification_ops);
    waitq_init(&n->wq);
    list_init(&n->watches);
    return n;
}

void
notification_signal(struct notification *n, uint64_t bits)
{
    bool irq;

    if (!bits)
        return;
    irq = spin_lock_irqsave(&n->wq.lock);
    n->bits |= bits;
    if (__builtin_expect(n->bound_waiting, 0)) {
        n->bound_waiting = false;
        sched_wake(n->bound);
    }
    waitq_wake_one_locked(&n->wq);
    spin_unlock_irqrestore(&n->wq.lock, irq);
}

int
notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits)
{
    bool irq = spin_lock_irqsave(&n->wq.lock);
    int err = 0;

    if (__builtin_expect(n->bound != NULL, 0) && n->bound != sched_current()) {
        spin_unlock_irqrestore(&n->wq.lock, irq);
        return -CAIRN_EBUSY;
    }
    while (!n->bits) {
        if (deadline == 0) {
            err = -CAIRN_ETIMEDOUT;
            break;
        }
        err = waitq_wait_locked(&n->wq, deadline);
        if (err && !n->bits)
            break;
        err = 0;
    }
    if (!err) {
        *bits = n->bits;
        n->bits = 0;
        /* Bits set while we were being woken may have woken only us;
         * nothing is left for another waiter, so no hand-off is needed. */
    }
    spin_unlock_irqrestore(&n->wq.lock, irq);
    return err;
}

int
notification_bind(struct notification *n)
{
    struct thread *me = sched_current();
    bool irq;
    int err = 0;

    if (me->ipc.bound)
        return -CAIRN_EBUSY;
    irq = spin_lock_irqsave(&n->wq.lock);
    if (n->bound || !list_empty(&n->wq.waiters))
        err = -CAIRN_EBUSY;
    else
        n->bound = me;
    spin_unlock_irqrestore(&n->wq.lock, irq);
    if (!err) {
        object_ref(&n->obj);
        me->ipc.bound = n;
    }
    return err;
}

int
notification_unbind(struct notification *n)
{
    struct thread *me = sched_current();
    struct notification *b = me->ipc.bound;
    bool irq;

    if (!b || (n && n != b))
        return -CAIRN_ENOENT;
    irq = spin_lock_irqsave(&b->wq.lock);
    assert(b->bound == me);
    b->bound = NULL;
    b->bound_waiting = false; /* not in a receive: already false */
    spin_unlock_irqrestore(&b->wq.lock, irq);
    me->ipc.bound = NULL;
    object_unref(&b->obj);
    return 0;
}

bool
notification_recv_arm(struct notification *n, uint64_t *bits)
{
    bool got;

    spin_lock(&n->wq.lock);
    got = n->bits != 0;
    if (got) {
        *bits = n->bits;
        n->bits = 0;
    } else {
        n->bound_waiting = true;
    }
    spin_unlock(&n->wq.lock);
    return got;
}

bool
notification_recv_disarm(struct notification *n, bool take, uint64_t *bits)
{
    bool irq = spin_lock_irqsave(&n->wq.lock), got = take && n->bits;

    n->bound_waiting = false;
    if (got) {
        *bits = n->bits;
        n->bits = 0;
    }
    spin_unlock_irqrestore(&n->wq.lock, irq);
    return got;
}
