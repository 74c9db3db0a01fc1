// SPDX-License-Identifier: MIT
/*
 * Notifications (see notification.h). Invariant, under n's lock: a thread
 * is on n->waiters only while n->bits == 0 and its waiter's bits are 0;
 * a signal with waiters takes the oldest off the list, gives it the bits
 * and wakes it. A waiter that finds itself still on the list when it runs
 * again (its deadline passed, or it is being stopped) takes itself off;
 * one that was handed bits returns them, whatever else woke it too.
 *
 * Binding: with the lock held, bound_waiting is true only while the bound
 * thread is queued on an endpoint as a receiver (or about to be, marked
 * blocked) and n had no bits when it looked; a signal then clears it and
 * wakes the thread, which finds the bits when it withdraws from the
 * endpoint (endpoint.c). Only the bound thread takes the bits of a bound
 * notification (and only it may wait on one), so bits seen by a signal are
 * still there when the thread looks, unless it got a message first; then
 * they stay for its next receive.
 */
#include <cairn/errors.h>

#include "arch/x86_64/trap.h"
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
    spin_init(&n->lock);
    list_init(&n->waiters);
    list_init(&n->watches);
    return n;
}

/*
 * Ends a continuation's wait (t blocked, its run queue locked, n locked,
 * t->notify.bits set): the result goes into its syscall frame, and the
 * wait's reference to n is dropped, unless it is the last one (n cannot
 * be destroyed here, under its lock): then t's resume step does both.
 * Done, t returns to user mode with nothing more to do, and the switch to
 * it can go straight through its frame (sched_block_cont).
 */
static void
notification_finish_wait(struct thread *t, void *arg)
{
    struct notification *n = arg;
    struct trap_frame *f;

    if (!object_unref_unless_last(&n->obj))
        return;
    f = syscall_frame_below(t->kstack_top);
    f->rax = 0;
    f->rsi = t->notify.bits;
    t->notify.n = NULL;
    t->ipc.cont = IPC_CONT_NOTIFY_DONE;
}

static inline void
notification_signal_locked(struct notification *n, uint64_t bits)
{
    spin_assert_held(&n->lock);
    if (!list_empty(&n->waiters)) {
        struct thread *t = list_entry(list_pop_front(&n->waiters), struct thread, notify.link);

        t->notify.bits = bits;
        if (t->ipc.cont == IPC_CONT_NOTIFY)
            sched_wake_finish(t, notification_finish_wait, n);
        else
            sched_wake(t);
    } else {
        n->bits |= bits;
        if (__builtin_expect(n->bound_waiting, 0)) {
            n->bound_waiting = false;
            sched_wake(n->bound);
        }
    }
}

void
notification_signal(struct notification *n, uint64_t bits)
{
    bool irq;

    if (!bits)
        return;
    irq = spin_lock_irqsave(&n->lock);
    notification_signal_locked(n, bits);
    spin_unlock_irqrestore(&n->lock, irq);
}

void
notification_signal_irqoff(struct notification *n, uint64_t bits)
{
    if (!bits)
        return;
    spin_lock(&n->lock);
    notification_signal_locked(n, bits);
    spin_unlock(&n->lock);
}

/* The bits handed to me, or, if none came, me off the list (n locked). */
static int
notification_wait_end_locked(struct notification *n, struct thread *me, bool timed_out,
                             uint64_t *bits)
{
    spin_assert_held(&n->lock);
    if (me->notify.bits) {
        *bits = me->notify.bits;
        return 0;
    }
    list_remove(&me->notify.link);
    return timed_out ? -CAIRN_ETIMEDOUT : -CAIRN_EINTR;
}

int
notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits)
{
    struct thread *me = sched_current();
    bool irq = spin_lock_irqsave(&n->lock), timed_out;
    int err = 0;

    if (__builtin_expect(n->bound != NULL, 0) && n->bound != me) {
        err = -CAIRN_EBUSY;
    } else if (n->bits) {
        *bits = n->bits;
        n->bits = 0;
    } else if (deadline == 0) {
        err = -CAIRN_ETIMEDOUT;
    } else {
        me->notify.bits = 0;
        list_push_back(&n->waiters, &me->notify.link);
        /* Blocked before the lock goes, so a signal in between is not
         * lost: it finds us BLOCKED and makes us ready. */
        sched_prepare_block();
        spin_unlock(&n->lock);
        timed_out = sched_block_until(deadline);
        spin_lock(&n->lock);
        err = notification_wait_end_locked(n, me, timed_out, bits);
    }
    spin_unlock_irqrestore(&n->lock, irq);
    return err;
}

struct cont_switch
notification_wait_fast(struct notification *n, uint64_t deadline, struct trap_frame *f)
{
    struct thread *me = sched_current();
    struct cont_switch sw = {NOTIFY_WAIT_DONE, NULL};

    spin_lock(&n->lock);
    if (__builtin_expect(n->bound != NULL, 0)) {
        sw.rsp = NOTIFY_WAIT_GENERAL;
    } else if (n->bits) {
        f->rax = 0;
        f->rsi = n->bits;
        n->bits = 0;
    } else if (deadline == 0) {
        f->rax = (uint64_t)-CAIRN_ETIMEDOUT;
        f->rsi = 0;
    } else {
        me->notify.n = n;
        me->notify.bits = 0;
        list_push_back(&n->waiters, &me->notify.link);
        me->ipc.cont = IPC_CONT_NOTIFY;
        sw = sched_block_cont(f, deadline);
        if (!sw.rsp) { /* being stopped */
            list_remove(&me->notify.link);
            me->notify.n = NULL;
            me->ipc.cont = IPC_CONT_NONE;
            f->rax = (uint64_t)-CAIRN_EINTR;
            f->rsi = 0;
            sw.rsp = NOTIFY_WAIT_DONE;
        }
    }
    spin_unlock(&n->lock);
    return sw;
}

int
notification_wait_resume(struct thread *me, uint64_t *bits)
{
    struct notification *n = me->notify.n;
    int err;

    me->notify.n = NULL;
    /* Under the lock even when the bits are there: the signal that handed
     * them may still hold it, and the caller's next step may drop the
     * last reference to n. */
    spin_lock(&n->lock);
    err = notification_wait_end_locked(n, me, me->timed_out, bits);
    spin_unlock(&n->lock);
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
    irq = spin_lock_irqsave(&n->lock);
    if (n->bound || !list_empty(&n->waiters))
        err = -CAIRN_EBUSY;
    else
        n->bound = me;
    spin_unlock_irqrestore(&n->lock, irq);
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
    irq = spin_lock_irqsave(&b->lock);
    assert(b->bound == me);
    b->bound = NULL;
    b->bound_waiting = false; /* not in a receive: already false */
    spin_unlock_irqrestore(&b->lock, irq);
    me->ipc.bound = NULL;
    object_unref(&b->obj);
    return 0;
}

bool
notification_recv_arm(struct notification *n, uint64_t *bits)
{
    bool got;

    spin_lock(&n->lock);
    got = n->bits != 0;
    if (got) {
        *bits = n->bits;
        n->bits = 0;
    } else {
        n->bound_waiting = true;
    }
    spin_unlock(&n->lock);
    return got;
}

bool
notification_recv_disarm(struct notification *n, bool take, uint64_t *bits)
{
    bool irq = spin_lock_irqsave(&n->lock), got = take && n->bits;

    n->bound_waiting = false;
    if (got) {
        *bits = n->bits;
        n->bits = 0;
    }
    spin_unlock_irqrestore(&n->lock, irq);
    return got;
}
