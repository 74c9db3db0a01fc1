/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a 64-bit word of signal bits. signal ORs bits in and
 * wakes one waiter; wait blocks until some bit is set and takes (clears)
 * all of them. Signals never queue or count: two signals of the same bit
 * before a wait are one. Interrupts reach user space this way (obj/irq.c).
 *
 * Lock legend: [w] the wait queue's lock.
 */
#ifndef CAIRN_OBJ_NOTIFICATION_H
#define CAIRN_OBJ_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "obj/object.h"
#include "sched/waitq.h"

struct notification {
    struct object obj;        /* type CAIRN_OBJ_NOTIFICATION */
    struct waitq wq;          /* waiters; its lock guards bits */
    uint64_t bits;            /* [w] set and not yet taken */
    struct thread *bound;     /* [w] the thread it is bound to (no reference), or NULL */
    bool bound_waiting;       /* [w] bound is blocked in an endpoint receive: wake it on a signal */
    struct list_node watches; /* process watches that signal it ([watch_lock], obj/watch.c) */
};

/* A new notification with no bits set, one reference; NULL without memory. */
struct notification *notification_create(void);

/* OR bits in and wake a waiter if any bit is now set. Never blocks; safe
 * from interrupt handlers. */
void notification_signal(struct notification *n, uint64_t bits);

/*
 * Take every set bit, waiting until there is one or until deadline
 * (monotonic ns; 0: do not wait; SCHED_FOREVER: no limit). Returns 0 and
 * the bits in *bits, -CAIRN_ETIMEDOUT when none came in time, or
 * -CAIRN_EINTR when the thread was woken to stop (its process is ending),
 * or -CAIRN_EBUSY when n is bound to another thread.
 */
int notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits);

/*
 * Bind n to the calling thread. -CAIRN_EBUSY if the thread has a bound
 * notification already, or n is bound (to any thread) or has a thread in
 * notification_wait. The thread takes a reference to n.
 */
int notification_bind(struct notification *n);

/* Unbind the calling thread's notification, if it is n (NULL: whichever
 * it is): 0, or -CAIRN_ENOENT. For a dying thread too (at its exit). */
int notification_unbind(struct notification *n);

/*
 * For an endpoint receive of the thread bound to n, which has queued
 * itself on the endpoint and marked itself blocked (ep locked, interrupts
 * off): if n has bits, take them into *bits and return true (the receive
 * ends with them); otherwise arm n so that a signal wakes the thread, and
 * return false.
 */
bool notification_recv_arm(struct notification *n, uint64_t *bits);

/* After the wait of such a receive: disarm n, and (take true) take its
 * bits if it has any. Returns whether it took some. */
bool notification_recv_disarm(struct notification *n, bool take, uint64_t *bits);

static inline struct notification *
notification_from(struct object *o)
{
    return (struct notification *)o;
}

#endif
