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

#include <stdint.h>

#include "obj/object.h"
#include "sched/waitq.h"

struct notification {
    struct object obj; /* type CAIRN_OBJ_NOTIFICATION */
    struct waitq wq;   /* waiters; its lock guards bits */
    uint64_t bits;     /* [w] set and not yet taken */
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
 * -CAIRN_EINTR when the thread was woken to stop (its process is ending).
 */
int notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits);

static inline struct notification *
notification_from(struct object *o)
{
    return (struct notification *)o;
}

#endif
