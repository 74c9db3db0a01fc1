// SPDX-License-Identifier: MIT
/*
 * Notifications (see notification.h). Invariant: with the queue's lock
 * held, a waiter is queued only while bits == 0; signal sets bits and
 * wakes the oldest waiter, which takes them all. A waiter woken for bits
 * that another thread took first (it arrived between the wake-up and the
 * waiter's return) goes back to waiting.
 */
#include <cairn/errors.h>

#include "mm/kmalloc.h"
#include "obj/notification.h"
#include "sched/sched.h"
#include "time/clock.h"

static void
notification_destroy(struct object *o)
{
    kfree(notification_from(o));
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
    waitq_wake_one_locked(&n->wq);
    spin_unlock_irqrestore(&n->wq.lock, irq);
}

int
notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits)
{
    bool irq = spin_lock_irqsave(&n->wq.lock);
    int err = 0;

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
