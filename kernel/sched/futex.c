// SPDX-License-Identifier: MIT
/*
 * Futexes (see futex.h). Waiters sit in one of FUTEX_BUCKETS hash buckets,
 * by key, each a spinlock and a list in arrival order.
 *
 * A wait is three steps, so that the part after the block is small and
 * needs nothing from the stack of the first (a later kernel with one stack
 * per CPU can run it as a continuation):
 *
 *   futex_wait_begin   look the key up, take the bucket's lock, read the
 *                      word; if it holds the expected value, queue the
 *                      thread's own waiter record and mark it blocked
 *                      before the lock goes (a wake-up in between only
 *                      makes the block return at once);
 *   sched_block_until  the block itself;
 *   futex_wait_finish  the result from the record alone: taken off the
 *                      bucket by a waker (woken, whatever else happened),
 *                      else off the bucket by itself, timed out or stopped.
 *
 * A waker unlinks the record, sets `woken` and calls sched_wake, all under
 * the bucket's lock, so the thread cannot have left (or exited) meanwhile.
 *
 * Invariants, under a bucket's lock: a waiter record is on the bucket of
 * its key exactly while its thread is in a futex wait and no waker has
 * taken it; `woken` is set exactly when a waker took it.
 *
 * Lock order: bucket lock -> vspace.lock, memobj.lock, frame_lock (reading
 * the word may enter its page) and -> runqueue.lock (blocking, waking).
 * Nothing that holds one of those takes a bucket's lock, and nothing under
 * a bucket's lock flushes a TLB.
 */
#include <cairn/errors.h>
#include <cairn/init.h>

#include "lib/spinlock.h"
#include "obj/process.h"
#include "sched/futex.h"
#include "sched/sched.h"

#define FUTEX_BUCKETS 64

struct futex_bucket {
    struct spinlock lock;
    struct list_node waiters; /* [lock] struct futex_waiter, oldest first */
};

static struct futex_bucket futex_buckets[FUTEX_BUCKETS];

void
futex_init(void)
{
    for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
        spin_init(&futex_buckets[i].lock);
        list_init(&futex_buckets[i].waiters);
    }
}

static struct futex_bucket *
futex_bucket_of(uint64_t koid, uint64_t offset)
{
    uint64_t h = (koid * 0x9e3779b97f4a7c15ull) ^ (offset >> 2) * 0xc2b2ae3d27d4eb4full;

    return &futex_buckets[(h >> 32) % FUTEX_BUCKETS];
}

/* The key of the word at addr in the calling thread's process. */
static int
futex_key(uint64_t addr, uint64_t *koid, uint64_t *offset)
{
    if (addr & 3)
        return -CAIRN_EINVAL;
    if (addr >= CAIRN_USER_TOP)
        return -CAIRN_EFAULT;
    return vspace_object_at(&process_current()->vs, addr, koid, offset);
}

/* The first step of a wait (see the file comment): 1 when queued and
 * marked blocked, else the wait's result. */
static int
futex_wait_begin(struct thread *t, uint64_t addr, uint32_t expected, uint64_t deadline)
{
    struct futex_waiter *w = &t->futex;
    struct futex_bucket *b;
    uint64_t koid, offset;
    uint32_t now;
    bool irq;
    int err;

    err = futex_key(addr, &koid, &offset);
    if (err)
        return err;
    b = futex_bucket_of(koid, offset);
    irq = spin_lock_irqsave(&b->lock);
    /* Under the lock a waker takes: the value and the queueing are one
     * step for it. The copy may enter the page (usercopy.h allows that
     * under a lock that nothing in the fault path takes). */
    if (copy_from_user(&now, addr, sizeof(now)) < 0) {
        err = -CAIRN_EFAULT;
    } else if (now != expected) {
        err = -CAIRN_EAGAIN;
    } else if (deadline == 0) {
        err = -CAIRN_ETIMEDOUT;
    } else {
        w->koid = koid;
        w->offset = offset;
        w->woken = false;
        list_push_back(&b->waiters, &w->link);
        sched_prepare_block();
        err = 1;
    }
    spin_unlock_irqrestore(&b->lock, irq);
    return err;
}

/* The last step: what ended the wait, from the waiter record. */
static int
futex_wait_finish(struct thread *t, bool timed_out)
{
    struct futex_waiter *w = &t->futex;
    struct futex_bucket *b = futex_bucket_of(w->koid, w->offset);
    bool irq = spin_lock_irqsave(&b->lock);
    int err = 0;

    if (!w->woken) {
        list_remove(&w->link);
        err = timed_out ? -CAIRN_ETIMEDOUT : -CAIRN_EINTR;
    }
    spin_unlock_irqrestore(&b->lock, irq);
    return err;
}

int
futex_wait(uint64_t addr, uint32_t expected, uint64_t deadline)
{
    struct thread *t = sched_current();
    int err = futex_wait_begin(t, addr, expected, deadline);

    if (err != 1)
        return err;
    return futex_wait_finish(t, sched_block_until(deadline));
}

long
futex_wake(uint64_t addr, uint32_t count)
{
    struct futex_bucket *b;
    struct list_node *pos, *next;
    uint64_t koid, offset;
    long woken = 0;
    bool irq;
    int err;

    err = futex_key(addr, &koid, &offset);
    if (err)
        return err;
    b = futex_bucket_of(koid, offset);
    irq = spin_lock_irqsave(&b->lock);
    list_for_each_safe(pos, next, &b->waiters) {
        struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);

        if ((uint64_t)woken >= count)
            break;
        if (w->koid != koid || w->offset != offset)
            continue;
        list_remove(&w->link);
        w->woken = true;
        /* Under the lock: the thread cannot finish its wait (and exit)
         * before this wake-up has been delivered. */
        sched_wake((struct thread *)((char *)w - offsetof(struct thread, futex)));
        woken++;
    }
    spin_unlock_irqrestore(&b->lock, irq);
    return woken;
}
