// SPDX-License-Identifier: MIT
/*
 * Exit notices (see watch.h).
 *
 * Invariants, under watch_lock:
 * - a watch is on exactly one target's list and one notification's, and
 *   there is at most one watch per (target, notification) pair;
 * - a fired target has no watch: its end has fired them all, and a later
 *   one fires at once;
 * - a notification being destroyed (no reference left) has no watch once
 *   its destroy has passed watch_notification_gone, and until then is
 *   still allocated: an end that signals it holds watch_lock, which
 *   the destroy waits for.
 * Records are freed (and their charge given back) after watch_lock is
 * released: giving back the last reference to a quota destroys it. A
 * thread's end may come under its process's lock (a thread that never
 * ran, ended with its process), where nothing may be freed: those records
 * wait on watch_dead for the reaper (sched_defer).
 */
#include <cairn/errors.h>

#include "common/list.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/quota.h"
#include "obj/watch.h"
#include "sched/sched.h"

struct watch {
    struct list_node target_link; /* [W] on target->watches */
    struct list_node ntfn_link;   /* [W] on notification->watches */
    struct watch_target *t;       /* [W] what is watched (no reference) */
    struct notification *n;       /* [W] what its end signals (no reference) */
    uint64_t bits;                /* [W] what its end sets */
    struct quota *quota;          /* [I] a reference: charged sizeof(struct watch), or NULL */
};

static struct spinlock watch_lock = SPINLOCK_INIT;
static struct list_node watch_dead = LIST_INIT(watch_dead); /* [W] records for the reaper */
static bool watch_reap_queued;                              /* [W] watch_reap_work is queued */
static struct sched_work watch_reap_work;

/* Take w off both lists onto done (watch_lock held). */
static void
watch_detach_locked(struct watch *w, struct list_node *done)
{
    spin_assert_held(&watch_lock);
    list_remove(&w->target_link);
    list_remove(&w->ntfn_link);
    w->t->count--;
    list_push_back(done, &w->target_link);
}

static void
watch_free(struct watch *w)
{
    if (w->quota) {
        quota_uncharge(w->quota, sizeof(*w));
        quota_unref(w->quota);
    }
    kfree(w);
}

/* Free the watches on done (watch_lock not held). */
static void
watch_free_list(struct list_node *done)
{
    while (!list_empty(done))
        watch_free(list_entry(list_pop_front(done), struct watch, target_link));
}

/* t's list, set up on first use (a zeroed target is empty). */
static struct list_node *
watch_list_locked(struct watch_target *t)
{
    spin_assert_held(&watch_lock);
    if (!t->watches.next)
        list_init(&t->watches);
    return &t->watches;
}

static struct watch *
watch_find_locked(struct watch_target *t, struct notification *n)
{
    struct list_node *pos;

    spin_assert_held(&watch_lock);

    list_for_each(pos, watch_list_locked(t)) {
        struct watch *w = list_entry(pos, struct watch, target_link);

        if (w->n == n)
            return w;
    }
    return NULL;
}

/* A charged record for a new watch of the calling process; NULL without
 * memory or quota. */
static struct watch *
watch_alloc(void)
{
    struct quota *q = process_quota_get(process_current());
    struct watch *w;

    if (quota_charge(q, sizeof(*w)) < 0) {
        if (q)
            quota_unref(q);
        return NULL;
    }
    w = kzalloc(sizeof(*w));
    if (!w) {
        if (q) {
            quota_uncharge(q, sizeof(*w));
            quota_unref(q);
        }
        return NULL;
    }
    w->quota = q;
    return w;
}

int
watch_add(struct watch_target *t, struct notification *n, uint64_t bits)
{
    struct watch *w, *spare = NULL;
    struct list_node done;
    bool irq, fire_now = false;
    int err = 0;

    list_init(&done);
    /* Allocated before the lock, and freed if not needed. */
    if (bits && !(spare = watch_alloc()))
        return -CAIRN_ENOMEM;
    irq = spin_lock_irqsave(&watch_lock);
    /* Seen by an end from now on, or we see its fired (watch_fire). */
    __atomic_store_n(&t->used, true, __ATOMIC_SEQ_CST);
    w = watch_find_locked(t, n);
    if (!bits) {
        if (w)
            watch_detach_locked(w, &done);
        else
            err = -CAIRN_ENOENT;
    } else if (__atomic_load_n(&t->fired, __ATOMIC_SEQ_CST)) {
        fire_now = true;
    } else if (w) {
        w->bits |= bits;
    } else if (t->count >= WATCH_MAX) {
        err = -CAIRN_ENOMEM;
    } else {
        w = spare;
        spare = NULL;
        w->t = t;
        w->n = n;
        w->bits = bits;
        list_push_back(&t->watches, &w->target_link);
        list_push_back(&n->watches, &w->ntfn_link);
        t->count++;
    }
    spin_unlock_irqrestore(&watch_lock, irq);
    if (fire_now)
        notification_signal(n, bits); /* the caller holds n */
    if (spare)
        watch_free(spare);
    watch_free_list(&done);
    return err;
}

static void
watch_reap(struct sched_work *work)
{
    struct list_node done;
    bool irq;

    (void)work;
    list_init(&done);
    irq = spin_lock_irqsave(&watch_lock);
    while (!list_empty(&watch_dead))
        list_push_back(&done, list_pop_front(&watch_dead));
    watch_reap_queued = false;
    spin_unlock_irqrestore(&watch_lock, irq);
    watch_free_list(&done);
}

void
watch_fire(struct watch_target *t, bool may_free)
{
    struct list_node done, *list;
    bool irq, queue = false;

    /* Dekker's pattern with watch_add: fired stored, then used loaded,
     * each side the other way round, both sequentially consistent. A
     * target never watched ends without the lock; a watch being added
     * meanwhile sees fired and fires at once. */
    __atomic_store_n(&t->fired, true, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&t->used, __ATOMIC_SEQ_CST))
        return;
    list_init(&done);
    irq = spin_lock_irqsave(&watch_lock);
    list = watch_list_locked(t);
    while (!list_empty(list)) {
        struct watch *w = list_entry(list->next, struct watch, target_link);

        /* Under the lock: n may be on its way to destroy, which waits. */
        notification_signal(w->n, w->bits);
        watch_detach_locked(w, may_free ? &done : &watch_dead);
    }
    if (!may_free && !list_empty(&watch_dead) && !watch_reap_queued) {
        watch_reap_queued = true;
        queue = true;
    }
    spin_unlock_irqrestore(&watch_lock, irq);
    if (queue) {
        watch_reap_work.fn = watch_reap;
        sched_defer(&watch_reap_work);
    }
    watch_free_list(&done);
}

void
watch_notification_gone(struct notification *n)
{
    struct list_node done;
    bool irq;

    /* No reference is left, so no watch can be added; an end
     * signalling n meanwhile is waited for under the lock. */
    list_init(&done);
    irq = spin_lock_irqsave(&watch_lock);
    while (!list_empty(&n->watches))
        watch_detach_locked(list_entry(n->watches.next, struct watch, ntfn_link), &done);
    spin_unlock_irqrestore(&watch_lock, irq);
    watch_free_list(&done);
}
