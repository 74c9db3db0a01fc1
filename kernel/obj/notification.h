/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a 64-bit word of signal bits. A signal hands its bits to
 * the oldest waiter, which returns with exactly those; with no waiter, it
 * ORs them into the word, and the next wait takes (clears) all of them.
 * Signals never queue or count: two signals of the same bit before a wait
 * are one. Interrupts reach user space this way (obj/irq.c).
 *
 * Handing the bits over at the signal, as seL4 does, means that a woken
 * waiter has its result before it runs: nothing can take the bits from
 * it in between, and a wait begun on the system call's fast path ends
 * with no more work than returning them (sys/sys_notify.c).
 *
 * Lock legend: [n] the notification's lock.
 */
#ifndef CAIRN_OBJ_NOTIFICATION_H
#define CAIRN_OBJ_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "lib/spinlock.h"
#include "obj/object.h"
#include "sched/cont.h"

struct thread;
struct trap_frame;

/* A thread's wait on a notification (struct thread's `notify`). */
struct notify_waiter {
    struct notification *n; /* [o] the one waited on, while the wait lasts */
    struct list_node link;  /* [n] on n->waiters until a signal or the waiter takes it off */
    uint64_t bits;          /* [n] the bits a signal handed over: non-zero ends the wait */
};

struct notification {
    struct object obj;        /* type CAIRN_OBJ_NOTIFICATION */
    struct spinlock lock;     /* guards [n] here and in the waiters */
    struct list_node waiters; /* [n] struct notify_waiter, oldest first */
    uint64_t bits;            /* [n] set and not yet taken; 0 while anyone waits */
    struct thread *bound;     /* [n] the thread it is bound to (no reference), or NULL */
    bool bound_waiting;       /* [n] bound is blocked in an endpoint receive: wake it on a signal */
    struct list_node watches; /* process watches that signal it ([watch_lock], obj/watch.c) */
};

/* A new notification with no bits set, one reference; NULL without memory. */
struct notification *notification_create(void);

/* Hand bits to the oldest waiter and wake it, or OR them into the word.
 * Never blocks; safe from interrupt handlers. */
void notification_signal(struct notification *n, uint64_t bits);
/* The same, for a caller that has interrupts off. */
void notification_signal_irqoff(struct notification *n, uint64_t bits);

/*
 * Take every set bit, waiting until there is one or until deadline
 * (monotonic ns; 0: do not wait; SCHED_FOREVER: no limit). Returns 0 and
 * the bits in *bits, -CAIRN_ETIMEDOUT when none came in time, or
 * -CAIRN_EINTR when the thread was woken to stop (its process is ending),
 * or -CAIRN_EBUSY when n is bound to another thread.
 */
int notification_wait(struct notification *n, uint64_t deadline, uint64_t *bits);

/*
 * notification_wait for the notify_wait system call's fast path, on the
 * calling thread's syscall frame f with interrupts off and a reference to
 * n that becomes the wait's if it blocks. NOTIFY_WAIT_DONE: the result is
 * in f (rax 0 and the bits in rsi, or an error with rsi 0). NOTIFY_WAIT_
 * GENERAL: nothing changed, n is bound (notification_wait's case). Else
 * the thread is blocked with the continuation IPC_CONT_NOTIFY, and the
 * switch is for syscall.S (sched/cont.h).
 */
#define NOTIFY_WAIT_GENERAL 0ull
#define NOTIFY_WAIT_DONE    1ull
struct cont_switch notification_wait_fast(struct notification *n, uint64_t deadline,
                                          struct trap_frame *f);

/* The end of such a wait, in the waiting thread once it runs again
 * (interrupts off): the bits in *bits and 0, or -CAIRN_ETIMEDOUT, or
 * -CAIRN_EINTR when woken to stop. The wait's reference to n is the
 * caller's to drop. */
int notification_wait_resume(struct thread *me, uint64_t *bits);

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
