// SPDX-License-Identifier: MIT
/*
 * Exit notices (see watch.h).
 *
 * Invariants, under watch_lock:
 * - a watch is on exactly one process's list and one notification's, and
 *   there is at most one watch per (process, notification) pair;
 * - a process with watches_fired set has no watch: its end has fired them
 *   all, and a later one fires at once;
 * - a notification being destroyed (no reference left) has no watch once
 *   its destroy has passed watch_notification_gone, and until then is
 *   still allocated: a process end that signals it holds watch_lock, which
 *   the destroy waits for.
 * Records are freed (and their charge given back) after watch_lock is
 * released: giving back the last reference to a quota destroys it.
 */
#include <cairn/errors.h>

#include "lib/list.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/quota.h"
#include "obj/watch.h"

struct watch {
    struct list_node proc_link; /* [W] on process->watches */
    struct list_node ntfn_link; /* [W] on notification->watches */
    struct process *p;          /* [W] the process watched (no reference) */
    struct notification *n;     /* [W] what its end signals (no reference) */
    uint64_t bits;              /* [W] what its end sets */
    struct quota *quota;        /* [I] a reference: charged sizeof(struct watch), or NULL */
};

static struct spinlock watch_lock = SPINLOCK_INIT;

/* Take w off both lists onto done (watch_lock held). */
static void
watch_detach_locked(struct watch *w, struct list_node *done)
{
    list_remove(&w->proc_link);
    list_remove(&w->ntfn_link);
    w->p->nwatches--;
    list_push_back(done, &w->proc_link);
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
        watch_free(list_entry(list_pop_front(done), struct watch, proc_link));
}

static struct watch *
watch_find_locked(struct process *p, struct notification *n)
{
    struct list_node *pos;

    list_for_each(pos, &p->watches) {
        struct watch *w = list_entry(pos, struct watch, proc_link);

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
watch_process(struct process *p, struct notification *n, uint64_t bits)
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
    w = watch_find_locked(p, n);
    if (!bits) {
        if (w)
            watch_detach_locked(w, &done);
        else
            err = -CAIRN_ENOENT;
    } else if (p->watches_fired) {
        fire_now = true;
    } else if (w) {
        w->bits |= bits;
    } else if (p->nwatches >= WATCH_MAX) {
        err = -CAIRN_ENOMEM;
    } else {
        w = spare;
        spare = NULL;
        w->p = p;
        w->n = n;
        w->bits = bits;
        list_push_back(&p->watches, &w->proc_link);
        list_push_back(&n->watches, &w->ntfn_link);
        p->nwatches++;
    }
    spin_unlock_irqrestore(&watch_lock, irq);
    if (fire_now)
        notification_signal(n, bits); /* the caller holds n */
    if (spare)
        watch_free(spare);
    watch_free_list(&done);
    return err;
}

void
watch_process_ended(struct process *p)
{
    struct list_node done;
    bool irq;

    list_init(&done);
    irq = spin_lock_irqsave(&watch_lock);
    p->watches_fired = true;
    while (!list_empty(&p->watches)) {
        struct watch *w = list_entry(p->watches.next, struct watch, proc_link);

        /* Under the lock: n may be on its way to destroy, which waits. */
        notification_signal(w->n, w->bits);
        watch_detach_locked(w, &done);
    }
    spin_unlock_irqrestore(&watch_lock, irq);
    watch_free_list(&done);
}

void
watch_notification_gone(struct notification *n)
{
    struct list_node done;
    bool irq;

    /* No reference is left, so no watch can be added; a process end
     * signalling n meanwhile is waited for under the lock. */
    list_init(&done);
    irq = spin_lock_irqsave(&watch_lock);
    while (!list_empty(&n->watches))
        watch_detach_locked(list_entry(n->watches.next, struct watch, ntfn_link), &done);
    spin_unlock_irqrestore(&watch_lock, irq);
    watch_free_list(&done);
}
